/// A listening port: connections whose handshake completed wait here for `accept`.
/// Half-open and waiting connections together are bounded by `TCPLimits.synBacklog`.
struct TCPListener {
    let port: UInt16
    /// Completed connections, oldest first.
    private(set) var waiting: [TCPHandle] = []
    /// Connections of this listener still in SYN-RECEIVED.
    var halfOpen = 0
    /// The `TCPSynCookie` counter when this listener last sent a cookie: ACKs are checked
    /// as cookies only shortly after (as Linux does), not as a standing target.
    var cookieCounter: UInt64?

    init(port: UInt16, backlog: Int) {
        self.port = port
        waiting.reserveCapacity(backlog)
    }

    var pending: Int { waiting.count &+ halfOpen }

    mutating func enqueue(_ handle: TCPHandle) { waiting.append(handle) }

    mutating func dequeue() -> TCPHandle? {
        guard !waiting.isEmpty else { return nil }
        return waiting.removeFirst()
    }

    mutating func remove(_ handle: TCPHandle) {
        if let i = waiting.firstIndex(of: handle) { waiting.remove(at: i) }
    }
}
