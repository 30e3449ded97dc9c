import Devices
import NetStack
import Scheduler
import Wire

/// A connection of our own TCP as a `ByteStream`: the appliance loops read and write it
/// as they would a kernel socket. Readiness is level-triggered through the platform's
/// `SoftReadiness`: readable while bytes or the end wait, writable while the send
/// buffer has room (learned from the stack's events and from short reads and writes).
public final class NetTCPStream<Device: FrameDevice, P: Platform>: ByteStream, ReadinessSource {
    public let handle: TCPHandle
    let interface: NetInterface<Device, P>
    var readHint = true
    var writeHint = true
    var connected: Bool
    private var token: UInt64?
    /// Set once the stack has released the connection.
    public private(set) var endReason: TCPCloseReason?

    init(handle: TCPHandle, interface: NetInterface<Device, P>, connected: Bool) {
        self.handle = handle
        self.interface = interface
        self.connected = connected
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> StreamRead {
        if let endReason, endReason != .normal { throw Self.error(.read, endReason) }
        let count: Int
        do throws(TCPError) {
            count = try interface.stack.tcp.read(handle, into: buffer)
        } catch {
            if endReason != nil { return .closed }
            throw StreamError(.read, code: 104, description: "read: connection reset")
        }
        // Reading opened the receive window: the window update goes out now.
        if count > 0 {
            interface.flush(now: interface.loop.now)
            return .bytes(count)
        }
        readHint = false
        return interface.readStack { $0.tcp.isReadClosed(handle) } ? .closed : .wouldBlock
    }

    public func write(from bytes: UnsafeRawBufferPointer) throws(StreamError) -> Int {
        if let endReason { throw Self.error(.write, endReason) }
        guard connected else { return 0 }
        let count: Int
        do throws(TCPError) {
            count = try interface.stack.tcp.send(handle, bytes)
        } catch {
            throw StreamError(.write, code: 32, description: "write: connection closed")
        }
        if count < bytes.count { writeHint = false }
        if count > 0 { interface.afterInput(now: interface.loop.now) }
        return count
    }

    public func watch(token: UInt64, readable: Bool, writable: Bool) throws(StreamError) {
        if let old = self.token, old != token { interface.soft.unwatch(token: old) }
        self.token = token
        interface.soft.watch(self, token: token, readable: readable, writable: writable)
    }

    /// Closes gracefully: buffered data and then FIN go out; the stack finishes the
    /// close (and TIME_WAIT) on its own.
    public func close() {
        if let token { interface.soft.unwatch(token: token) }
        token = nil
        guard endReason == nil else { return }
        endReason = .normal
        interface.stack.tcp.close(handle)
        interface.streams[handle.key] = nil
        interface.afterInput(now: interface.loop.now)
    }

    public var peerName: String? {
        interface.readStack { $0.tcp.remoteEndpoint(handle) }.map { $0.address.description + ":" + String($0.port) }
    }

    public func currentReadiness() -> (readable: Bool, writable: Bool, closed: Bool) {
        let failed = endReason.map { $0 != .normal } ?? false
        return (readHint || endReason != nil, connected && writeHint, failed)
    }

    public var isConnecting: Bool { !connected && endReason == nil }

    public func finishConnect() throws(StreamError) {
        if let endReason, !connected { throw Self.error(.connect, endReason) }
    }

    /// The stack released the connection.
    func ended(_ reason: TCPCloseReason) {
        if endReason == nil { endReason = reason }
        readHint = true
    }

    private static func error(_ operation: StreamError.Operation, _ reason: TCPCloseReason) -> StreamError {
        switch reason {
        case .reset: StreamError(operation, code: 104, description: "connection reset by peer")
        case .timedOut: StreamError(operation, code: 110, description: "connection timed out")
        case .refused: StreamError(operation, code: 111, description: "connection refused")
        case .unreachable: StreamError(operation, code: 113, description: "no route to host")
        case .aborted: StreamError(operation, code: 103, description: "connection aborted")
        case .normal: StreamError(operation, code: 32, description: "connection closed")
        }
    }
}

/// A listening port of our own TCP as a `StreamListener`.
public final class NetTCPListener<Device: FrameDevice, P: Platform>: StreamListener, ReadinessSource {
    public let id: TCPListenerID
    let interface: NetInterface<Device, P>
    var hasWaiting = false
    private var token: UInt64?

    /// Listens on `port` of the interface's address.
    public init(port: UInt16, interface: NetInterface<Device, P>) throws(StreamError) {
        do throws(TCPError) {
            id = try interface.stack.tcp.listen(port: port)
        } catch {
            throw StreamError(.listen, code: 98, description: "listen on port " + String(port) + ": port in use")
        }
        self.interface = interface
        interface.listeners[UInt64(port)] = self
    }

    public var port: UInt16 { id.port }

    public func watch(token: UInt64) throws(StreamError) {
        if let old = self.token, old != token { interface.soft.unwatch(token: old) }
        self.token = token
        interface.soft.watch(self, token: token, readable: true, writable: false)
    }

    public func unwatch() {
        if let token { interface.soft.unwatch(token: token) }
        token = nil
    }

    public func accept() throws(StreamError) -> NetTCPStream<Device, P>? {
        guard let handle = interface.stack.tcp.accept(id) else {
            hasWaiting = false
            return nil
        }
        let stream = NetTCPStream(handle: handle, interface: interface, connected: true)
        interface.streams[handle.key] = stream
        return stream
    }

    public func close() {
        unwatch()
        interface.stack.tcp.stopListening(id)
        interface.listeners[UInt64(id.port)] = nil
    }

    public func currentReadiness() -> (readable: Bool, writable: Bool, closed: Bool) {
        (hasWaiting, false, false)
    }
}

extension NetInterface {
    /// Opens a connection to `address:port` from the interface's address; it becomes
    /// writable once the handshake completes.
    public func connect(to address: IPv4Address, port: UInt16) throws(StreamError) -> NetTCPStream<Device, P> {
        let now = loop.now
        let handle: TCPHandle
        do throws(TCPError) {
            handle = try stack.tcp.connect(from: stack.address, to: address, port: port, now: now)
        } catch {
            throw StreamError(.connect, code: 99, description: "connect: no free connection or port")
        }
        let stream = NetTCPStream(handle: handle, interface: self, connected: false)
        streams[handle.key] = stream
        afterInput(now: now)
        return stream
    }
}
