import Glibc

/// A joinable POSIX thread running one closure. Each controller loop gets one, so the
/// loops share nothing but their published counters.
struct LoopThread {
    private let thread: pthread_t

    /// Starts `body` on a new thread.
    init(_ body: @escaping @Sendable () -> Void) {
        final class Box {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        guard status == 0 else { fatalError("pthread_create: \(String(cString: strerror(status)))") }
        self.thread = thread
    }

    func join() {
        _ = pthread_join(thread, nil)
    }
}

/// Hands a value that is not `Sendable` to exactly one other thread, which becomes its
/// only user (the creating thread lets go of it after the hand-over).
struct Handover<Value>: @unchecked Sendable {
    let value: Value
}
