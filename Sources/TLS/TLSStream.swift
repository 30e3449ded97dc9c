import COpenSSL
import Devices
import Glibc

/// TLS over any `ByteStream` (a kernel TCP socket today, a connection of our own TCP/IP
/// stack next), itself a `ByteStream`, so the controller and switch loops run over it
/// unchanged.
///
/// OpenSSL reads and writes the inner stream through a BIO of ours, and with read-ahead
/// off it takes from the stream exactly the records it needs. `read` consumes whole
/// records only (it stops while less than a record's worth of room is left), so no
/// plaintext waits inside OpenSSL where readiness could not see it: what is not read yet
/// is still in the inner stream, which reports it. So `read` may also stop early (after
/// a short record) at the cost of one more readiness, never of a stall. Should plaintext
/// be left inside OpenSSL all the same (a caller's buffer smaller than a record),
/// `hasBufferedInput` says so and the loops read again after their turn.
///
/// The handshake runs inside the first reads and writes. While it lasts the inner stream
/// is watched for what OpenSSL needs, not for what the loop asked (its output waits),
/// so a loop with output queued does not spin on a writable socket. A failed handshake
/// throws a `.handshake` error with OpenSSL's reason; the loop closes that connection
/// and logs it, and nobody else notices.
public final class TLSStream: ByteStream {
    public let inner: any ByteStream
    public let context: TLSContext
    private let ssl: OpaquePointer
    public private(set) var isEstablished = false
    /// The first error the inner stream gave inside OpenSSL, reported in its place.
    private var innerError: StreamError?
    private var failure: StreamError?
    private var token: UInt64?
    private var wanted = (readable: false, writable: false)
    private var watched: (readable: Bool, writable: Bool)?
    private var handshakeWantsWrite = false
    /// The negotiated protocol and cipher and the peer's Common Name, once established.
    public private(set) var session: String?

    /// A largest record's plaintext: `read` stops when less room than this is left.
    static let recordSize = 16384
    /// Wraps `inner` (connected or still connecting); the handshake starts at the first
    /// read or write. Nil when OpenSSL is out of memory.
    public init?(_ inner: any ByteStream, context: TLSContext) {
        guard let ssl = SSL_new(context.context) else { return nil }
        self.inner = inner
        self.context = context
        self.ssl = ssl
        guard let bio = c_openssl_stream_bio(Unmanaged.passUnretained(self).toOpaque()) else {
            SSL_free(ssl)
            return nil
        }
        SSL_set_bio(ssl, bio, bio)
        if context.side == .server { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
    }

    deinit {
        SSL_free(ssl)
    }

    // MARK: ByteStream

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> StreamRead {
        if let failure { throw failure }
        guard try establish() else { return .wouldBlock }
        var count = 0
        while count < buffer.count {
            let room = buffer.count - count
            // Less than a record's room: stop, unless something is held here (then fill
            // the buffer, so the caller reads on).
            if count > 0, room < Self.recordSize, !hasBufferedInput { break }
            let result = SSL_read(ssl, buffer.baseAddress! + count, Int32(clamping: room))
            if result > 0 {
                count += Int(result)
                // A short record with nothing held: the peer flushed all it had, so the
                // inner stream is most likely empty. Stop without the read that would
                // only say so; if more came, the inner stream's readiness reports it.
                if Int(result) < Self.recordSize, !hasBufferedInput { break }
                continue
            }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return count > 0 ? .bytes(count) : .wouldBlock
            case SSL_ERROR_ZERO_RETURN:
                return count > 0 ? .bytes(count) : .closed
            default:
                throw fail(.read, "TLS read")
            }
        }
        return .bytes(count)
    }

    /// Plaintext OpenSSL holds, which no readiness will report.
    public var hasBufferedInput: Bool {
        isEstablished && failure == nil && SSL_pending(ssl) > 0
    }

    /// Takes as much as the inner stream takes now: with partial writes on, OpenSSL
    /// returns after each record, so this writes record after record until the inner
    /// stream is full (one call per loop turn must move as much as a socket write does).
    public func write(from bytes: UnsafeRawBufferPointer) throws(StreamError) -> Int {
        if let failure { throw failure }
        guard !bytes.isEmpty, try establish() else { return 0 }
        var written = 0
        while written < bytes.count {
            let result = SSL_write(ssl, bytes.baseAddress! + written, Int32(clamping: bytes.count - written))
            if result > 0 {
                written += Int(result)
                continue
            }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return written
            default: throw fail(.write, "TLS write")
            }
        }
        return written
    }

    public func watch(token: UInt64, readable: Bool, writable: Bool) throws(StreamError) {
        self.token = token
        wanted = (readable, writable)
        try updateWatch()
    }

    /// Sends close_notify when the session is up (best effort), then closes the stream.
    public func close() {
        if isEstablished, failure == nil { SSL_shutdown(ssl) }
        inner.close()
    }

    public var isConnecting: Bool { inner.isConnecting }
    public var peerName: String? { inner.peerName }
    public func finishConnect() throws(StreamError) { try inner.finishConnect() }

    // MARK: Handshake

    /// Advances the handshake; true once the session is up. Throws when it failed.
    private func establish() throws(StreamError) -> Bool {
        if isEstablished { return true }
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            try admitPeer()
            isEstablished = true
            handshakeWantsWrite = false
            try updateWatch()
            return true
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            handshakeWantsWrite = false
        case SSL_ERROR_WANT_WRITE:
            handshakeWantsWrite = true
        default:
            throw fail(.handshake, "TLS handshake failed")
        }
        try updateWatch()
        return false
    }

    /// The allow-list of subjects, once the CA has vouched for the certificate.
    private func admitPeer() throws(StreamError) {
        var name = [CChar](repeating: 0, count: 256)
        let common = c_openssl_peer_common_name(ssl, &name, name.count) == 0 ? Self.text(name) : ""
        var text = [CChar](repeating: 0, count: 128)
        c_openssl_session_text(ssl, &text, text.count)
        session = Self.text(text) + ", peer CN=" + common
        guard context.allows(subject: common) else {
            let error = StreamError(.handshake, code: EACCES, description: "TLS peer CN=\"" + common + "\" is not in the allow-list")
            failure = error
            throw error
        }
    }

    /// While the handshake lasts the stream is watched for what OpenSSL waits for; before
    /// it (a TCP open under way) and after it, for what the loop asked.
    private func updateWatch() throws(StreamError) {
        guard let token else { return }
        let want = isEstablished || inner.isConnecting ? wanted : (readable: true, writable: handshakeWantsWrite)
        if let watched, watched == want { return }
        do throws(StreamError) { try inner.watch(token: token, readable: want.readable, writable: want.writable) } catch {
            failure = error
            throw error
        }
        watched = want
    }

    /// Records and returns why the session failed: the inner stream's error when it
    /// caused it, else the certificate check's or OpenSSL's reason.
    private func fail(_ operation: StreamError.Operation, _ what: String) -> StreamError {
        let error: StreamError
        if let innerError {
            error = innerError
        } else {
            var reason = [CChar](repeating: 0, count: 256)
            c_openssl_error_text(&reason, reason.count, "connection closed")
            let cause = Self.text(reason)
            var text = what + ": " + cause
            // What OpenSSL says when the first bytes are not a TLS record at all.
            if operation == .handshake, cause == "wrong version number" || cause == "packet length too long" {
                text += " (the peer does not speak TLS: plain OpenFlow on a TLS port?)"
            }
            if let verify = c_openssl_verify_error(ssl) { text += " (" + String(cString: verify) + ")" }
            error = StreamError(operation, code: EPROTO, description: text)
        }
        failure = error
        return error
    }

    private static func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: The BIO's side

    /// Points OpenSSL's stream BIO at `bioRead` and `bioWrite` (once per process).
    static let installIO: Void = c_openssl_set_io(bioRead, bioWrite)

    private static let bioRead: c_openssl_io_fn = { context, bytes, length in
        let stream = Unmanaged<TLSStream>.fromOpaque(context!).takeUnretainedValue()
        do throws(StreamError) {
            switch try stream.inner.read(into: UnsafeMutableRawBufferPointer(start: bytes, count: Int(length))) {
            case .bytes(let count): return Int32(count)
            case .wouldBlock: return Int32(C_OPENSSL_IO_WOULD_BLOCK)
            case .closed: return Int32(C_OPENSSL_IO_CLOSED)
            }
        } catch {
            stream.innerError = stream.innerError ?? error
            return Int32(C_OPENSSL_IO_FAILED)
        }
    }

    private static let bioWrite: c_openssl_io_fn = { context, bytes, length in
        let stream = Unmanaged<TLSStream>.fromOpaque(context!).takeUnretainedValue()
        do throws(StreamError) {
            let count = try stream.inner.write(from: UnsafeRawBufferPointer(start: bytes, count: Int(length)))
            return count == 0 ? Int32(C_OPENSSL_IO_WOULD_BLOCK) : Int32(count)
        } catch {
            stream.innerError = stream.innerError ?? error
            return Int32(C_OPENSSL_IO_FAILED)
        }
    }
}
