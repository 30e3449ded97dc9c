import Devices
import Scheduler

/// The small TCP services `ofnet` and the network unikernel image offer for measurement
/// and demos, over any stream listener: echo (RFC 862: everything back), discard (RFC 863: everything counted and
/// dropped) and chargen (RFC 864: the rotating 72-character lines, as fast as the peer
/// takes them). Each connection is served as far as its readiness allows, with a
/// bounded backlog for echo, so a peer that sends without reading is pushed back on.
public final class ServiceHost<Listener: StreamListener, P: Platform> {
    public enum Service: String {
        case echo, discard, chargen
    }

    private struct Session {
        let stream: Listener.Stream
        let service: Service
        /// Echo bytes read but not yet written back.
        var backlog: [UInt8] = []
        /// Where in the chargen pattern the next write starts.
        var offset = 0
        var watchingReadable = true
        var watchingWritable = false
        /// The peer sent FIN: echo finishes writing its backlog, then closes.
        var peerClosed = false
    }

    private let loop: RunLoop<P>
    private var listeners: [(service: Service, listener: Listener)] = []
    private var sessions: [Session?] = []
    private var free: [Int] = []
    private let scratch: UnsafeMutableRawBufferPointer
    private let pattern: [UInt8]
    /// Totals for the status line.
    public private(set) var connections = 0
    public private(set) var bytesIn: UInt64 = 0
    public private(set) var bytesOut: UInt64 = 0
    public private(set) var lastError: String?

    private static var firstListenerToken: UInt64 { 1 << 40 }
    private static var firstSessionToken: UInt64 { 1 << 41 }
    private static var backlogLimit: Int { 1 << 18 }

    public init(loop: RunLoop<P>) {
        self.loop = loop
        scratch = .allocate(byteCount: 1 << 16, alignment: 16)
        pattern = Self.chargenPattern()
    }

    deinit { scratch.deallocate() }

    public func serve(_ service: Service, on listener: Listener) throws(StreamError) {
        let token = Self.firstListenerToken + UInt64(listeners.count)
        let index = listeners.count
        listeners.append((service, listener))
        try listener.watch(token: token)
        loop.register(token: token) { _ in self.acceptAll(index) }
    }

    private func acceptAll(_ index: Int) {
        let (service, listener) = listeners[index]
        while true {
            let accepted: Listener.Stream?
            do throws(StreamError) { accepted = try listener.accept() } catch {
                lastError = error.description
                return
            }
            guard let stream = accepted else { return }
            open(stream, service)
        }
    }

    private func open(_ stream: Listener.Stream, _ service: Service) {
        let slot: Int
        if let reused = free.popLast() { slot = reused } else {
            sessions.append(nil)
            slot = sessions.count - 1
        }
        var session = Session(stream: stream, service: service)
        session.watchingWritable = service == .chargen
        sessions[slot] = session
        connections += 1
        let token = Self.firstSessionToken + UInt64(slot)
        do throws(StreamError) {
            try stream.watch(token: token, readable: true, writable: session.watchingWritable)
        } catch {
            close(slot, error.description)
            return
        }
        loop.register(token: token) { ready in self.serve(slot, ready) }
    }

    private func serve(_ slot: Int, _ ready: Readiness) {
        guard var session = sessions[slot] else { return }
        do throws(StreamError) {
            if ready.writable || !session.backlog.isEmpty { try write(&session) }
            if (ready.readable || ready.closed) && !session.peerClosed {
                session.peerClosed = try !read(&session)
            }
            if session.peerClosed && session.backlog.isEmpty {
                sessions[slot] = session
                close(slot, nil)
                return
            }
            let readable = !session.peerClosed && session.backlog.count < Self.backlogLimit
            let writable = session.service == .chargen || !session.backlog.isEmpty
            if readable != session.watchingReadable || writable != session.watchingWritable {
                try session.stream.watch(token: Self.firstSessionToken + UInt64(slot), readable: readable, writable: writable)
                session.watchingReadable = readable
                session.watchingWritable = writable
            }
            sessions[slot] = session
        } catch {
            sessions[slot] = session
            close(slot, error.description)
        }
    }

    /// Reads what is waiting (a bounded amount); false once the peer has closed.
    private func read(_ session: inout Session) throws(StreamError) -> Bool {
        for _ in 0..<16 {
            guard session.backlog.count < Self.backlogLimit else { return true }
            switch try session.stream.read(into: scratch) {
            case .bytes(let count):
                bytesIn &+= UInt64(count)
                if session.service == .echo {
                    session.backlog.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<count]))
                    try write(&session)
                }
            case .wouldBlock:
                return true
            case .closed:
                return false
            }
        }
        return true
    }

    private func write(_ session: inout Session) throws(StreamError) {
        switch session.service {
        case .echo:
            guard !session.backlog.isEmpty else { return }
            let stream = session.stream
            let written = try session.backlog.withUnsafeBytes { bytes in
                Result { () throws(StreamError) -> Int in try stream.write(from: bytes) }
            }.get()
            session.backlog.removeFirst(written)
            bytesOut &+= UInt64(written)
        case .chargen:
            // The pattern is stored twice over, so any offset has a line's worth after it.
            let stream = session.stream
            while true {
                let offset = session.offset
                let written = try pattern.withUnsafeBytes { bytes in
                    Result { () throws(StreamError) -> Int in
                        try stream.write(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Self.chargenCycle]))
                    }
                }.get()
                bytesOut &+= UInt64(written)
                session.offset = (offset + written) % Self.chargenCycle
                if written < Self.chargenCycle { return }
            }
        case .discard:
            return
        }
    }

    private func close(_ slot: Int, _ reason: String?) {
        guard let session = sessions[slot] else { return }
        if let reason { lastError = reason }
        loop.deregister(token: Self.firstSessionToken + UInt64(slot))
        session.stream.close()
        sessions[slot] = nil
        free.append(slot)
        connections -= 1
    }

    /// RFC 864's lines: 72 printable characters starting one later each line, CR LF.
    /// `chargenCycle` bytes repeat; the buffer holds two cycles.
    static var chargenCycle: Int { 95 * 74 }

    private static func chargenPattern() -> [UInt8] {
        var cycle: [UInt8] = []
        cycle.reserveCapacity(chargenCycle)
        for line in 0..<95 {
            for column in 0..<72 { cycle.append(UInt8(32 + (line + column) % 95)) }
            cycle.append(13)
            cycle.append(10)
        }
        return cycle + cycle
    }
}
