import OpenFlow
import Scheduler

/// Polls every datapath for flow and port stats each `interval` and logs one summary
/// line per datapath when both answers are in:
/// `stats 0000000000000001: 12 flows, 340 packets, 33320 bytes; 3 ports, rx 170/16660 tx 170/16660 packets/bytes, 0 dropped, 0 errors`.
/// It consumes the replies (and errors) to its own requests and nothing else.
public struct StatsMonitor: ControllerApp {
    public let interval: Interval
    private var nextPoll: Instant?
    private var polls: [DatapathID: Poll] = [:]

    /// One round of requests to one datapath and the answers so far.
    private struct Poll {
        var flowXID: UInt32?
        var portXID: UInt32?
        var flowSummary: String?
        var portSummary: String?
    }

    public init(interval: Interval = .seconds(10)) {
        self.interval = interval
    }

    public var tickDeadline: Instant? { nextPoll }

    public mutating func tick(_ context: inout AppContext) {
        let datapaths = context.datapathIDs
        nextPoll = datapaths.isEmpty ? nil : context.now + interval
        for datapath in datapaths {
            let flowXID = context.send(.statsRequest(StatsRequest(.flow(FlowStatsRequest()))), to: datapath)
            let portXID = context.send(.statsRequest(StatsRequest(.port(.none))), to: datapath)
            polls[datapath] = Poll(flowXID: flowXID, portXID: portXID)
        }
    }

    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        switch event {
        case .datapathUp:
            if nextPoll == nil { nextPoll = context.now + interval }
        case .datapathDown(let datapath):
            polls[datapath] = nil
        case .statsReply(let datapath, let xid, let body):
            guard var poll = polls[datapath], xid == poll.flowXID || xid == poll.portXID else { break }
            switch body {
            case .flow(let entries): poll.flowSummary = Self.summary(entries)
            case .port(let entries): poll.portSummary = Self.summary(entries)
            default: break
            }
            if let flows = poll.flowSummary, let ports = poll.portSummary {
                context.log(.info, "stats " + datapath.description + ": " + flows + "; " + ports)
                polls[datapath] = nil
            } else {
                polls[datapath] = poll
            }
            return .consumed
        case .error(let datapath, let xid, let error, _):
            guard let poll = polls[datapath], xid == poll.flowXID || xid == poll.portXID else { break }
            context.log(.warning, "stats " + datapath.description + ": request refused: " + error.code.specName)
            polls[datapath] = nil
            return .consumed
        case .requestFailed(let datapath, let xid, _, _):
            guard let poll = polls[datapath], xid == poll.flowXID || xid == poll.portXID else { break }
            context.log(.warning, "stats " + datapath.description + ": no answer")
            polls[datapath] = nil
            return .consumed
        default:
            break
        }
        return .continue
    }

    private static func summary(_ flows: [FlowStats]) -> String {
        var packets: UInt64 = 0
        var bytes: UInt64 = 0
        for flow in flows {
            packets &+= flow.packetCount
            bytes &+= flow.byteCount
        }
        return String(flows.count) + " flows, " + String(packets) + " packets, " + String(bytes) + " bytes"
    }

    private static func summary(_ ports: [PortStats]) -> String {
        var rx: (packets: UInt64, bytes: UInt64) = (0, 0)
        var tx: (packets: UInt64, bytes: UInt64) = (0, 0)
        var dropped: UInt64 = 0
        var errors: UInt64 = 0
        for port in ports {
            rx.packets &+= port.rxPackets
            rx.bytes &+= port.rxBytes
            tx.packets &+= port.txPackets
            tx.bytes &+= port.txBytes
            dropped &+= port.rxDropped &+ port.txDropped
            errors &+= port.rxErrors &+ port.txErrors
        }
        return String(ports.count) + " ports, rx " + String(rx.packets) + "/" + String(rx.bytes)
            + " tx " + String(tx.packets) + "/" + String(tx.bytes) + " packets/bytes, "
            + String(dropped) + " dropped, " + String(errors) + " errors"
    }
}
