import CUnikernel
import CXen

/// What a xenstore request can end in.
public enum XenStoreError: Error, Equatable {
    /// xenstored answered XS_ERROR with this errno name ("ENOENT", "EAGAIN", ...).
    case refused([UInt8])
    /// No answer within the deadline.
    case timedOut
    /// An answer that does not parse, or a path or value too long for one message.
    case malformed
}

/// A client of xenstored over the domain's shared ring: read, write, directory, watch
/// and transactions. Calls block (halting the vCPU between events) until xenstored
/// answers: drivers use it at set-up, never on the data path. Watch events that arrive
/// between answers are queued for `nextWatchEvent`.
public final class XenStore {
    private let ring: UnsafeMutablePointer<xenstore_domain_interface>
    /// The store's event channel: register it with the platform to hear watch events.
    public let port: UInt32
    private let channels: EventChannels
    private let shared: SharedInfo
    private var requestID: UInt32 = 1
    private var watchEvents: [(path: [UInt8], token: [UInt8])] = []
    /// How long one request may wait for its answer.
    public var timeout: UInt64 = 10_000_000_000
    /// Nanoseconds spent waiting for xenstored's answers (it runs in dom0): boot time
    /// that is the host's, not ours.
    public private(set) var answerWait: UInt64 = 0

    public init(platform: XenPlatform) {
        guard let shared = platform.shared, let channels = platform.channels,
            let pfn = Hypercall.parameter(HVM_PARAM_STORE_PFN), let port = Hypercall.parameter(HVM_PARAM_STORE_EVTCHN), pfn != 0
        else { Shutdown.panic("xenstore: no store ring (not a Xen domU?)") }
        uk_map_page(pfn << 12)
        ring = UnsafeMutablePointer(bitPattern: UInt(pfn << 12))!
        self.port = UInt32(port)
        self.channels = channels
        self.shared = shared
        channels.watch(self.port)
    }

    public func readBytes(_ path: String) throws(XenStoreError) -> [UInt8] {
        var value = try request(XS_READ, [Array(path.utf8), [0]])
        if value.last == 0 { value.removeLast() }
        return value
    }

    public func read(_ path: String, transaction: UInt32 = 0) -> String? {
        guard let bytes = try? request(XS_READ, [Array(path.utf8), [0]], transaction: transaction) else { return nil }
        return String(decoding: bytes.last == 0 ? bytes.dropLast() : bytes[...], as: UTF8.self)
    }

    public func write(_ path: String, _ value: String, transaction: UInt32 = 0) throws(XenStoreError) {
        _ = try request(XS_WRITE, [Array(path.utf8), [0], Array(value.utf8)], transaction: transaction)
    }

    public func remove(_ path: String, transaction: UInt32 = 0) throws(XenStoreError) {
        _ = try request(XS_RM, [Array(path.utf8), [0]], transaction: transaction)
    }

    /// The names directly under `path`.
    public func directory(_ path: String) throws(XenStoreError) -> [String] {
        let listing = try request(XS_DIRECTORY, [Array(path.utf8), [0]])
        return listing.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    public func watch(_ path: String, token: String) throws(XenStoreError) {
        _ = try request(XS_WATCH, [Array(path.utf8), [0], Array(token.utf8), [0]])
    }

    public func unwatch(_ path: String, token: String) throws(XenStoreError) {
        _ = try request(XS_UNWATCH, [Array(path.utf8), [0], Array(token.utf8), [0]])
    }

    public func startTransaction() throws(XenStoreError) -> UInt32 {
        let answer = try request(XS_TRANSACTION_START, [[0]])
        var id: UInt32 = 0
        for byte in answer where byte >= 48 && byte <= 57 { id = id &* 10 &+ UInt32(byte - 48) }
        return id
    }

    /// Commits (or with `abort`, drops) the transaction; false when xenstored asks for a
    /// retry (EAGAIN: something it read changed).
    public func endTransaction(_ id: UInt32, abort: Bool = false) throws(XenStoreError) -> Bool {
        do throws(XenStoreError) {
            _ = try request(XS_TRANSACTION_END, [abort ? Array("F".utf8) : Array("T".utf8), [0]], transaction: id)
            return true
        } catch {
            if case .refused(let name) = error, name == Array("EAGAIN".utf8) { return false }
            throw error
        }
    }

    /// Xen system time, the clock deadlines are given in.
    public var now: UInt64 { shared.systemTime() }

    /// A watch event that fired (path, token), if one is queued.
    public func nextWatchEvent() -> (path: [UInt8], token: [UInt8])? {
        watchEvents.isEmpty ? nil : watchEvents.removeFirst()
    }

    /// Reads whatever xenstored has sent without waiting (watch events get queued).
    public func poll() {
        while readMessage(into: nil) {}
    }

    /// Blocks until a watch event arrives or `deadline` (Xen system time) passes.
    public func waitForWatchEvent(until deadline: UInt64) -> Bool {
        while watchEvents.isEmpty {
            if shared.systemTime() >= deadline { return false }
            if !readMessage(into: nil) { block(until: deadline) }
        }
        return true
    }

    // MARK: the wire

    private func request(_ type: xsd_sockmsg_type, _ parts: [[UInt8]], transaction: UInt32 = 0) throws(XenStoreError) -> [UInt8] {
        var length = 0
        for part in parts { length += part.count }
        guard length <= Int(XENSTORE_PAYLOAD_MAX) else { throw .malformed }
        let id = requestID
        requestID &+= 1
        var header = xsd_sockmsg(type: type.rawValue, req_id: id, tx_id: transaction, len: UInt32(length))
        let deadline = shared.systemTime() &+ timeout
        try withUnsafeBytes(of: &header) { (bytes) throws(XenStoreError) in try send(bytes, until: deadline) }
        for part in parts {
            // Array's withUnsafeBytes is not typed-throws: carry the error out in a Result.
            try part.withUnsafeBytes { bytes in Result { () throws(XenStoreError) in try send(bytes, until: deadline) } }.get()
        }
        channels.notify(port)
        let sent = shared.systemTime()
        defer { answerWait &+= shared.systemTime() &- sent }
        var answer: (type: UInt32, payload: [UInt8])? = nil
        while answer == nil {
            if !readMessage(into: &answer, id: id) {
                if shared.systemTime() >= deadline { throw .timedOut }
                block(until: deadline)
            }
        }
        guard let answer else { throw .malformed }
        if answer.type == XS_ERROR.rawValue {
            throw .refused(answer.payload.last == 0 ? Array(answer.payload.dropLast()) : answer.payload)
        }
        return answer.payload
    }

    private func send(_ bytes: UnsafeRawBufferPointer, until deadline: UInt64) throws(XenStoreError) {
        var offset = 0
        let size = UInt32(XENSTORE_RING_SIZE)
        let requests = uk_xenstore_request_bytes(ring)!
        while offset < bytes.count {
            let consumer = ring.pointee.req_cons
            let producer = ring.pointee.req_prod
            uk_barrier()
            let room = Int(size - (producer &- consumer))
            if room == 0 {
                channels.notify(port)
                if shared.systemTime() >= deadline { throw .timedOut }
                block(until: deadline)
                continue
            }
            let n = min(room, bytes.count - offset)
            for i in 0..<n {
                requests[Int((producer &+ UInt32(i)) & (size - 1))] = CChar(bitPattern: bytes[offset + i])
            }
            uk_barrier()
            ring.pointee.req_prod = producer &+ UInt32(n)
            offset += n
        }
    }

    /// Reads one whole message if one is waiting. A watch event is queued; the answer to
    /// `id` is stored in `answer`. False when no whole message is waiting.
    private func readMessage(into answer: UnsafeMutablePointer<(type: UInt32, payload: [UInt8])?>?, id: UInt32 = 0) -> Bool {
        let size = UInt32(XENSTORE_RING_SIZE)
        let consumer = ring.pointee.rsp_cons
        let producer = ring.pointee.rsp_prod
        uk_barrier()
        let available = Int(producer &- consumer)
        let headerSize = MemoryLayout<xsd_sockmsg>.size
        guard available >= headerSize else { return false }
        let responses = uk_xenstore_response_bytes(ring)!
        func byte(_ i: Int) -> UInt8 { UInt8(bitPattern: responses[Int((consumer &+ UInt32(i)) & (size - 1))]) }
        var header = xsd_sockmsg()
        withUnsafeMutableBytes(of: &header) { raw in for i in 0..<headerSize { raw[i] = byte(i) } }
        let length = Int(header.len)
        guard length <= Int(XENSTORE_PAYLOAD_MAX) else { Shutdown.panic("xenstore: an answer longer than the protocol allows") }
        guard available >= headerSize + length else { return false }
        var payload = [UInt8](repeating: 0, count: length)
        for i in 0..<length { payload[i] = byte(headerSize + i) }
        uk_barrier()
        ring.pointee.rsp_cons = consumer &+ UInt32(headerSize + length)
        channels.notify(port)
        if header.type == XS_WATCH_EVENT.rawValue {
            let parts = payload.split(separator: 0, omittingEmptySubsequences: false)
            if parts.count >= 2 { watchEvents.append((Array(parts[0]), Array(parts[1]))) }
        } else if header.req_id == id, let answer {
            answer.pointee = (header.type, payload)
        }
        return true
    }

    /// Halts until an event arrives (the store's port among them) or the deadline.
    private func block(until deadline: UInt64) {
        channels.block(until: deadline)
    }
}
