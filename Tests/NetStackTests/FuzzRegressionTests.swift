import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

/// What the NetStack fuzz target (`scripts/fuzz.sh --netstack`, Fuzz/NetStackFuzz.swift)
/// found, each as a small deterministic test on two stacks (`TwoStacks`).
@Suite struct FuzzRegressionTests {
    /// Found by the fuzzer's "no deadline before the last tick" check (input
    /// `ACYAIjIiGgcAAiIlMkgAJgAiMiIaBwACIiUySQAiMvgAFwADGQAElQAiMvgAFwADGQAElQ==`, base64):
    /// B, in CLOSE_WAIT, queues 100 bytes and calls `close` before they are
    /// transmitted. `TCPLayer.close` settled the slot with `now: .zero`, so
    /// `TCPConnection.refreshTimers` armed the persist timer at `Instant.zero` + RTO
    /// (0.2 s) while the clock was at 1000 s: a deadline in the past, which fires at the
    /// next tick (an early probe, counted against `maxRetransmissions`). Fixed by 311aeea
    /// (application calls arm timers from the layer's latest clock).
    @Test func closeWithUnsentDataArmsNoTimerInThePast() throws {
        var wire = TwoStacks()
        wire.now = Net.seconds(1000)
        let listener = try wire.b.tcp.listen(port: 6633)
        let client = try wire.a.tcp.connect(from: Net.ipA, to: Net.ipB, port: 6633, now: wire.now)
        wire.run()
        let accepted = wire.b.tcp.accept(listener)
        let server = try #require(accepted)
        wire.advance(to: Net.seconds(1000.08))
        wire.a.tcp.shutdownWrite(client)
        wire.run()
        #expect(wire.b.tcp.state(server) == .closeWait)

        let data = [UInt8](repeating: 7, count: 100)
        let taken = try data.withUnsafeBytes { bytes throws(TCPError) in try wire.b.tcp.send(server, bytes) }
        #expect(taken == 100)
        wire.b.tcp.close(server)
        let deadline = try #require(wire.b.nextDeadline)
        #expect(deadline >= wire.now, "B's next deadline \(deadline.nanoseconds) ns is before now \(wire.now.nanoseconds) ns")

        // And the close completes: the data and the FIN reach A.
        wire.run()
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = try buffer.withUnsafeMutableBytes { bytes throws(TCPError) in try wire.a.tcp.read(client, into: bytes) }
        #expect(count == 100)
        #expect(wire.a.tcp.isReadClosed(client))
    }

    /// The same class through `read`: keepalive set on an idle established connection,
    /// then a read. `TCPLayer.read` settled with `now: .zero`, so the keepalive deadline
    /// became `Instant.zero` + idle, long past.
    @Test func keepAliveThenReadArmsNoTimerInThePast() throws {
        var wire = TwoStacks()
        wire.now = Net.seconds(1000)
        let listener = try wire.b.tcp.listen(port: 80)
        let client = try wire.a.tcp.connect(from: Net.ipA, to: Net.ipB, port: 80, now: wire.now)
        wire.run()
        let accepted = wire.b.tcp.accept(listener)
        let server = try #require(accepted)
        let data = [UInt8](repeating: 1, count: 10)
        _ = try data.withUnsafeBytes { bytes throws(TCPError) in try wire.b.tcp.send(server, bytes) }
        wire.advance(to: Net.seconds(1001))
        wire.a.tcp.setKeepAlive(client, idle: .seconds(5))
        var buffer = [UInt8](repeating: 0, count: 100)
        let count = try buffer.withUnsafeMutableBytes { bytes throws(TCPError) in try wire.a.tcp.read(client, into: bytes) }
        #expect(count == 10)
        let deadline = try #require(wire.a.nextDeadline)
        #expect(deadline >= wire.now, "A's next deadline \(deadline.nanoseconds) ns is before now \(wire.now.nanoseconds) ns")
    }
}
