/// What the run loop needs from the machine underneath it: a monotonic clock, and a way
/// to sleep until an I/O source is ready or a deadline passes. Linux implements it with
/// epoll; the unikernel will with Xen event channels and `SCHEDOP_block`.
public protocol Platform {
    /// The monotonic clock.
    func now() -> Instant

    /// Blocks until at least one registered source is ready or `deadline` passes (nil:
    /// no deadline; a deadline in the past: just poll), then reports each ready source.
    mutating func wait(until deadline: Instant?, _ ready: (Readiness) -> Void)
}

/// One ready I/O source, named by the token it was registered with.
public struct Readiness: Hashable, Sendable {
    public var token: UInt64
    public var readable: Bool
    public var writable: Bool
    /// The peer hung up or the source failed; a read will tell which.
    public var closed: Bool

    public init(token: UInt64, readable: Bool, writable: Bool, closed: Bool) {
        self.token = token
        self.readable = readable
        self.writable = writable
        self.closed = closed
    }
}
