import Scheduler
import Wire

/// What a `MemoryWire` does to frames on their way, each a probability (0...1) or a
/// bound. The defaults are a perfect wire.
public struct WireFaults: Sendable {
    public var loss = 0.0
    public var duplication = 0.0
    /// A reordered frame is held back behind the next one.
    public var reordering = 0.0
    /// One random byte of the frame flipped.
    public var corruption = 0.0
    /// Every frame arrives this much later than it was sent.
    public var delay = Interval.zero
    /// Frames larger than this (Ethernet header included) are dropped.
    public var maximumFrame = 1514
    public init() {}
}

/// Two frame devices joined by an in-memory wire, for tests and simulations: what one
/// end transmits the other receives, after the wire's faults (seeded, so a failing run
/// replays exactly). Readiness goes through a `SoftReadiness`; time comes from the
/// `now` passed to `deliver`, so a virtual clock drives delays.
public final class MemoryWire {
    public var faults: WireFaults
    public let a: MemoryFrameDevice
    public let b: MemoryFrameDevice
    /// Sees every frame that went onto the wire (before faults), for a pcap per test.
    public var tap: ((UnsafeRawBufferPointer, Instant) -> Void)?
    private var random: UInt64
    public private(set) var dropped = 0
    public private(set) var corrupted = 0
    public private(set) var duplicated = 0
    public private(set) var reordered = 0

    public init(faults: WireFaults = WireFaults(), seed: UInt64, soft: SoftReadiness, clock: @escaping () -> Instant) {
        self.faults = faults
        random = seed
        a = MemoryFrameDevice(mac: MACAddress(rawValue: 0x02_00_00_00_00_0a), soft: soft, clock: clock)
        b = MemoryFrameDevice(mac: MACAddress(rawValue: 0x02_00_00_00_00_0b), soft: soft, clock: clock)
        a.wire = self
        b.wire = self
    }

    /// Breaks the cycle between the wire and its ends.
    public func cut() {
        a.wire = nil
        b.wire = nil
    }

    func carry(_ frame: UnsafeRawBufferPointer, from sender: MemoryFrameDevice, now: Instant) {
        tap?(frame, now)
        let receiver = sender === a ? b : a
        guard frame.count <= faults.maximumFrame, !chance(faults.loss) else {
            dropped += 1
            return
        }
        var bytes = [UInt8](frame)
        if chance(faults.corruption), !bytes.isEmpty {
            bytes[Int(next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: next() | 1)
            corrupted += 1
        }
        let due = now + faults.delay
        let hold = chance(faults.reordering)
        if hold { reordered += 1 }
        receiver.enqueue(bytes, due: due, holdBack: hold)
        if chance(faults.duplication) {
            duplicated += 1
            receiver.enqueue(bytes, due: due, holdBack: false)
        }
    }

    private func next() -> UInt64 {
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private func chance(_ probability: Double) -> Bool {
        probability > 0 && Double(next() >> 11) / Double(1 << 53) < probability
    }
}

/// One end of a `MemoryWire`.
public final class MemoryFrameDevice: FrameDevice, ReadinessSource {
    public let macAddress: MACAddress
    public var mtu: Int { (wire?.faults.maximumFrame ?? 1514) - 14 }
    var wire: MemoryWire?
    private var queue: [(frame: [UInt8], due: Instant)] = []
    private var held: [UInt8]?
    private let soft: SoftReadiness
    private let clock: () -> Instant
    public var linkUp = true

    init(mac: MACAddress, soft: SoftReadiness, clock: @escaping () -> Instant) {
        macAddress = mac
        self.soft = soft
        self.clock = clock
    }

    /// Reports readiness under `token` while a frame is due.
    public func watch(token: UInt64) {
        soft.watch(self, token: token, readable: true, writable: false)
    }

    /// Frames on their way to this end, delivered or not.
    public var inFlight: Int { queue.count + (held == nil ? 0 : 1) }

    /// When the next delayed frame becomes due (for a virtual clock to jump to).
    public var nextDue: Instant? { queue.first?.due }

    func enqueue(_ frame: [UInt8], due: Instant, holdBack: Bool) {
        if holdBack, held == nil {
            held = frame
            return
        }
        queue.append((frame, due))
        if let previous = held {
            held = nil
            queue.append((previous, due))
        }
    }

    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
        batch.reset()
        let now = clock()
        var taken = 0
        while taken < queue.count, queue[taken].due <= now, !batch.isFull {
            _ = queue[taken].frame.withUnsafeBytes { batch.append($0) }
            taken += 1
        }
        queue.removeFirst(taken)
        return taken
    }

    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        defer { batch.reset() }
        guard linkUp, let wire else { return 0 }
        let now = clock()
        for frame in batch.frames {
            batch.storage.withUnsafeBytes { bytes in
                wire.carry(UnsafeRawBufferPointer(rebasing: bytes[frame]), from: self, now: now)
            }
        }
        return batch.frames.count
    }

    public func isLinkUp() -> Bool { linkUp }

    public func currentReadiness() -> (readable: Bool, writable: Bool, closed: Bool) {
        // A frame held back for reordering goes out after a moment even if nothing follows.
        if queue.isEmpty, let frame = held {
            held = nil
            queue.append((frame, clock()))
        }
        return (queue.first.map { $0.due <= clock() } ?? false, false, false)
    }
}
