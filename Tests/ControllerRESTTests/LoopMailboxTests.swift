import Controller
import ControllerREST
import Glibc
import Testing

/// The mailbox between the HTTP threads and the loop: answers reach their caller, a
/// full queue says busy at once, and a call the loop never answers times out.
struct LoopMailboxTests {
    /// Waits until the pipe says commands are queued, and takes them, as the loop does.
    static func take(_ mailbox: LoopMailbox) async -> [(ticket: UInt64, command: LoopCommand)] {
        var poller = pollfd(fd: mailbox.readFD, events: Int16(POLLIN), revents: 0)
        while poll(&poller, 1, 0) == 0 { await Task.yield() }
        return mailbox.takeCommands()
    }

    @Test func theLoopsAnswerReachesTheCaller() async throws {
        let mailbox = try LoopMailbox()
        async let answer = mailbox.ask(.switches)
        let commands = await Self.take(mailbox)
        #expect(commands.count == 1)
        mailbox.answer(commands[0].ticket, .switches([DatapathID(7)]))
        guard case .switches(let datapaths) = await answer else {
            Issue.record("not the switches")
            return
        }
        #expect(datapaths == [DatapathID(7)])
        #expect(mailbox.takeCommands().isEmpty)
    }

    @Test func aFullQueueIsBusy() async throws {
        let mailbox = try LoopMailbox(capacity: 1, timeout: .milliseconds(200))
        async let first = mailbox.ask(.switches)
        _ = await Self.take(mailbox)  // now queued no more, but still waiting
        async let second = mailbox.ask(.switches)
        async let third = mailbox.ask(.switches)
        var busy = 0
        for answer in await [second, third] {
            if case .failed(.busy) = answer { busy += 1 }
        }
        // The queue holds one: the second call took the place, the third was refused,
        // or the other way round.
        #expect(busy == 1)
        guard case .failed(.timedOut) = await first else {
            Issue.record("the unanswered call did not time out")
            return
        }
    }

    @Test func anAnswerAfterTheTimeoutIsDropped() async throws {
        let mailbox = try LoopMailbox(timeout: .milliseconds(50))
        async let answer = mailbox.ask(.topology)
        let commands = await Self.take(mailbox)
        guard case .failed(.timedOut) = await answer else {
            Issue.record("no timeout")
            return
        }
        mailbox.answer(commands[0].ticket, .sent)  // late: a no-op
    }
}
