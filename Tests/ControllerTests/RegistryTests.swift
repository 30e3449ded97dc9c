import Controller
import OpenFlow
import Testing

/// The datapath registry: features on the way up, ports kept by PORT_STATUS.
struct RegistryTests {
    typealias Sim = Simulation<Recorder>

    @Test func featuresAreRecorded() {
        var sim = Sim(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 0x00AB_CDEF_0000_0001, portCount: 4, bufferCount: 256))
        let info = sim.core.datapath(DatapathID(0x00AB_CDEF_0000_0001))
        #expect(info?.connection == id)
        #expect(info?.bufferCount == 256)
        #expect(info?.tableCount == 1)
        #expect(info?.capabilities == [.flowStats, .portStats])
        #expect(info?.ports.map(\.portNumber) == (1...4).map { PortNumber($0) })
        #expect(info?.port(PortNumber(2))?.name == "eth2")
        #expect(DatapathID(0x00AB_CDEF_0000_0001).description == "00abcdef00000001")
    }

    @Test func portStatusUpdatesThePortsThenReachesApps() {
        var sim = Sim(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 1, portCount: 2))
        let datapath = DatapathID(1)
        sim.withSwitch(id) {
            $0.send(.portStatus(PortStatus(reason: .add, port: FakeSwitch.port(5))))
            $0.send(.portStatus(PortStatus(reason: .modify, port: FakeSwitch.port(1, state: .linkDown))))
            $0.send(.portStatus(PortStatus(reason: .delete, port: FakeSwitch.port(2))))
        }
        sim.run()
        let info = sim.core.datapath(datapath)
        #expect(info?.ports.map(\.portNumber) == [PortNumber(1), PortNumber(5)])
        #expect(info?.port(PortNumber(1))?.state == .linkDown)
        #expect(
            sim.core.app.seen.dropFirst() == [
                .portStatus(datapath, .add, PortNumber(5)),
                .portStatus(datapath, .modify, PortNumber(1)),
                .portStatus(datapath, .delete, PortNumber(2)),
            ])
    }

    @Test func flowRemovedReachesApps() {
        var sim = Sim(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 1))
        let removed = FlowRemoved(
            match: Match(), cookie: 7, priority: 100, reason: .idleTimeout, durationSeconds: 60,
            durationNanoseconds: 0, idleTimeout: 60, packetCount: 3, byteCount: 180)
        sim.withSwitch(id) { $0.send(.flowRemoved(removed)) }
        sim.run()
        #expect(sim.core.app.seen.last == .flowRemoved(DatapathID(1), removed))
    }

    @Test func registryListsDatapathsInOrder() {
        var sim = Sim(Recorder())
        for datapath: UInt64 in [30, 10, 20] { sim.connect(FakeSwitch(datapathID: datapath)) }
        let ids = sim.core.withContext(now: sim.now) { $0.datapathIDs }
        #expect(ids == [10, 20, 30].map { DatapathID($0) })
        #expect(sim.core.counters.switches == 3)
    }

    /// With `reportsRegistrations` (several cores sharing a registry), each datapath up
    /// is handed out once, and a datapath another core took over can be closed here.
    @Test func registrationsAreReportedAndADatapathCanBeDisconnected() {
        var settings = ControllerSettings()
        settings.reportsRegistrations = true
        var sim = Sim(Recorder(), settings: settings)
        let first = sim.connect(FakeSwitch(datapathID: 11))
        sim.connect(FakeSwitch(datapathID: 12))
        var reported: [DatapathID] = []
        sim.core.drainRegistered { reported.append($0) }
        #expect(reported == [DatapathID(11), DatapathID(12)])
        reported = []
        sim.core.drainRegistered { reported.append($0) }
        #expect(reported.isEmpty)

        let closed = sim.core.disconnect(DatapathID(11), reason: "replaced by a connection on loop 1", now: sim.now)
        sim.run()
        #expect(closed)
        #expect(sim.closedByCore == [first])
        #expect(sim.core.app.seen.last == .down(DatapathID(11)))
        #expect(sim.log.contains { $0.message.hasSuffix("replaced by a connection on loop 1") })
        let again = sim.core.disconnect(DatapathID(11), reason: "again", now: sim.now)
        #expect(!again)
        #expect(sim.core.counters.switches == 1)
    }

    @Test func registrationsAreNotKeptByDefault() {
        var sim = Sim(Recorder())
        sim.connect(FakeSwitch(datapathID: 13))
        var reported = 0
        sim.core.drainRegistered { _ in reported += 1 }
        #expect(reported == 0)
    }
}
