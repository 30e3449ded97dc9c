import OpenFlow
import Scheduler

/// The bounded pool of packets held for the controller, by buffer_id.
///
/// A buffer id is a slot number in its low bits and that slot's generation above them,
/// so an id from before the slot was reused is recognised as stale. Each slot keeps its
/// storage, so buffering a packet allocates nothing once the slot has held one that
/// large. A packet is held for `lifetime`; after that its id is unknown.
///
/// Errors, by the spec's wording: an id this switch never issued, one whose packet
/// expired, or one from a slot reused since is OFPBRC_BUFFER_UNKNOWN ("does not
/// exist"); an id whose packet a PACKET_OUT or FLOW_MOD already took is
/// OFPBRC_BUFFER_EMPTY ("has already been used").
struct PacketBuffers {
    private enum State: Equatable {
        case free
        case held
        /// Taken by a PACKET_OUT or FLOW_MOD.
        case used
    }

    private struct Slot {
        var bytes: [UInt8] = []
        var inPort = PortNumber.none
        var expires = Instant.zero
        var generation: UInt32 = 0
        var state = State.free
    }

    private var slots: [Slot]
    private var cursor = 0
    private let slotBits: UInt32
    let lifetime: Interval
    /// At or before the earliest expiry of a held packet.
    private(set) var nextExpiry: Instant?
    private(set) var heldCount = 0

    init(count: Int, lifetime: Interval, frameCapacity: Int) {
        var bits: UInt32 = 0
        while (1 << bits) < count { bits += 1 }
        slotBits = bits
        self.lifetime = lifetime
        slots = (0..<count).map { _ in
            var slot = Slot()
            slot.bytes.reserveCapacity(frameCapacity)
            return slot
        }
    }

    var capacity: Int { slots.count }

    /// Holds a copy of `frame`; its buffer id, or nil when every slot holds a live packet.
    mutating func store(_ frame: ArraySlice<UInt8>, inPort: PortNumber, now: Instant) -> UInt32? {
        guard !slots.isEmpty else { return nil }
        // Every slot holds a live packet: no scan until the first of them expires.
        if heldCount == slots.count, let due = nextExpiry, due > now { return nil }
        for _ in 0..<slots.count {
            let index = cursor
            cursor = cursor + 1 == slots.count ? 0 : cursor + 1
            if slots[index].state == .held {
                guard slots[index].expires <= now else { continue }
                heldCount -= 1
            }
            var id = nextID(index)
            if id == BufferID.none { id = nextID(index) }
            slots[index].bytes.removeAll(keepingCapacity: true)
            slots[index].bytes.append(contentsOf: frame)
            slots[index].inPort = inPort
            slots[index].expires = now + lifetime
            slots[index].state = .held
            heldCount += 1
            if nextExpiry == nil { nextExpiry = now + lifetime }
            return id
        }
        return nil
    }

    private mutating func nextID(_ index: Int) -> UInt32 {
        let generationMask: UInt32 = slotBits >= 32 ? 0 : UInt32.max >> slotBits
        slots[index].generation = (slots[index].generation &+ 1) & generationMask
        return slots[index].generation << slotBits | UInt32(index)
    }

    /// Takes the packet `id` names out of the pool. Its storage comes with it: hand it
    /// back with `recycle` so the slot keeps its capacity.
    mutating func take(_ id: UInt32, now: Instant) throws(DatapathError) -> (bytes: [UInt8], inPort: PortNumber) {
        let index = Int(id & (slotBits >= 32 ? UInt32.max : (1 << slotBits) - 1))
        guard index < slots.count, slots[index].generation == id >> slotBits else {
            throw DatapathError(.bufferUnknown)
        }
        switch slots[index].state {
        case .free:
            throw DatapathError(.bufferUnknown)
        case .used:
            throw DatapathError(.bufferEmpty)
        case .held:
            heldCount -= 1
            guard slots[index].expires > now else {
                slots[index].state = .free
                throw DatapathError(.bufferUnknown)
            }
            slots[index].state = .used
            var bytes: [UInt8] = []
            swap(&bytes, &slots[index].bytes)
            return (bytes, slots[index].inPort)
        }
    }

    /// Returns storage `take` lent out, to the slot of `id`.
    mutating func recycle(_ bytes: consuming [UInt8], id: UInt32) {
        let index = Int(id & (slotBits >= 32 ? UInt32.max : (1 << slotBits) - 1))
        guard index < slots.count, slots[index].bytes.capacity < bytes.capacity else { return }
        slots[index].bytes = bytes
        slots[index].bytes.removeAll(keepingCapacity: true)
    }

    /// Frees every packet held past its lifetime.
    mutating func expire(now: Instant) {
        guard let due = nextExpiry, due <= now else { return }
        nextExpiry = nil
        for index in slots.indices where slots[index].state == .held {
            if slots[index].expires <= now {
                slots[index].state = .free
                heldCount -= 1
            } else if nextExpiry == nil || slots[index].expires < nextExpiry! {
                nextExpiry = slots[index].expires
            }
        }
    }
}
