import Foundation
import Logging
import OpenFlow
import Scheduler
import Switch
import SwitchHost

/// A switch loop on a thread of its own with in-memory ports, for tests that play the
/// hosts (through `MemoryPort.Peer`) and the controller (over loopback TCP).
final class LoopHarness: @unchecked Sendable {
    // Set in init; the loop is used from its own thread after that, except `stop`.
    let loop: SwitchLoop
    let peers: [MemoryPort.Peer]
    private let done = DispatchSemaphore(value: 0)

    init(ports count: Int, controllers: [Endpoint] = [], listen: Bool = true, fail: FailMode = .secure) throws {
        var ports: [any FramePort] = []
        var peers: [MemoryPort.Peer] = []
        for index in 1...count {
            let pair = MemoryPort.pair(name: "mem\(index)", hardwareAddress: [0x02, 0, 0, 0, 0, UInt8(index)])
            ports.append(pair.port)
            peers.append(pair.peer)
        }
        var agent = AgentSettings()
        agent.failMode = fail
        agent.reconnectInitial = .milliseconds(50)
        let options = SwitchLoop.Options(listen: listen ? Endpoint(kind: .passive, host: "127.0.0.1", port: 0) : nil)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        loop = try SwitchLoop(
            datapath: DatapathSettings(), agent: agent, controllers: controllers, ports: ports, options: options, logger: logger)
        self.peers = peers
    }

    func start() {
        let thread = Thread { [self] in
            loop.run()
            done.signal()
        }
        thread.start()
    }

    /// Stops the loop and waits for it to finish shutting down.
    func finish() {
        loop.stop()
        done.wait()
    }
}

/// A blocking loopback OpenFlow peer with a receive timeout: the test's controller or
/// ovs-ofctl.
final class OpenFlowPeer {
    let fd: Int32
    private var framer = Framer()

    /// Connects to `port` on loopback.
    init(connectingTo port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else { throw POSIXError(.ECONNREFUSED) }
        setTimeout()
    }

    /// Accepts one connection on `listener` (a listening descriptor).
    init(accepting listener: Int32) throws {
        var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 5000) > 0 else { throw POSIXError(.ETIMEDOUT) }
        fd = accept(listener, nil, nil)
        guard fd >= 0 else { throw POSIXError(.ECONNABORTED) }
        setTimeout()
    }

    deinit { close(fd) }

    private func setTimeout() {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ message: Message, xid: UInt32 = 1) throws {
        let bytes = try OpenFlowMessage(xid: xid, message).encoded()
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// The next message, or nil on timeout or close.
    func receive() throws -> OpenFlowMessage? {
        while true {
            if let bytes = try framer.next() { return try OpenFlowMessage.decode(bytes) }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            framer.append(chunk[..<count])
        }
    }

    /// Receives until a message of `type` arrives (others are skipped); nil on timeout.
    func receive(_ type: MessageType) throws -> OpenFlowMessage? {
        while let message = try receive() {
            if message.type == type { return message }
        }
        return nil
    }
}

/// A blocking loopback listener on a port the kernel picks: the test's controller.
final class ListeningSocket {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }
}
