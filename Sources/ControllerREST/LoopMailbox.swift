import Controller
import Glibc
import Synchronization

/// The HTTP threads' way into the single-threaded controller loop: a bounded queue of
/// commands and a pipe whose read end the loop watches in its epoll, so the loop wakes
/// for a call without polling and stays the only owner of the core. Each call waits
/// (suspended, not blocking a thread) for the loop's answer or for `timeout`.
public final class LoopMailbox: Sendable {
    /// Watched by the loop: readable while commands wait.
    public let readFD: Int32
    private let writeFD: Int32
    private let capacity: Int
    private let timeout: Duration
    private let state = Mutex(State())

    /// A call waiting for its answer, and the timer that ends the wait.
    private struct Waiter {
        let continuation: CheckedContinuation<LoopAnswer, Never>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var queue: [(ticket: UInt64, command: LoopCommand)] = []
        var waiting: [UInt64: Waiter] = [:]
        var nextTicket: UInt64 = 1
    }

    /// No pipe could be made (out of descriptors): the errno.
    public struct PipeError: Error, CustomStringConvertible {
        public let code: Int32
        public var description: String { "pipe: " + String(cString: strerror(code)) }
    }

    public init(capacity: Int = 64, timeout: Duration = .seconds(5)) throws(PipeError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw PipeError(code: errno) }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        readFD = fds[0]
        writeFD = fds[1]
        self.capacity = capacity
        self.timeout = timeout
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    // MARK: HTTP side

    /// Queues `command` for the loop and waits for its answer: `.failed(.busy)` at once
    /// when the queue is full, `.failed(.timedOut)` after `timeout`.
    public func ask(_ command: LoopCommand) async -> LoopAnswer {
        await withCheckedContinuation { continuation in
            let ticket: UInt64? = state.withLock { state in
                guard state.queue.count < capacity else { return nil }
                let ticket = state.nextTicket
                state.nextTicket += 1
                state.queue.append((ticket, command))
                state.waiting[ticket] = Waiter(continuation: continuation)
                return ticket
            }
            guard let ticket else {
                continuation.resume(returning: .failed(.busy))
                return
            }
            var byte: UInt8 = 1
            _ = write(writeFD, &byte, 1)  // a full pipe already wakes the loop
            let timeout = timeout
            let timer = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self.answer(ticket, .failed(.timedOut))
            }
            // Cancelled by the answer, or at once if the answer came first.
            let answered = state.withLock { state in
                state.waiting[ticket]?.timer = timer
                return state.waiting[ticket] == nil
            }
            if answered { timer.cancel() }
        }
    }

    // MARK: Loop side

    /// Everything queued, oldest first, emptying the pipe.
    public func takeCommands() -> [(ticket: UInt64, command: LoopCommand)] {
        var sink = [UInt8](repeating: 0, count: 256)
        while read(readFD, &sink, sink.count) > 0 {}
        return state.withLock { state in
            defer { state.queue.removeAll(keepingCapacity: true) }
            return state.queue
        }
    }

    /// Resumes the call waiting on `ticket`; a no-op once it was answered or timed out.
    public func answer(_ ticket: UInt64, _ answer: LoopAnswer) {
        guard let waiter = state.withLock({ $0.waiting.removeValue(forKey: ticket) }) else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(returning: answer)
    }

    /// A request bridge whose answers come back to this mailbox's callers.
    public func makeBridge() -> RequestBridge {
        RequestBridge { ticket, outcome in self.answer(ticket, LoopAnswer(outcome)) }
    }
}
