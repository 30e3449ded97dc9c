import OpenFlow
import Wire

/// What an emulated switch says about itself, modelled on cbench's: 256 buffers, two
/// tables, every OF1.0 action, and four copper 10 Gb/s ports.
enum SwitchDescription {
    static func features(datapathID: UInt64) -> SwitchFeatures {
        let ports = (1...4).map { number in
            PhyPort(
                portNumber: PortNumber(UInt16(number)),
                hardwareAddress: MACAddress(0x02, 0, 0, UInt8(truncatingIfNeeded: datapathID), 0, UInt8(number)),
                name: "veth" + String(2 * number - 1),
                current: [.copper, .rate10GbFD])
        }
        return SwitchFeatures(
            datapathID: datapathID, bufferCount: 256, tableCount: 2, capabilities: [],
            actions: 0x7FF, ports: ports)
    }

    static let desc = DescStats(
        manufacturer: "ofbench - controller I/O benchmark",
        hardware: "emulated switch", software: "ofbench (cbench-compatible)",
        serialNumber: "none", datapath: "none")

    /// A minimal answer to each stats request, so a controller that asks is not left
    /// waiting: the description, and empty or zero counters for the rest.
    static func statsReply(to request: StatsRequest) -> Message {
        switch request.body {
        case .desc: .statsReply(StatsReply(.desc(desc)))
        case .flow: .statsReply(StatsReply(.flow([])))
        case .aggregate: .statsReply(StatsReply(.aggregate(AggregateStats(packetCount: 0, byteCount: 0, flowCount: 0))))
        case .table: .statsReply(StatsReply(.table([])))
        case .port: .statsReply(StatsReply(.port([])))
        case .queue: .statsReply(StatsReply(.queue([])))
        case .vendor: .error(ErrorMessage(code: .badVendor))
        }
    }
}
