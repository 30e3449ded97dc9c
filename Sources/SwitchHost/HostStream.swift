import Devices
import LinuxPlatform
import TLS

/// Any `ByteStream` behind one concrete type: the switch loop's controller connections
/// are kernel TCP or, with `--net`, our own TCP, and its service connections kernel TCP,
/// all in one loop compiled once.
public final class HostStream: ByteStream {
    public let stream: any ByteStream

    public init(_ stream: any ByteStream) { self.stream = stream }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> StreamRead {
        try stream.read(into: buffer)
    }

    public func write(from bytes: UnsafeRawBufferPointer) throws(StreamError) -> Int { try stream.write(from: bytes) }

    public func watch(token: UInt64, readable: Bool, writable: Bool) throws(StreamError) {
        try stream.watch(token: token, readable: readable, writable: writable)
    }

    public func close() { stream.close() }
    public var isConnecting: Bool { stream.isConnecting }
    public var peerName: String? { stream.peerName }
    public func finishConnect() throws(StreamError) { try stream.finishConnect() }
    public var hasBufferedInput: Bool { stream.hasBufferedInput }
}

/// A kernel TCP listener handing out `HostStream`s: plain, or TLS with a context.
public final class HostListener: StreamListener {
    public let listener: KernelListener
    public let tls: TLSListener<KernelListener>?

    public init(_ listener: KernelListener, tls: TLSContext? = nil) {
        self.listener = listener
        self.tls = tls.map { TLSListener(listener, context: $0) }
    }

    public func watch(token: UInt64) throws(StreamError) { try listener.watch(token: token) }
    public func unwatch() { listener.unwatch() }
    public func accept() throws(StreamError) -> HostStream? {
        if let tls { return try tls.accept().map(HostStream.init) }
        return try listener.accept().map(HostStream.init)
    }
    public var port: UInt16 { listener.port }
    public func close() { listener.close() }
}
