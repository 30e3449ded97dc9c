import Controller
import OpenFlow
import Scheduler
import Testing

/// The request bridge answers the ticket of each request it tracks: the reply, the
/// switch's error, or the loss of the datapath; and leaves other replies to the chain.
struct RequestBridgeTests {
    typealias Sim = Simulation<[BuiltinApp]>
    static let datapath = DatapathID(1)

    /// What the bridge delivered, in order.
    final class Answers {
        var seen: [(UInt64, String)] = []
    }

    static func bridged(_ answers: Answers) -> Sim {
        Sim([.requestBridge(RequestBridge { ticket, outcome in
            switch outcome {
            case .reply(let body): answers.seen.append((ticket, "reply \(body.type)"))
            case .refused(let error): answers.seen.append((ticket, "refused \(error.code.specName)"))
            case .lost: answers.seen.append((ticket, "lost"))
            }
        })])
    }

    static func request(_ body: StatsRequest.Body, ticket: UInt64, _ sim: inout Sim) throws -> UInt32 {
        let xid = try #require(sim.core.withContext(now: sim.now) { $0.send(.statsRequest(StatsRequest(body)), to: datapath) })
        let tracked = sim.core.app[0].track(xid, to: datapath, ticket: ticket)
        #expect(tracked)
        sim.run()
        return xid
    }

    @Test func replyAnswersItsTicket() throws {
        let answers = Answers()
        var sim = Self.bridged(answers)
        sim.connect(FakeSwitch(datapathID: 1))
        _ = try Self.request(.port(.none), ticket: 7, &sim)
        _ = try Self.request(.desc, ticket: 8, &sim)
        #expect(answers.seen.map(\.0) == [7, 8])
        #expect(answers.seen.map(\.1) == ["reply \(StatsType.port)", "reply \(StatsType.desc)"])
    }

    @Test func refusalAnswersItsTicket() throws {
        let answers = Answers()
        var sim = Self.bridged(answers)
        var fake = FakeSwitch(datapathID: 1)
        fake.statsReply = { _ in [] }
        let id = sim.connect(fake)
        let xid = try Self.request(.table, ticket: 3, &sim)
        sim.withSwitch(id) { $0.send(.error(ErrorMessage(code: .badStat, answering: [])), xid: xid) }
        sim.run()
        #expect(answers.seen.map(\.0) == [3])
        #expect(answers.seen[0].1.hasPrefix("refused"))
    }

    @Test func datapathDownLosesItsTickets() throws {
        let answers = Answers()
        var sim = Self.bridged(answers)
        var fake = FakeSwitch(datapathID: 1)
        fake.statsReply = { _ in [] }
        let id = sim.connect(fake)
        _ = try Self.request(.table, ticket: 4, &sim)
        #expect(answers.seen.isEmpty)
        sim.disconnect(id)
        #expect(answers.seen.map(\.0) == [4])
        #expect(answers.seen[0].1 == "lost")
    }

    @Test func onlyTheBridgeTracks() {
        var monitor = BuiltinApp.statsMonitor(StatsMonitor())
        let tracked = monitor.track(1, to: Self.datapath, ticket: 1)
        #expect(!tracked)
    }
}
