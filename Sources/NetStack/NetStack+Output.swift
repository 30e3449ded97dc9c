import Scheduler
import Wire

/// Building outgoing frames: Ethernet and IPv4 headers, fragmentation, and parking a
/// frame until ARP resolves its next hop.
extension NetStack {
    static let minimumFrame = 60
    static let ipv4Offset = EthernetHeader.length
    static let transportOffset = EthernetHeader.length + IPv4Header.minimumLength

    /// Where a datagram's frames go at the link layer.
    enum LinkDestination {
        case mac(MACAddress)
        /// Waiting for ARP on this next hop.
        case pending(IPv4Address)
    }

    /// Picks the link destination for `destination`, starting ARP resolution if needed;
    /// nil when there is no route.
    mutating func linkDestination(for destination: IPv4Address, now: Instant) -> LinkDestination? {
        if configuration.isBroadcast(destination) { return .mac(.broadcast) }
        guard let hop = nextHop(destination) else { return nil }
        let resolution = arp.resolve(hop, now: now)
        if let evicted = resolution.evicted {
            counters.arpTimeoutDrops &+= UInt64(output.dropPending(for: evicted))
        }
        if resolution.request { sendARPRequest(for: hop) }
        if let mac = resolution.mac { return .mac(mac) }
        return .pending(hop)
    }

    /// Hands a frame written in `slot` to the ready queue, or parks it for ARP within the
    /// pending limits (over them it is dropped and counted).
    mutating func commit(_ slot: Int, length: Int, to link: LinkDestination) {
        let length = padded(slot, length: length)
        switch link {
        case .mac:
            output.commitReady(slot, length: length)
        case .pending(let hop):
            let limits = configuration.limits
            guard output.pendingCount < limits.pendingFramesTotal,
                output.pendingCount(for: hop) < limits.pendingFramesPerAddress
            else {
                output.release(slot)
                counters.arpPendingOverflow &+= 1
                return
            }
            output.commitPending(slot, length: length, hop: hop)
        }
    }

    /// Zero-fills a short frame to Ethernet's 60-byte minimum.
    private mutating func padded(_ slot: Int, length: Int) -> Int {
        guard length < Self.minimumFrame else { return length }
        output.write(slot) { bytes in
            for i in length..<Self.minimumFrame { bytes[i] = 0 }
        }
        return Self.minimumFrame
    }

    /// Queues one IPv4 datagram: an 8-byte transport header (big-endian in `header`,
    /// checksum already in it) then `body`, in as many fragments as the MTU needs.
    mutating func sendIPv4(
        proto: IPProtocol, source: IPv4Address, destination: IPv4Address, header: UInt64,
        body: UnsafeRawBufferPointer, now: Instant
    ) throws(NetError) {
        let length = 8 &+ body.count
        guard length <= 65535 - IPv4Header.minimumLength else { throw .datagramTooLarge }
        let mtuPayload = configuration.mtu &- IPv4Header.minimumLength
        let fragmentPayload = mtuPayload & ~7
        let fragments = length <= mtuPayload ? 1 : (length &+ fragmentPayload &- 1) / fragmentPayload
        // One more slot for the ARP request resolution may queue.
        guard output.freeCount > fragments else { throw .queueFull }
        guard let link = linkDestination(for: destination, now: now) else { throw .noRoute }
        let mac: MACAddress
        if case .mac(let m) = link { mac = m } else { mac = .zero }
        let id = nextIdentification()
        let ourMAC = configuration.mac
        var offset = 0
        while offset < length {
            let count = fragments == 1 ? length : Swift.min(fragmentPayload, length &- offset)
            let more = offset &+ count < length
            guard let slot = output.reserve() else {
                counters.outputQueueFull &+= 1
                return
            }
            let fragmentOffset = offset
            output.write(slot) { frame in
                Self.writeEthernet(frame, destination: mac, source: ourMAC)
                Self.writeIPv4(
                    frame, totalLength: IPv4Header.minimumLength &+ count, identification: id,
                    flags: (more ? 0x2000 : 0) | UInt16(truncatingIfNeeded: fragmentOffset >> 3),
                    proto: proto, source: source, destination: destination)
                Self.copyLogical(header: header, body: body, range: fragmentOffset..<(fragmentOffset &+ count), into: frame, at: Self.transportOffset)
            }
            commit(slot, length: Self.transportOffset &+ count, to: link)
            if fragments > 1 { counters.fragmentsOut &+= 1 }
            offset &+= count
        }
    }

    /// `sendIPv4` with a body in a slice.
    mutating func sendIPv4(
        proto: IPProtocol, source: IPv4Address, destination: IPv4Address, header: UInt64,
        body: ArraySlice<UInt8>, now: Instant
    ) throws(NetError) {
        var failure: NetError?
        body.withUnsafeBytes { raw in
            do throws(NetError) {
                try sendIPv4(proto: proto, source: source, destination: destination, header: header, body: raw, now: now)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    mutating func nextIdentification() -> UInt16 {
        identification &+= 1
        return identification
    }

    /// Copies `range` of the logical bytes `header ++ body` to `frame[at...]`.
    static func copyLogical(
        header: UInt64, body: UnsafeRawBufferPointer, range: Range<Int>, into frame: UnsafeMutableRawBufferPointer, at: Int
    ) {
        var position = range.lowerBound
        var out = at
        while position < Swift.min(8, range.upperBound) {
            frame[out] = UInt8(truncatingIfNeeded: header >> UInt64(8 &* (7 &- position)))
            position &+= 1
            out &+= 1
        }
        guard position < range.upperBound else { return }
        let from = position &- 8
        let count = range.upperBound &- position
        UnsafeMutableRawBufferPointer(rebasing: frame[out..<(out &+ count)])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: body[from..<(from &+ count)]))
    }

    static func writeEthernet(
        _ frame: UnsafeMutableRawBufferPointer, destination: MACAddress, source: MACAddress, type: EtherType = .ipv4
    ) {
        var writer = ByteWriter(frame)
        writer.uncheckedMAC(destination)
        writer.uncheckedMAC(source)
        writer.uncheckedU16(type.rawValue)
    }

    /// A 20-byte IPv4 header after the Ethernet header, TTL 64, checksum filled in.
    static func writeIPv4(
        _ frame: UnsafeMutableRawBufferPointer, totalLength: Int, identification: UInt16, flags: UInt16,
        proto: IPProtocol, source: IPv4Address, destination: IPv4Address
    ) {
        var writer = ByteWriter(frame, offset: ipv4Offset)
        writer.uncheckedU8(0x45)
        writer.uncheckedU8(0)
        writer.uncheckedU16(UInt16(truncatingIfNeeded: totalLength))
        writer.uncheckedU16(identification)
        writer.uncheckedU16(flags)
        writer.uncheckedU8(64)
        writer.uncheckedU8(proto.rawValue)
        writer.uncheckedU16(0)
        writer.uncheckedIPv4(source)
        writer.uncheckedIPv4(destination)
        let header = UnsafeRawBufferPointer(rebasing: frame[ipv4Offset..<transportOffset])
        let checksum = InternetChecksum.finish(InternetChecksum.sum(raw: header))
        frame.storeBytes(of: checksum.bigEndian, toByteOffset: ipv4Offset &+ IPv4Header.Offset.checksum, as: UInt16.self)
    }
}
