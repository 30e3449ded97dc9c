import Glibc
import NetStack
import Scheduler
import Wire

/// libFuzzer target over our TCP/IP stack (built by `scripts/fuzz.sh --netstack`).
///
/// Each input is a script run against two `NetStack`s on one in-memory Ethernet
/// segment: A at 10.0.0.1 (listening on TCP 7, UDP 68 and 5000 bound, an optional
/// DHCP client behind port 68) and B at 10.0.0.2 (listening on TCP 80 and 6633, UDP
/// 67 and 5000 bound). The script injects frames built from arbitrary bytes, replays,
/// drops, reorders and duplicates the frames the stacks really sent, rewrites the
/// peer's last real TCP segments (sequence, acknowledgment, flags, window, options,
/// payload) with their checksums recomputed, so the TCP state machine is driven deep,
/// moves time with and without `tick`, and makes the application calls (connect, send,
/// read, close, abort, shutdownWrite, listen, accept, UDP, ping, DHCP).
///
/// Any trap is a bug. Beyond not crashing or hanging (every loop is bounded, and a
/// stack that never runs dry or two stacks that never go quiet are reported), after
/// every step:
/// - every frame a stack transmits is Ethernet (from its MAC, 60 bytes at least, within
///   the MTU) carrying ARP (Ethernet/IPv4, request or reply, from its MAC) or IPv4 (IHL
///   5, total length within the frame, a correct header checksum) carrying TCP, UDP or
///   ICMP with a correct checksum (fragments are put back together to check theirs);
/// - after a `tick` at `now`, `nextDeadline` is not before `now`, and ticking again at
///   `now` clears any deadline equal to it;
/// - no counter of either stack (IP, TCP, DHCP) ever decreases;
/// - no TCP event names a handle after its `.closed`, and a closed handle cannot send
///   or read;
/// - while only genuine frames have reached the stacks (lost, duplicated or reordered,
///   but not forged), the bytes read are exactly the bytes the peer sent, in order.
///
/// # Input format
///
/// Byte 0 configures the run (`NetRunConfig`). Then steps until the bytes run out (at
/// most 4096); each starts with an op byte: `kind = op & 15`, `arg = op >> 4`, `side =
/// arg & 1` (0 is A, 1 is B), `sub = arg >> 1`. "payload" is a 16-bit big-endian length
/// then that many bytes (cut to what is left); a missing byte reads as 0.
///
/// | kind | step |
/// |------|------|
/// | 0 | a forged frame for `side`: payload; `sub & 3` how it is built (raw / Ethernet header added / IPv4 packet built, see `forgeIPv4` / ARP built), `sub & 4` broadcast MAC |
/// | 1 | the other side's TCP segment number `byte` (of the last 8) is rewritten by `sub` mutations (field byte + 4 value bytes each, `TCPMutation`), checksums fixed, and given to `side` |
/// | 2 | `side` transmits everything it has (to its wire queue); `sub & 1` then delivers it |
/// | 3 | `side`'s wire queue reaches the peer: `sub` is the `Delivery` mode (in order, first only, drop first, reversed, duplicated, all lost, last only, first two swapped) |
/// | 4 | both sides exchange frames until quiet; `arg` 1...14 loses every (arg + 1)th frame, 15 reverses each batch |
/// | 5 | time: `arg` < 12 advances `timeSteps[arg]` ms and ticks; 12, 13 go `arg - 12` ms past the next deadline and tick; 14, 15 advance 1 ms / 1 s without a tick |
/// | 6 | `side` connects: byte = destination (`destination(_:)`), `sub & 3` the port (`tcpPorts`), `sub & 4` from the fixed port 4000 (a simultaneous open when both do it) |
/// | 7 | `side` sends: handle byte (`handle(_:)`), size byte (`sendSizes`) |
/// | 8 | `side` reads: handle byte; `sub & 3` the buffer size (`readSizes`), `sub & 4` until nothing is left |
/// | 9 | `side` on a handle (byte): `sub` = close, abort, shutdownWrite, noDelay on, off, keepalive 1 s, off, state |
/// | 10 | `side` listeners: `sub` = accept all, accept one, listen (port byte), stop (index byte), listen on 0, accept all |
/// | 11 | `side` sends UDP: socket byte, destination byte (low 3 bits `destination`, high bits the port), size byte (`udpSizes`) |
/// | 12 | `side` UDP: `sub` = bind (port byte), bind ephemeral, close (index byte), read all, read one (else) |
/// | 13 | `side` pings: destination byte, size byte (`pingSizes`); `sub` is the identifier |
/// | 14 | DHCP (A): `arg` 0 payload to the client, 1 payload as UDP from 10.0.0.2:67 to A, 2 start, 3 release, else a reply of type `dhcpTypes[(arg - 4) % 4]` with the client's xid: yiaddr byte, lease-time byte, payload of extra options |
/// | 15 | `side` configuration: `sub` = same address again, unconfigured, another address (byte), start, a conflicting ARP, prefix /31, gateway toggled, original settings |
///
/// `NetScript` (below) writes this format; `Fuzz/NetStackSeeds.swift` uses it for the
/// seeds in Fuzz/corpus-netstack (`scripts/fuzz.sh --netstack --seeds` rewrites them).
@_cdecl("LLVMFuzzerTestOneInput")
public func netStackFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var run = NetRun(NetRunConfig(rawValue: input.first ?? 0))
    var reader = NetStepReader(bytes: input.dropFirst())
    var steps = 0
    while steps < 4096, let op = reader.bytes.popFirst() {
        steps += 1
        run.perform(op, &reader)
        run.afterStep()
    }
    run.finish()
    return 0
}

/// With NETSTACK_FUZZ_WRITE_SEEDS=DIR set, writes the seed scripts to DIR and exits.
/// With NETSTACK_FUZZ_TRACE set, prints each step and each frame (to read a crash:
/// `NETSTACK_FUZZ_TRACE=1 .build-fuzz-netstack/netstack-fuzz CRASH`).
@_cdecl("LLVMFuzzerInitialize")
public func netStackFuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    if let directory = getenv("NETSTACK_FUZZ_WRITE_SEEDS") {
        NetStackSeeds.write(to: String(cString: directory))
        exit(0)
    }
    netTracing = getenv("NETSTACK_FUZZ_TRACE") != nil
    return 0
}

nonisolated(unsafe) var netTracing = false

func netTrace(_ line: @autoclosure () -> String) {
    // stderr is unbuffered: the lines before a trap are not lost.
    if netTracing { fputs(line() + "\n", stderr) }
}

/// `precondition` that keeps its message in -O builds, so the crash log says what broke.
func netCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

// MARK: The script

/// Byte 0 of an input.
struct NetRunConfig: OptionSet {
    var rawValue: UInt8
    /// MTU 576 instead of 1500 (MSS 536, more fragments).
    static let smallMTU = NetRunConfig(rawValue: 1 << 0)
    /// TCP: 4 connections, 4 KiB send and 3000-byte receive buffers (no window scale),
    /// backlog 2, 2 out-of-order ranges, 4 pending resets.
    static let tinyTCP = NetRunConfig(rawValue: 1 << 1)
    /// IP: 4 output frames, 2 pending per address and 4 in all, 2 ARP entries, 1
    /// reassembly slot of 4 fragments, 3 UDP sockets of 2000 bytes and 2 datagrams, 4
    /// events, an ICMP error burst of 2.
    static let tinyNet = NetRunConfig(rawValue: 1 << 2)
    /// Keepalive after 2 s idle, probes 1 s apart, 2 of them.
    static let keepAlive = NetRunConfig(rawValue: 1 << 3)
    static let noDelay = NetRunConfig(rawValue: 1 << 4)
    /// A DHCP client for A starts at once (its leases reconfigure A).
    static let dhcp = NetRunConfig(rawValue: 1 << 5)
    /// A gateway, 10.0.0.254, that never answers ARP.
    static let gateway = NetRunConfig(rawValue: 1 << 6)
    /// RTO 100 ms (10 ms minimum, 1 s maximum), 3 retransmissions (2 for SYN), MSL 1 s,
    /// delayed ACK 1 ms.
    static let fastTimers = NetRunConfig(rawValue: 1 << 7)
}

let timeSteps: [UInt64] = [1, 10, 40, 100, 200, 500, 1000, 3000, 10_000, 30_000, 61_000, 120_000]
let tcpPorts: [UInt16] = [80, 6633, 7, 9]
let sendSizes = [0, 1, 10, 100, 535, 536, 1000, 1460, 1461, 2920, 4096, 8192, 16384, 65536, 70000, 3]
let readSizes = [1, 100, 1460, 65536]
let udpSizes = [0, 1, 8, 100, 520, 548, 549, 1000, 1472, 1473, 3000, 8192, 30000, 65507, 65508, 2]
let udpPorts: [UInt16] = [5000, 68, 67, 9, 5001, 0, 65535, 53]
let pingSizes = [0, 1, 8, 56, 100, 528, 548, 549, 1000, 1472, 1473, 1480, 3000, 8000, 9000, 20]
let dhcpTypes: [UInt8] = [2, 5, 6, 99]
let leaseTimes: [UInt32] = [3600, 0, 1, 10, 60, 0xFFFF_FFFF, 86400, 2]
let listenPorts: [UInt16] = [80, 6633, 7, 9, 4000, 1, 65535, 22]

let netMACs = [MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0x01), MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0x02)]
let netAddresses = [IPv4Address(10, 0, 0, 1), IPv4Address(10, 0, 0, 2)]
let foreignMAC = MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0x99)
let gatewayAddress = IPv4Address(10, 0, 0, 254)

/// The bytes every TCP stream carries: byte `i` of a connection's stream is `streamByte(i)`.
@inline(__always) func streamByte(_ i: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: (i &* 31) ^ (i >> 7) ^ (i >> 13))
}

struct NetStepReader {
    var bytes: ArraySlice<UInt8>

    mutating func byte() -> UInt8 { bytes.popFirst() ?? 0 }

    mutating func u32() -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 { value = value << 8 | UInt32(byte()) }
        return value
    }

    mutating func payload() -> ArraySlice<UInt8> {
        let high = Int(byte())
        let low = Int(byte())
        let count = min(high << 8 | low, bytes.count)
        let payload = bytes.prefix(count)
        bytes = bytes.dropFirst(count)
        return payload
    }
}

/// How a wire queue reaches the peer (op 3).
enum Delivery: Int {
    case inOrder, firstOnly, dropFirst, reversed, duplicated, allLost, lastOnly, swapFirstTwo
}

/// The fields op 1 rewrites in a real segment.
enum TCPMutation: Int {
    case sequencePlus, sequenceMinus, ackPlus, ackMinus, setFlags, flipFlag, window, zeroWindow
    case options, truncate, append, dataOffset, ports, flipBit, urgent, badChecksum
}

// MARK: One side

struct NetSide {
    let index: Int
    var stack: NetStack
    let original: NetStackConfiguration
    /// Every handle the application got, in order (connect and accept).
    var handles: [TCPHandle] = []
    var closed: Set<TCPHandle> = []
    /// Stream offsets: bytes `send` took, bytes `read` returned.
    var sent: [TCPHandle: Int] = [:]
    var received: [TCPHandle: Int] = [:]
    var listeners: [TCPListenerID] = []
    var sockets: [UDPSocket] = []
    /// Frames transmitted and not yet delivered to the peer.
    var wire: [[UInt8]] = []
    /// The last TCP frames this side transmitted, oldest first.
    var recentTCP: [[UInt8]] = []
    var transmitBuffer: [UInt8]
    /// Fragments this side sent, by IP identification, to check reassembled checksums.
    var fragments: [UInt32: [(offset: Int, more: Bool, bytes: ArraySlice<UInt8>)]] = [:]
    var counters: [Int64] = []

    var name: String { index == 0 ? "A" : "B" }

    init(index: Int, config: NetRunConfig) {
        self.index = index
        var limits = NetStackLimits()
        limits.udpReceiveBytes = 8192
        // Slots are allocated at init (64 KiB each): four keep every run cheap.
        limits.reassemblySlots = 4
        if config.contains(.tinyNet) {
            limits.outputFrames = 4
            limits.pendingFramesPerAddress = 2
            limits.pendingFramesTotal = 4
            limits.arpCacheEntries = 2
            limits.reassemblySlots = 1
            limits.fragmentsPerDatagram = 4
            limits.udpSockets = 3
            limits.udpReceiveBytes = 2000
            limits.udpReceiveDatagrams = 2
            limits.events = 4
            limits.icmpErrorBurst = 2
            limits.icmpErrorsPerSecond = 1
        }
        var tcp = TCPLimits()
        tcp.maxConnections = 16
        if config.contains(.tinyTCP) {
            tcp.maxConnections = 4
            tcp.sendBuffer = 4096
            tcp.receiveBuffer = 3000
            tcp.synBacklog = 2
            tcp.outOfOrderRanges = 2
            tcp.pendingResets = 4
        }
        if config.contains(.keepAlive) {
            tcp.keepAliveIdle = .seconds(2)
            tcp.keepAliveInterval = .seconds(1)
            tcp.keepAliveProbes = 2
        }
        tcp.noDelay = config.contains(.noDelay)
        if config.contains(.fastTimers) {
            tcp.initialRTO = .milliseconds(100)
            tcp.minimumRTO = .milliseconds(10)
            tcp.maximumRTO = .seconds(1)
            tcp.maxRetransmissions = 3
            tcp.maxSynRetransmissions = 2
            tcp.msl = .seconds(1)
            tcp.delayedAck = .milliseconds(1)
        }
        let configuration = NetStackConfiguration(
            mac: netMACs[index], address: netAddresses[index], prefixLength: 24,
            gateway: config.contains(.gateway) ? gatewayAddress : nil, mtu: config.contains(.smallMTU) ? 576 : 1500,
            limits: limits)
        original = configuration
        stack = NetStack(configuration: configuration, tcpLimits: tcp, seed: 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1))
        transmitBuffer = [UInt8](repeating: 0, count: stack.minimumTransmitBuffer + 64)
    }

    /// The handle a byte names: one the application got, or (from 0xF0) a made-up one.
    func handle(_ byte: UInt8) -> TCPHandle? {
        if byte >= 0xF0 { return TCPHandle(index: UInt32(byte & 7), generation: UInt32(byte >> 3 & 1)) }
        guard !handles.isEmpty else { return nil }
        return handles[Int(byte) % handles.count]
    }

    func socket(_ byte: UInt8) -> UDPSocket? {
        if byte >= 0xF0 { return UDPSocket(index: UInt16(byte & 7), generation: UInt16(byte >> 3 & 1)) }
        guard !sockets.isEmpty else { return nil }
        return sockets[Int(byte) % sockets.count]
    }

    /// The names of `snapshot`'s values, for a failure message.
    static func labels(_ stack: NetStack, _ dhcp: DHCPClient?) -> [String] {
        var labels: [String] = []
        func add(_ any: Any, _ prefix: String) {
            for child in Mirror(reflecting: any).children { labels.append(prefix + (child.label ?? "?")) }
        }
        add(stack.counters, "NetStackCounters.")
        add(stack.tcp.counters, "TCPCounters.")
        if let dhcp { add(dhcp.counters, "DHCPCounters.") }
        return labels
    }

    /// Every counter of the stack, its TCP and (for A) its DHCP client, as numbers: the
    /// structs' 8-byte words read in place (`Mirror` on every step took half the run
    /// time). `countersAreWords` checks once that every field is a UInt64 or an Int.
    static func snapshot(_ stack: NetStack, _ dhcp: DHCPClient?) -> [Int64] {
        netCheck(countersAreWords, "a counter struct has a field that is not a UInt64 or an Int: update NetSide.snapshot")
        var values: [Int64] = []
        values.reserveCapacity(96)
        func add<T>(_ counters: T) {
            withUnsafeBytes(of: counters) { raw in
                for i in 0..<(raw.count / 8) { values.append(raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }
            }
        }
        add(stack.counters)
        add(stack.tcp.counters)
        if let dhcp { add(dhcp.counters) }
        return values
    }

    static let countersAreWords: Bool = {
        func words<T>(_ value: T) -> Bool {
            let children = Mirror(reflecting: value).children
            let allWords = children.allSatisfy { $0.value is UInt64 || $0.value is Int }
            return allWords && MemoryLayout<T>.size == 8 * children.count
        }
        return words(NetStackCounters()) && words(TCPCounters()) && words(DHCPCounters())
    }()
}

// MARK: The run

struct NetRun {
    let config: NetRunConfig
    var sides: [NetSide]
    /// Starts at 1000 s, so a deadline computed from `Instant.zero` shows up as past.
    var now = Instant(nanoseconds: 1_000_000_000_000)
    /// Each stack's last `tick`: no deadline may be set before it (every call since came
    /// at this instant or later, and every timer due at it has fired).
    var lastTick: [Instant] = [Instant(nanoseconds: 1_000_000_000_000), Instant(nanoseconds: 1_000_000_000_000)]
    var dhcp: DHCPClient?
    var dhcpSocket: UDPSocket?
    var dhcpXID: UInt32 = 0
    var dhcpBuffer = [UInt8](repeating: 0, count: 1500)
    /// A forged frame has reached a stack: stream contents are no longer checked.
    var tainted = false
    var steps = 0

    init(_ config: NetRunConfig) {
        self.config = config
        sides = [NetSide(index: 0, config: config), NetSide(index: 1, config: config)]
        listen(0, port: 7)
        listen(1, port: 80)
        listen(1, port: 6633)
        for (side, port) in [(0, UInt16(68)), (0, 5000), (1, 67), (1, 5000)] {
            do throws(NetError) {
                let socket = try sides[side].stack.udpBind(port: port)
                sides[side].sockets.append(socket)
                if side == 0 && port == 68 { dhcpSocket = socket }
            } catch {
                fatalError("cannot bind UDP \(port): \(error)")
            }
        }
        if config.contains(.dhcp) {
            var client = DHCPClient(mac: netMACs[0], seed: 7, hostname: Array("fuzz".utf8))
            client.start(now: now)
            dhcp = client
        }
        for side in 0..<2 {
            sides[side].stack.start(now: now)
            sides[side].counters = NetSide.snapshot(sides[side].stack, side == 0 ? dhcp : nil)
        }
        afterStep()
    }

    mutating func listen(_ side: Int, port: UInt16) {
        do throws(TCPError) {
            let listener = try sides[side].stack.tcp.listen(port: port)
            netCheck(listener.port == port, "listen(\(port)) returned port \(listener.port)")
            sides[side].listeners.append(listener)
        } catch {
            netTrace("  \(sides[side].name) listen(\(port)): \(error)")
        }
    }

    // MARK: Steps

    mutating func perform(_ op: UInt8, _ reader: inout NetStepReader) {
        steps += 1
        let kind = op & 15
        let arg = Int(op >> 4)
        let side = arg & 1
        let sub = arg >> 1
        let peer = 1 - side
        let name = sides[side].name
        switch kind {
        case 0:
            let payload = reader.payload()
            let frame = forge(mode: sub & 3, broadcast: sub & 4 != 0, to: side, payload)
            netTrace("step \(steps): forged frame (mode \(sub & 3)) -> \(name): \(frame.count) bytes")
            if sub & 3 != 3 { tainted = true }
            receive(frame, at: side)
        case 1:
            let pick = Int(reader.byte())
            var mutations: [(TCPMutation, UInt32)] = []
            for _ in 0..<sub { mutations.append((TCPMutation(rawValue: Int(reader.byte() & 15))!, reader.u32())) }
            let recent = sides[peer].recentTCP
            guard !recent.isEmpty else {
                netTrace("step \(steps): mutate: \(sides[peer].name) has sent no TCP yet")
                return
            }
            let frame = mutate(recent[recent.count - 1 - pick % recent.count], mutations, to: side)
            netTrace("step \(steps): \(sides[peer].name)'s segment rewritten \(mutations) -> \(name)")
            tainted = true
            receive(frame, at: side)
        case 2:
            netTrace("step \(steps): \(name) transmits")
            transmit(side)
            if sub & 1 != 0 { deliver(side, .inOrder) }
        case 3:
            netTrace("step \(steps): \(name)'s wire: \(Delivery(rawValue: sub)!)")
            deliver(side, Delivery(rawValue: sub)!)
        case 4:
            netTrace("step \(steps): pump (pattern \(arg))")
            pump(loss: arg)
        case 5:
            advance(arg)
        case 6:
            connect(side, destination: reader.byte(), port: tcpPorts[sub & 3], fixedPort: sub & 4 != 0)
        case 7:
            let handle = sides[side].handle(reader.byte())
            send(side, handle, count: sendSizes[Int(reader.byte() & 15)])
        case 8:
            let handle = sides[side].handle(reader.byte())
            read(side, handle, size: readSizes[sub & 3], all: sub & 4 != 0)
        case 9:
            control(side, sides[side].handle(reader.byte()), sub)
        case 10:
            listeners(side, sub, &reader)
        case 11:
            let socket = sides[side].socket(reader.byte())
            let target = reader.byte()
            udpSend(side, socket, to: destination(side, target), port: udpPorts[Int(target >> 3) & 7], count: udpSizes[Int(reader.byte() & 15)])
        case 12:
            udp(side, sub, &reader)
        case 13:
            let target = destination(side, reader.byte())
            let size = pingSizes[Int(reader.byte() & 15)]
            do throws(NetError) {
                try sides[side].stack.ping(to: target, identifier: UInt16(sub), sequence: UInt16(truncatingIfNeeded: steps), payloadLength: size, now: now)
                netTrace("step \(steps): \(name) pings \(target) with \(size) bytes")
            } catch {
                netTrace("step \(steps): \(name) ping \(target) \(size) bytes: \(error)")
            }
        case 14:
            dhcpStep(arg, &reader)
        default:
            configure(side, sub, &reader)
        }
    }

    /// The checks after every step: events drained and checked, DHCP run, counters.
    mutating func afterStep() {
        for side in 0..<2 { drainEvents(side) }
        runDHCP()
        for side in 0..<2 { drainEvents(side) }
        for side in 0..<2 {
            if let deadline = sides[side].stack.nextDeadline {
                netCheck(
                    deadline >= lastTick[side],
                    "\(sides[side].name): nextDeadline \(deadline.nanoseconds) ns is before the last tick at \(lastTick[side].nanoseconds) ns (now \(now.nanoseconds) ns): a timer armed from an instant in the past")
            }
            let values = NetSide.snapshot(sides[side].stack, side == 0 ? dhcp : nil)
            let before = sides[side].counters
            if !before.isEmpty {
                netCheck(values.count == before.count, "the number of counters changed")
                for i in values.indices where values[i] < before[i] {
                    let labels = NetSide.labels(sides[side].stack, side == 0 ? dhcp : nil)
                    fatalError("\(sides[side].name): counter \(labels[i]) went down from \(before[i]) to \(values[i])")
                }
            }
            sides[side].counters = values
        }
    }

    /// The end of a script: frames exchanged until quiet, the next two deadlines run.
    mutating func finish() {
        pump(loss: 0)
        for _ in 0..<2 {
            advance(12)
            pump(loss: 0)
        }
        afterStep()
    }

    // MARK: Frames

    /// One frame into a stack, then whatever it says is checked at the next drain.
    mutating func receive(_ frame: [UInt8], at side: Int) {
        sides[side].stack.receive(frame: frame[...], now: now)
    }

    /// Drains a stack into its wire queue, checking every frame; a stack that never runs
    /// dry is a bug (a hang in the I/O loop).
    mutating func transmit(_ side: Int) {
        var buffer = sides[side].transmitBuffer
        sides[side].transmitBuffer = []
        defer { sides[side].transmitBuffer = buffer }
        for _ in 0..<4096 {
            let length = buffer.withUnsafeMutableBytes { sides[side].stack.transmit(into: $0, now: now) }
            netCheck(length >= 0 && length <= buffer.count, "\(sides[side].name): transmit returned \(length) for a \(buffer.count)-byte buffer")
            if length == 0 { return }
            let frame = Array(buffer[..<length])
            checkFrame(frame, from: side)
            sides[side].wire.append(frame)
        }
        fatalError("\(sides[side].name): transmit still had frames after 4096")
    }

    mutating func deliver(_ side: Int, _ mode: Delivery) {
        var frames = sides[side].wire
        sides[side].wire = []
        switch mode {
        case .inOrder: break
        case .firstOnly:
            if frames.count > 1 {
                sides[side].wire = Array(frames[1...])
                frames = [frames[0]]
            }
        case .dropFirst: if !frames.isEmpty { frames.removeFirst() }
        case .reversed: frames.reverse()
        case .duplicated: if let first = frames.first { frames.insert(first, at: 0) }
        case .allLost: frames = []
        case .lastOnly:
            if let last = frames.popLast() {
                sides[side].wire = frames
                frames = [last]
            }
        case .swapFirstTwo: if frames.count > 1 { frames.swapAt(0, 1) }
        }
        for frame in frames { receive(frame, at: 1 - side) }
    }

    /// Both ways until neither side has anything to send. `loss` 1...14 drops every
    /// (loss + 1)th frame, 15 reverses each batch. Two stacks that keep talking without
    /// time passing are a bug (an ACK war).
    mutating func pump(loss: Int) {
        var count = 0
        for _ in 0..<1000 {
            transmit(0)
            transmit(1)
            if sides[0].wire.isEmpty && sides[1].wire.isEmpty { return }
            for side in 0..<2 {
                var frames = sides[side].wire
                sides[side].wire = []
                if loss == 15 { frames.reverse() }
                for frame in frames {
                    count += 1
                    if loss > 0, loss < 15, count % (loss + 1) == 0 { continue }
                    receive(frame, at: 1 - side)
                }
            }
        }
        fatalError("the two stacks still exchange frames after 1000 rounds with no time passing")
    }

    // MARK: Time

    mutating func advance(_ arg: Int) {
        var tick = true
        switch arg {
        case 0..<12:
            now = now + .milliseconds(timeSteps[arg])
        case 12, 13:
            let deadlines = [sides[0].stack.nextDeadline, sides[1].stack.nextDeadline, dhcp?.nextDeadline].compactMap { $0 }
            if let next = deadlines.min(), next > now {
                now = next + .milliseconds(UInt64(arg - 12))
            } else {
                now = now + .milliseconds(UInt64(arg - 11))
            }
        default:
            now = now + .milliseconds(arg == 14 ? 1 : 1000)
            tick = false
        }
        netTrace("step \(steps): time \(now.nanoseconds / 1_000_000) ms\(tick ? ", tick" : "")")
        guard tick else { return }
        for side in 0..<2 {
            sides[side].stack.tick(now: now)
            lastTick[side] = now
            // At most a few more ticks at the same instant may find work left at it.
            var again = 0
            while let deadline = sides[side].stack.nextDeadline, deadline <= now {
                netCheck(deadline >= now, "\(sides[side].name): nextDeadline \(deadline.nanoseconds) ns is before now \(now.nanoseconds) ns right after tick(now)")
                again += 1
                netCheck(again <= 4, "\(sides[side].name): nextDeadline stays at now (\(now.nanoseconds) ns) after \(again) ticks at now")
                sides[side].stack.tick(now: now)
            }
        }
        if dhcp != nil {
            dhcp!.tick(now: now)
            if let deadline = dhcp!.nextDeadline {
                netCheck(deadline >= now, "DHCP: nextDeadline \(deadline.nanoseconds) ns not after now \(now.nanoseconds) ns after tick(now)")
            }
        }
    }

    // MARK: TCP

    /// An address a byte names, as `side` sees it.
    func destination(_ side: Int, _ byte: UInt8) -> IPv4Address {
        switch byte & 7 {
        case 0...3: sides[1 - side].stack.address == .any ? netAddresses[1 - side] : sides[1 - side].stack.address
        case 4: netAddresses[side]
        case 5: IPv4Address(192, 0, 2, 9)
        case 6: IPv4Address(10, 0, 0, 255)
        default: IPv4Address(10, 0, 0, 77)
        }
    }

    mutating func connect(_ side: Int, destination byte: UInt8, port: UInt16, fixedPort: Bool) {
        let remote = destination(side, byte)
        let local = sides[side].stack.address
        do throws(TCPError) {
            let handle =
                fixedPort
                ? try sides[side].stack.tcp.connect(from: local, port: 4000, to: remote, port: 4000, now: now)
                : try sides[side].stack.tcp.connect(from: local, to: remote, port: port, now: now)
            netTrace("step \(steps): \(sides[side].name) connects to \(remote):\(port): handle \(handle)")
            netCheck(!sides[side].handles.contains(handle) || sides[side].closed.contains(handle), "connect returned a live handle again: \(handle)")
            adopt(side, handle)
        } catch {
            netTrace("step \(steps): \(sides[side].name) connect to \(remote):\(port): \(error)")
        }
    }

    /// A handle from connect or accept: its streams start at 0.
    mutating func adopt(_ side: Int, _ handle: TCPHandle) {
        sides[side].closed.remove(handle)
        sides[side].sent[handle] = 0
        sides[side].received[handle] = 0
        sides[side].handles.removeAll { $0 == handle }
        sides[side].handles.append(handle)
        if sides[side].handles.count > 32 { sides[side].handles.removeFirst() }
    }

    mutating func send(_ side: Int, _ handle: TCPHandle?, count: Int) {
        guard let handle else { return }
        let offset = sides[side].sent[handle] ?? 0
        var bytes = [UInt8](repeating: 0, count: count)
        for i in 0..<count { bytes[i] = streamByte(offset &+ i) }
        let result: Result<Int, TCPError> = bytes.withUnsafeBytes { raw in
            do throws(TCPError) { return .success(try sides[side].stack.tcp.send(handle, raw)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let taken):
            netTrace("step \(steps): \(sides[side].name) send \(count) on \(handle): \(taken)")
            netCheck(taken >= 0 && taken <= count, "send took \(taken) of \(count) bytes")
            netCheck(!sides[side].closed.contains(handle), "send worked on \(handle) after its .closed")
            if sides[side].sent[handle] != nil { sides[side].sent[handle]! += taken }
        case .failure(let error):
            netTrace("step \(steps): \(sides[side].name) send \(count) on \(handle): \(error)")
        }
    }

    mutating func read(_ side: Int, _ handle: TCPHandle?, size: Int, all: Bool) {
        guard let handle else { return }
        var buffer = [UInt8](repeating: 0, count: size)
        for _ in 0..<(all ? 1000 : 1) {
            let result: Result<Int, TCPError> = buffer.withUnsafeMutableBytes { raw in
                do throws(TCPError) { return .success(try sides[side].stack.tcp.read(handle, into: raw)) } catch { return .failure(error) }
            }
            guard case .success(let count) = result else {
                netTrace("step \(steps): \(sides[side].name) read on \(handle): \(result)")
                return
            }
            netTrace("step \(steps): \(sides[side].name) read on \(handle): \(count) bytes")
            netCheck(count >= 0 && count <= size, "read returned \(count) for a \(size)-byte buffer")
            netCheck(count == 0 || !sides[side].closed.contains(handle), "read worked on \(handle) after its .closed")
            if let offset = sides[side].received[handle] {
                if !tainted {
                    for i in 0..<count where buffer[i] != streamByte(offset + i) {
                        fatalError("\(sides[side].name): byte \(offset + i) read on \(handle) is \(buffer[i]), the peer sent \(streamByte(offset + i)) (only genuine frames so far)")
                    }
                }
                sides[side].received[handle] = offset + count
            }
            if count == 0 { return }
        }
    }

    mutating func control(_ side: Int, _ handle: TCPHandle?, _ action: Int) {
        guard let handle else { return }
        netTrace("step \(steps): \(sides[side].name) control \(action) on \(handle)")
        switch action {
        case 0: sides[side].stack.tcp.close(handle)
        case 1: sides[side].stack.tcp.abort(handle)
        case 2: sides[side].stack.tcp.shutdownWrite(handle)
        case 3: sides[side].stack.tcp.setNoDelay(handle, true)
        case 4: sides[side].stack.tcp.setNoDelay(handle, false)
        case 5: sides[side].stack.tcp.setKeepAlive(handle, idle: .seconds(1))
        case 6: sides[side].stack.tcp.setKeepAlive(handle, idle: nil)
        default:
            _ = sides[side].stack.tcp.state(handle)
            _ = sides[side].stack.tcp.isReadClosed(handle)
        }
    }

    mutating func listeners(_ side: Int, _ sub: Int, _ reader: inout NetStepReader) {
        switch sub {
        case 2:
            listen(side, port: listenPorts[Int(reader.byte() & 7)])
        case 3:
            let byte = Int(reader.byte())
            guard !sides[side].listeners.isEmpty else { return }
            let listener = sides[side].listeners.remove(at: byte % sides[side].listeners.count)
            netTrace("step \(steps): \(sides[side].name) stops listening on \(listener.port)")
            sides[side].stack.tcp.stopListening(listener)
        case 4:
            listen(side, port: 0)
        default:
            for listener in sides[side].listeners {
                for _ in 0..<(sub == 1 ? 1 : 64) {
                    guard let handle = sides[side].stack.tcp.accept(listener) else { break }
                    netTrace("step \(steps): \(sides[side].name) accepts \(handle) on \(listener.port)")
                    netCheck(!sides[side].handles.contains(handle) || sides[side].closed.contains(handle), "accept returned a live handle again: \(handle)")
                    adopt(side, handle)
                }
            }
        }
    }

    /// Events of one stack: TCP events name only handles the application holds and
    /// never one after its `.closed`.
    mutating func drainEvents(_ side: Int) {
        let name = sides[side].name
        for _ in 0..<100_000 {
            guard let event = sides[side].stack.tcp.nextEvent() else { break }
            netTrace("  \(name) event \(event)")
            switch event {
            case .acceptable:
                break
            case .connected(let handle), .readable(let handle), .writable(let handle), .peerClosed(let handle):
                netCheck(!sides[side].closed.contains(handle), "\(name): \(event) after the handle's .closed")
            case .closed(let handle, _):
                netCheck(!sides[side].closed.contains(handle), "\(name): a second .closed for \(handle)")
                sides[side].closed.insert(handle)
                // A closed handle fails from now on.
                var byte: UInt8 = 0
                let failed = withUnsafeBytes(of: &byte) { raw in
                    do throws(TCPError) {
                        _ = try sides[side].stack.tcp.send(handle, raw)
                        return false
                    } catch {
                        return error == .invalidHandle
                    }
                }
                netCheck(failed, "\(name): send on \(handle) after its .closed did not fail with invalidHandle")
                netCheck(sides[side].stack.tcp.isReadClosed(handle), "\(name): \(handle) not read-closed after .closed")
            }
        }
        for _ in 0..<100_000 {
            guard let event = sides[side].stack.nextEvent() else { break }
            netTrace("  \(name) event \(event)")
            if side == 0, case .udpReadable(let socket) = event, socket == dhcpSocket {
                readDHCP()
            }
        }
    }

    // MARK: UDP and DHCP

    mutating func udpSend(_ side: Int, _ socket: UDPSocket?, to destination: IPv4Address, port: UInt16, count: Int) {
        guard let socket else { return }
        var bytes = [UInt8](repeating: 0, count: count)
        for i in 0..<count { bytes[i] = UInt8(truncatingIfNeeded: i &+ steps) }
        let result: NetError? = bytes.withUnsafeBytes { raw in
            do throws(NetError) {
                try sides[side].stack.udpSend(socket, to: destination, port: port, payload: raw, now: now)
                return nil
            } catch {
                return error
            }
        }
        netTrace("step \(steps): \(sides[side].name) UDP \(count) bytes to \(destination):\(port): \(result.map { "\($0)" } ?? "queued")")
    }

    mutating func udp(_ side: Int, _ sub: Int, _ reader: inout NetStepReader) {
        switch sub {
        case 0, 1:
            let port = sub == 1 ? 0 : udpPorts[Int(reader.byte() & 7)]
            do throws(NetError) {
                let socket = try sides[side].stack.udpBind(port: port)
                netCheck(port == 0 || sides[side].stack.udpPort(socket) == port, "udpBind(\(port)) bound another port")
                sides[side].sockets.append(socket)
                if side == 0, port == 68 { dhcpSocket = socket }
            } catch {
                netTrace("step \(steps): \(sides[side].name) bind UDP \(port): \(error)")
            }
        case 2:
            guard let socket = sides[side].socket(reader.byte()) else { return }
            sides[side].stack.udpClose(socket)
            netCheck(sides[side].stack.udpPort(socket) == nil, "a closed UDP socket still has a port")
            sides[side].sockets.removeAll { $0 == socket }
        default:
            var buffer = [UInt8](repeating: 0, count: [0, 1, 100, 2000][sub & 3])
            for socket in sides[side].sockets {
                for _ in 0..<(sub == 3 ? 64 : 1) {
                    let got = buffer.withUnsafeMutableBytes { sides[side].stack.udpReceive(socket, into: $0) }
                    guard let got else { break }
                    netCheck(got.length >= 0 && got.length <= buffer.count, "udpReceive copied \(got.length) into \(buffer.count) bytes")
                }
            }
        }
    }

    /// Datagrams on A's port 68 go to the DHCP client, as NetInterface does.
    mutating func readDHCP() {
        guard let socket = dhcpSocket else { return }
        for _ in 0..<64 {
            let got = dhcpBuffer.withUnsafeMutableBytes { sides[0].stack.udpReceive(socket, into: $0) }
            guard let got else { return }
            if got.sourcePort == DHCPClient.serverPort { dhcp?.receive(payload: dhcpBuffer[..<got.length], now: now) }
        }
    }

    /// Sends what the client wrote through A, and acts on its leases.
    mutating func runDHCP() {
        guard var client = dhcp else { return }
        dhcp = nil
        defer { dhcp = client }
        for _ in 0..<8 {
            guard let message = dhcpBuffer.withUnsafeMutableBytes({ client.nextMessage(now: now, into: $0) }) else { break }
            let bytes = dhcpBuffer[..<message.length]
            netCheck(message.length >= 240 && message.length <= DHCPClient.maximumMessageSize, "DHCP message of \(message.length) bytes")
            netCheck(bytes[0] == 1 && bytes[1] == 1 && bytes[2] == 6, "DHCP message is not a BOOTREQUEST for Ethernet")
            netCheck(bytes[236] == 99 && bytes[237] == 130 && bytes[238] == 83 && bytes[239] == 99, "DHCP message without the magic cookie")
            dhcpXID = bytes[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            netTrace("  DHCP client sends \(message.length) bytes to \(message.destination), xid \(dhcpXID)")
            if let socket = dhcpSocket {
                let result: NetError? = dhcpBuffer.withUnsafeBytes { raw in
                    do throws(NetError) {
                        try sides[0].stack.udpSend(
                            socket, to: message.destination, port: DHCPClient.serverPort,
                            payload: UnsafeRawBufferPointer(rebasing: raw[..<message.length]), now: now)
                        return nil
                    } catch {
                        return error
                    }
                }
                if let result { netTrace("  DHCP send: \(result)") }
            }
        }
        while let event = client.nextEvent() {
            netTrace("  DHCP event \(event)")
            switch event {
            case .bound(let lease), .renewed(let lease):
                sides[0].stack.configure(address: lease.address, prefixLength: lease.prefixLength, gateway: lease.router, now: now)
            case .lost:
                sides[0].stack.configure(address: .any, prefixLength: 24, gateway: nil, now: now)
            }
        }
    }

    mutating func dhcpStep(_ arg: Int, _ reader: inout NetStepReader) {
        switch arg {
        case 0:
            let payload = reader.payload()
            netTrace("step \(steps): \(payload.count) bytes to the DHCP client")
            dhcp?.receive(payload: payload, now: now)
        case 1:
            let payload = Array(reader.payload())
            netTrace("step \(steps): \(payload.count) bytes as UDP 10.0.0.2:67 -> A:68")
            receive(NetFrames.udpFrame(from: 1, to: sides[0].stack.address == .any ? .broadcast : sides[0].stack.address, sourcePort: 67, destinationPort: 68, payload), at: 0)
        case 2:
            dhcp?.start(now: now)
        case 3:
            dhcp?.release(now: now)
        default:
            let type = dhcpTypes[(arg - 4) % 4]
            let yiaddr = IPv4Address(10, 0, 0, reader.byte())
            let lease = leaseTimes[Int(reader.byte() & 7)]
            let extra = Array(reader.payload())
            let reply = NetFrames.dhcpReply(type: type, xid: dhcpXID, yiaddr: yiaddr, lease: lease, extra: extra)
            netTrace("step \(steps): DHCP reply type \(type) yiaddr \(yiaddr) lease \(lease)")
            receive(NetFrames.udpFrame(from: 1, to: .broadcast, sourcePort: 67, destinationPort: 68, reply), at: 0)
        }
    }

    // MARK: Configuration

    mutating func configure(_ side: Int, _ sub: Int, _ reader: inout NetStepReader) {
        let stack = sides[side].stack
        let name = sides[side].name
        netTrace("step \(steps): \(name) configuration \(sub)")
        switch sub {
        case 0:
            sides[side].stack.configure(address: stack.address, prefixLength: stack.configuration.prefixLength, gateway: stack.configuration.gateway, now: now)
        case 1:
            sides[side].stack.configure(address: .any, prefixLength: 24, gateway: nil, now: now)
        case 2:
            sides[side].stack.configure(address: IPv4Address(10, 0, 0, reader.byte()), prefixLength: 24, gateway: stack.configuration.gateway, now: now)
        case 3:
            sides[side].stack.start(now: now)
        case 4:
            // Another machine claims our address (RFC 5227).
            let arp = NetFrames.arp(operation: 1, senderMAC: foreignMAC, senderIP: stack.address, targetMAC: .zero, targetIP: stack.address)
            receive(NetFrames.ethernet(destination: .broadcast, source: foreignMAC, type: 0x0806, arp), at: side)
        case 5:
            sides[side].stack.configure(address: stack.address, prefixLength: 31, gateway: stack.configuration.gateway, now: now)
        case 6:
            let gateway: IPv4Address? = stack.configuration.gateway == nil ? gatewayAddress : nil
            sides[side].stack.configure(address: stack.address, prefixLength: stack.configuration.prefixLength, gateway: gateway, now: now)
        default:
            let original = sides[side].original
            sides[side].stack.configure(address: original.address, prefixLength: original.prefixLength, gateway: original.gateway, now: now)
        }
    }

    // MARK: Forged and rewritten frames

    func forge(mode: Int, broadcast: Bool, to side: Int, _ payload: ArraySlice<UInt8>) -> [UInt8] {
        let destinationMAC = broadcast ? MACAddress.broadcast : netMACs[side]
        let sourceMAC = netMACs[1 - side]
        switch mode {
        case 0:
            return Array(payload)
        case 1:
            var frame = NetFrames.bytes(destinationMAC) + NetFrames.bytes(sourceMAC)
            frame += payload
            return frame
        case 2:
            return NetFrames.ethernet(destination: destinationMAC, source: sourceMAC, type: 0x0800, forgeIPv4(to: side, payload))
        default:
            var bytes = payload
            let operation = UInt16(bytes.popFirst() ?? 1) % 4
            let senderChoice = bytes.popFirst() ?? 0
            let targetChoice = bytes.popFirst() ?? 0
            let senderMAC = [sourceMAC, foreignMAC, .broadcast, .zero, netMACs[side], MACAddress(0x01, 0, 0x5E, 0, 0, 1), sourceMAC, sourceMAC][Int(senderChoice >> 5)]
            let arp = NetFrames.arp(
                operation: operation, senderMAC: senderMAC, senderIP: destination(side, senderChoice & 7 == 4 ? 0 : senderChoice),
                targetMAC: .zero, targetIP: targetChoice & 1 == 0 ? sides[side].stack.address : IPv4Address(10, 0, 0, targetChoice))
            return NetFrames.ethernet(destination: destinationMAC, source: sourceMAC, type: 0x0806, arp)
        }
    }

    /// An IPv4 packet from the peer to `side`: payload byte 0 picks the protocol (0 ICMP,
    /// 1 UDP, 2 TCP, else that byte), byte 1 the header's oddities (bit 0 MF, bit 1 a
    /// fragment offset from byte 2, bit 2 to the broadcast address, bit 3 from a bad
    /// source, bit 4 leaves the transport checksum as given, bit 5 an options word, bit
    /// 6 a wrong total length, bit 7 a UDP length that fits); the rest is the transport
    /// header and data.
    func forgeIPv4(to side: Int, _ payload: ArraySlice<UInt8>) -> [UInt8] {
        var bytes = payload
        let protoByte = bytes.popFirst() ?? 2
        let proto: UInt8 = protoByte == 0 ? 1 : protoByte == 1 ? 17 : protoByte == 2 ? 6 : protoByte
        let oddities = bytes.popFirst() ?? 0
        let offsetByte = bytes.popFirst() ?? 0
        var transport = Array(bytes)
        let source = oddities & 8 != 0 ? [IPv4Address.any, IPv4Address(224, 0, 0, 1), netAddresses[side], .broadcast][Int(offsetByte & 3)] : netAddresses[1 - side]
        let destination = oddities & 4 != 0 ? IPv4Address.broadcast : sides[side].stack.address
        if proto == 17, oddities & 128 != 0, transport.count >= 8 {
            transport[4] = UInt8(transport.count >> 8 & 0xFF)
            transport[5] = UInt8(transport.count & 0xFF)
        }
        if oddities & 16 == 0 {
            let offset: Int? = proto == 6 ? 16 : proto == 17 ? 6 : proto == 1 ? 2 : nil
            if let offset, transport.count >= offset + 2 {
                transport[offset] = 0
                transport[offset + 1] = 0
                var checksum: UInt16
                if proto == 1 {
                    checksum = InternetChecksum.checksum(transport[...])
                } else {
                    let pseudo = InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: proto, length: transport.count)
                    checksum = InternetChecksum.checksum(transport[...], initial: pseudo)
                    if proto == 17, checksum == 0 { checksum = 0xFFFF }
                }
                transport[offset] = UInt8(checksum >> 8)
                transport[offset + 1] = UInt8(checksum & 0xFF)
            }
        }
        var flags: UInt16 = oddities & 1 != 0 ? 0x2000 : 0x4000
        if oddities & 2 != 0 { flags = flags & 0x2000 | UInt16(offsetByte) }
        return NetFrames.ipv4(
            proto: proto, source: source, destination: destination, flagsAndOffset: flags,
            identification: UInt16(truncatingIfNeeded: steps), options: oddities & 32 != 0, lengthDelta: oddities & 64 != 0 ? Int(offsetByte % 9) - 4 : 0,
            transport)
    }

    /// A real TCP frame from the peer, rewritten, its IPv4 and TCP checksums recomputed
    /// (unless a mutation says otherwise), addressed to `side`'s MAC.
    func mutate(_ frame: [UInt8], _ mutations: [(TCPMutation, UInt32)], to side: Int) -> [UInt8] {
        let ip = 14
        let headerLength = Int(frame[ip] & 0x0F) * 4
        let total = Int(frame[ip + 2]) << 8 | Int(frame[ip + 3])
        var segment = Array(frame[(ip + headerLength)..<(ip + total)])
        var tcpHeaderLength = Int(segment[12] >> 4) * 4
        var keepChecksum = false
        func set32(_ at: Int, _ value: UInt32) {
            for k in 0..<4 { segment[at + k] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(k))) }
        }
        func get32(_ at: Int) -> UInt32 { segment[at..<(at + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        for (mutation, value) in mutations {
            switch mutation {
            case .sequencePlus: set32(4, get32(4) &+ value)
            case .sequenceMinus: set32(4, get32(4) &- (value & 0xFFFF))
            case .ackPlus: set32(8, get32(8) &+ value)
            case .ackMinus: set32(8, get32(8) &- (value & 0xFFFF))
            case .setFlags:
                segment[12] = segment[12] & 0xF0 | UInt8(value >> 8 & 1)
                segment[13] = UInt8(value & 0xFF)
            case .flipFlag:
                segment[13] ^= UInt8(1 << (value % 8))
            case .window:
                segment[14] = UInt8(value >> 8 & 0xFF)
                segment[15] = UInt8(value & 0xFF)
            case .zeroWindow:
                segment[14] = 0
                segment[15] = 0
            case .options:
                let options = NetFrames.tcpOptions(value)
                let data = segment[tcpHeaderLength...]
                segment = Array(segment[..<20]) + options + data
                tcpHeaderLength = 20 + options.count
                segment[12] = UInt8(tcpHeaderLength / 4) << 4 | segment[12] & 0x0F
            case .truncate:
                let data = segment.count - tcpHeaderLength
                segment.removeLast(data == 0 ? 0 : data - Int(value % UInt32(data + 1)))
            case .append:
                for k in 0..<Int(value % 64 + 1) { segment.append(UInt8(truncatingIfNeeded: value >> 8 &+ UInt32(k))) }
            case .dataOffset:
                segment[12] = UInt8(value % 16) << 4 | segment[12] & 0x0F
            case .ports:
                if value & 1 == 0 {
                    segment[2] = UInt8(value >> 24)
                    segment[3] = UInt8(value >> 16 & 0xFF)
                } else {
                    segment[0] = UInt8(value >> 24)
                    segment[1] = UInt8(value >> 16 & 0xFF)
                }
            case .flipBit:
                let bit = Int(value % UInt32(segment.count * 8))
                segment[bit / 8] ^= UInt8(1 << (bit % 8))
            case .urgent:
                segment[13] |= 0x20
                segment[18] = UInt8(value >> 8 & 0xFF)
                segment[19] = UInt8(value & 0xFF)
            case .badChecksum:
                keepChecksum = true
            }
        }
        let source = IPv4Address(rawValue: frame[(ip + 12)..<(ip + 16)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        let destination = IPv4Address(rawValue: frame[(ip + 16)..<(ip + 20)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        if !keepChecksum {
            segment[16] = 0
            segment[17] = 0
            let pseudo = InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: 6, length: segment.count)
            let checksum = InternetChecksum.checksum(segment[...], initial: pseudo)
            segment[16] = UInt8(checksum >> 8)
            segment[17] = UInt8(checksum & 0xFF)
        }
        let identification = UInt16(frame[ip + 4]) << 8 | UInt16(frame[ip + 5])
        return NetFrames.ethernet(
            destination: netMACs[side], source: netMACs[1 - side], type: 0x0800,
            NetFrames.ipv4(proto: 6, source: source, destination: destination, flagsAndOffset: 0x4000, identification: identification, segment))
    }

    // MARK: Checking what a stack sends

    mutating func checkFrame(_ frame: [UInt8], from side: Int) {
        let name = sides[side].name
        let mtu = sides[side].stack.mtu
        netTrace("  \(name) -> \(NetFrames.summary(frame))")
        netCheck(frame.count >= 60, "\(name) sent a \(frame.count)-byte frame: \(netHex(frame))")
        netCheck(frame.count <= 14 + mtu, "\(name) sent a \(frame.count)-byte frame over MTU \(mtu)")
        guard let ethernet = try? EthernetHeader(frame[...]) else { fatalError("unreachable: 60 bytes hold an Ethernet header") }
        netCheck(ethernet.source == sides[side].stack.mac, "\(name) sent a frame from another MAC: \(netHex(frame))")
        switch ethernet.etherType {
        case .arp:
            guard let arp = try? ARPPacket(ethernet.payload) else { fatalError("\(name) sent a short ARP packet: \(netHex(frame))") }
            netCheck(arp.isEthernetIPv4, "\(name) sent ARP not for Ethernet/IPv4: \(netHex(frame))")
            netCheck(arp.operation == ARPPacket.request || arp.operation == ARPPacket.reply, "\(name) sent ARP operation \(arp.operation)")
            netCheck(arp.senderMAC == sides[side].stack.mac, "\(name) sent ARP with another sender MAC: \(netHex(frame))")
            if arp.operation == ARPPacket.reply {
                netCheck(ethernet.destination == arp.targetMAC && !arp.targetMAC.isMulticast, "\(name) sent an ARP reply to the wrong MAC: \(netHex(frame))")
            }
        case .ipv4:
            let bytes = ethernet.payload
            guard let header = try? IPv4Header(bytes) else { fatalError("\(name) sent a bad IPv4 header: \(netHex(frame))") }
            netCheck(bytes[bytes.startIndex] == 0x45, "\(name) sent IPv4 version/IHL \(bytes[bytes.startIndex]): \(netHex(frame))")
            let total = Int(header.totalLength)
            netCheck(total >= 20 && total <= bytes.count, "\(name) sent IPv4 total length \(total) in \(bytes.count) bytes: \(netHex(frame))")
            netCheck(frame.count == 60 || total == bytes.count, "\(name) sent \(bytes.count - total) bytes after the IPv4 datagram in a \(frame.count)-byte frame")
            netCheck(header.checksumIsValid, "\(name) sent a bad IPv4 header checksum: \(netHex(frame))")
            netCheck(header.ttl > 0, "\(name) sent TTL 0")
            let packet = bytes.prefix(total)
            if header.isFragment {
                netCheck(header.flagsAndFragmentOffset & 0x4000 == 0, "\(name) sent a fragment with DF: \(netHex(frame))")
                collectFragment(header, packet.dropFirst(20), from: side)
            } else {
                checkTransport(header.proto, source: header.source, destination: header.destination, packet.dropFirst(20), from: side, frame: frame)
            }
        default:
            fatalError("\(name) sent EtherType \(ethernet.etherType.rawValue): \(netHex(frame))")
        }
    }

    func checkTransport(_ proto: IPProtocol, source: IPv4Address, destination: IPv4Address, _ bytes: ArraySlice<UInt8>, from side: Int, frame: [UInt8]) {
        let name = sides[side].name
        let pseudo = InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: proto.rawValue, length: bytes.count)
        switch proto {
        case .tcp:
            guard let tcp = try? TCPHeader(bytes) else { fatalError("\(name) sent a bad TCP header: \(netHex(frame))") }
            netCheck(InternetChecksum.sum(bytes, initial: pseudo) == 0xFFFF, "\(name) sent a bad TCP checksum: \(netHex(frame))")
            netCheck(tcp.sourcePort != 0 && tcp.destinationPort != 0, "\(name) sent TCP with port 0: \(netHex(frame))")
            let flags = tcp.flags
            netCheck(flags & TCPHeader.Flags.syn == 0 || flags & (TCPHeader.Flags.rst | TCPHeader.Flags.fin) == 0, "\(name) sent SYN with RST or FIN: \(netHex(frame))")
            netCheck(flags & TCPHeader.Flags.rst == 0 || tcp.payload.isEmpty, "\(name) sent a RST with data: \(netHex(frame))")
        case .udp:
            guard let udp = try? UDPHeader(bytes) else { fatalError("\(name) sent a short UDP header: \(netHex(frame))") }
            netCheck(Int(udp.length) == bytes.count, "\(name) sent UDP length \(udp.length) in \(bytes.count) bytes: \(netHex(frame))")
            netCheck(udp.checksum != 0 && InternetChecksum.checksum(bytes, initial: pseudo) == 0, "\(name) sent a bad UDP checksum: \(netHex(frame))")
        case .icmp:
            guard let icmp = try? ICMPHeader(bytes) else { fatalError("\(name) sent a short ICMP message: \(netHex(frame))") }
            netCheck(InternetChecksum.checksum(bytes) == 0, "\(name) sent a bad ICMP checksum: \(netHex(frame))")
            netCheck([0, 3, 8].contains(icmp.type) || (icmp.type == 11 && icmp.code == 1), "\(name) sent ICMP type \(icmp.type) code \(icmp.code)")
        default:
            fatalError("\(name) sent IP protocol \(proto.rawValue): \(netHex(frame))")
        }
    }

    /// Keeps a fragment; once the datagram is whole, checks its transport checksum.
    mutating func collectFragment(_ header: IPv4Header, _ data: ArraySlice<UInt8>, from side: Int) {
        let key = UInt32(header.identification) << 8 | UInt32(header.proto.rawValue)
        let offset = Int(header.fragmentOffset) * 8
        netCheck(header.moreFragments == false || data.count % 8 == 0, "\(sides[side].name) sent a non-final fragment of \(data.count) bytes")
        var list = sides[side].fragments[key] ?? []
        list.append((offset, header.moreFragments, data))
        list.sort { $0.offset < $1.offset }
        var expected = 0
        var whole: [UInt8] = []
        var complete = false
        for fragment in list {
            guard fragment.offset == expected else { break }
            whole += fragment.bytes
            expected += fragment.bytes.count
            if !fragment.more {
                complete = true
                break
            }
        }
        if complete {
            sides[side].fragments[key] = nil
            checkTransport(header.proto, source: header.source, destination: header.destination, whole[...], from: side, frame: whole)
        } else {
            if sides[side].fragments.count > 16 { sides[side].fragments.removeAll() }
            sides[side].fragments[key] = list.count > 256 ? nil : list
        }
    }
}

func netHex(_ bytes: [UInt8]) -> String {
    var text = ""
    for byte in bytes.prefix(128) {
        text += String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
    }
    return bytes.count > 128 ? text + "..." : text
}
