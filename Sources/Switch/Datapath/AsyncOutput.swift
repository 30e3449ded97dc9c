import OpenFlow

/// Asynchronous messages for the controller (PACKET_IN, FLOW_REMOVED, PORT_STATUS),
/// encoded once with xid 0 into a reusable buffer; the agent copies them to each
/// active controller connection. Bounded: past `limit` bytes a message is dropped.
///
/// The storage keeps its length (zero-filled) and `used` marks the messages, so
/// clearing writes nothing and appending copies bytes in place.
struct AsyncOutput {
    private var storage: [UInt8]
    private(set) var used = 0
    let limit: Int

    init(limit: Int) {
        self.limit = limit
        storage = [UInt8](repeating: 0, count: min(limit, 1 << 16))
    }

    /// The encoded messages.
    var bytes: ArraySlice<UInt8> { storage[0..<used] }

    var isEmpty: Bool { used == 0 }

    /// Encodes `message`; false when it was dropped.
    mutating func append(_ message: Message) -> Bool {
        let encoded: [UInt8]
        do throws(OpenFlowError) {
            encoded = try OpenFlowMessage(xid: 0, message).encoded()
        } catch {
            return false
        }
        return write(encoded.count) { target in
            encoded.withUnsafeBytes { target.copyMemory(from: $0) }
        }
    }

    /// OFPT_PACKET_IN, the message of every miss, written field by field (the header
    /// and body are 18 bytes) without building a `Message`: the same bytes as the
    /// codec's encoding (a test compares them), at a fraction of the cost.
    mutating func appendPacketIn(
        bufferID: UInt32, totalLength: UInt16, inPort: PortNumber, reason: PacketInReason, data: ArraySlice<UInt8>
    ) -> Bool {
        let length = 18 + data.count
        guard length <= OpenFlowMessage.maximumLength else { return false }
        return write(length) { target in
            // ofp_header (version, type, length, xid 0), then buffer_id, total_len,
            // in_port, reason and a pad byte.
            target.storeBytes(
                of: (UInt64(Header.version) << 56 | UInt64(MessageType.packetIn.rawValue) << 48 | UInt64(length) << 32).bigEndian,
                toByteOffset: 0, as: UInt64.self)
            target.storeBytes(
                of: (UInt64(bufferID) << 32 | UInt64(totalLength) << 16 | UInt64(inPort.rawValue)).bigEndian,
                toByteOffset: 8, as: UInt64.self)
            target.storeBytes(of: (UInt16(reason.rawValue) << 8).bigEndian, toByteOffset: 16, as: UInt16.self)
            if !data.isEmpty {
                data.withUnsafeBytes { (target.baseAddress! + 18).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
        }
    }

    mutating func clear() { used = 0 }

    /// Lets `body` fill the next `count` bytes; false (and nothing written) past the limit.
    private mutating func write(_ count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) -> Bool {
        guard used + count <= limit else { return false }
        if used + count > storage.count {
            storage.append(contentsOf: repeatElement(0, count: max(used + count - storage.count, storage.count)))
        }
        let at = used
        storage.withUnsafeMutableBytes { body(UnsafeMutableRawBufferPointer(rebasing: $0[at..<at + count])) }
        used += count
        return true
    }
}
