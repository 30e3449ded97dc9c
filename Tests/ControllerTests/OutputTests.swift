import Controller
import OpenFlow
import Testing

/// The output side of the I/O contract: partial writes keep the rest, in order.
struct OutputTests {
    @Test func partialWritesKeepTheRestInOrder() throws {
        var core = ControllerCore(app: Hub())
        let id = ConnectionID(1)
        core.connectionOpened(id, now: .zero)
        let hello = try OpenFlowMessage(xid: 1, .hello(Hello())).encoded()
        let echo = try OpenFlowMessage(xid: 2, .echoRequest(Echo(payload: ArraySlice(repeating: 7, count: 100)))).encoded()
        core.receive(id, (hello + echo)[...], now: .zero)
        let total = core.outputCount(id)
        var written: [UInt8] = []
        while core.hasOutput(id) {
            core.withOutput(id) { unsent in
                let taken = min(3, unsent.count)
                written += unsent.prefix(taken)
                return taken
            }
        }
        #expect(written.count == total)
        var framer = Framer()
        framer.append(written[...])
        var types: [MessageType] = []
        while let message = try framer.next() { types.append(try OpenFlowMessage.decode(message).type) }
        #expect(types == [.hello, .featuresRequest, .echoReply])
    }

    /// The I/O layer may hand in a pointer to its read buffer.
    @Test func receiveFromARawBuffer() throws {
        var core = ControllerCore(app: Hub())
        let id = ConnectionID(1)
        core.connectionOpened(id, now: .zero)
        let hello = try OpenFlowMessage(xid: 1, .hello(Hello())).encoded()
        hello.withUnsafeBytes { core.receive(id, $0, now: .zero) }
        core.withOutput(id) { $0.count }
        #expect(!core.hasOutput(id))
        let features = try OpenFlowMessage(xid: 2, .featuresReply(FakeSwitch(datapathID: 4).features)).encoded()
        features.withUnsafeBytes { core.receive(id, $0, now: .zero) }
        #expect(core.counters.switches == 1)
    }

    @Test func closedConnectionHasNoOutput() {
        var core = ControllerCore(app: Hub())
        core.connectionOpened(ConnectionID(1), now: .zero)
        core.connectionClosed(ConnectionID(1), now: .zero)
        #expect(!core.hasOutput(ConnectionID(1)))
        #expect(core.nextClosure() == nil)
        #expect(core.counters.connections == 0)
    }

    /// The I/O layer writes only what `nextQueuedOutput` names after a turn: every
    /// connection that queued output since it last asked, once, and none it wrote empty
    /// or that closed in between.
    @Test func queuedOutputNamesEachConnectionWithOutputOnce() throws {
        var core = ControllerCore(app: Hub())
        let ids = [ConnectionID(1), ConnectionID(2), ConnectionID(3), ConnectionID(4)]
        for id in ids { core.connectionOpened(id, now: .zero) }
        #expect(Self.queued(&core) == Set(ids))
        #expect(core.nextQueuedOutput() == nil)

        let echo = try OpenFlowMessage(xid: 9, .echoRequest(Echo())).encoded()
        // Output added to output already taken (not written): named again.
        core.receive(ids[0], echo[...], now: .zero)
        core.receive(ids[0], echo[...], now: .zero)
        // Written empty before the I/O layer asked: not named.
        core.receive(ids[1], echo[...], now: .zero)
        while core.hasOutput(ids[1]) { core.withOutput(ids[1]) { $0.count } }
        // Closed before it asked: not named.
        core.receive(ids[2], echo[...], now: .zero)
        core.connectionClosed(ids[2], now: .zero)
        // Written empty, then new output, many times over: named once (and listed once,
        // which the allocation benchmarks hold: they never ask).
        for _ in 0..<100 {
            while core.hasOutput(ids[3]) { core.withOutput(ids[3]) { $0.count } }
            core.receive(ids[3], echo[...], now: .zero)
        }
        #expect(Self.queued(&core) == [ids[0], ids[3]])
    }

    static func queued(_ core: inout ControllerCore<Hub>) -> Set<ConnectionID> {
        var named: [ConnectionID] = []
        while let id = core.nextQueuedOutput() { named.append(id) }
        #expect(named.count == Set(named).count, "a connection named twice")
        return Set(named)
    }
}
