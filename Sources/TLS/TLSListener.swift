import Devices
import Glibc

/// A listener whose connections speak TLS: each accepted stream is wrapped at once, and
/// its handshake runs as the loop reads and writes it.
public final class TLSListener<Inner: StreamListener>: StreamListener {
    public let inner: Inner
    public let context: TLSContext

    public init(_ inner: Inner, context: TLSContext) {
        self.inner = inner
        self.context = context
    }

    public func watch(token: UInt64) throws(StreamError) { try inner.watch(token: token) }
    public func unwatch() { inner.unwatch() }
    public var port: UInt16 { inner.port }
    public func close() { inner.close() }

    public func accept() throws(StreamError) -> TLSStream? {
        guard let stream = try inner.accept() else { return nil }
        guard let secure = TLSStream(stream, context: context) else {
            stream.close()
            throw StreamError(.accept, code: ENOMEM, description: "accept: no memory for a TLS session", isResourceExhaustion: true)
        }
        return secure
    }
}
