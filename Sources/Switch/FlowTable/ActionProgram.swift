import OpenFlow
import Wire

/// A validated action list, compiled to steps the datapath runs without looking at
/// vendor payloads or checking arguments again. The steps hold no references, so
/// running them retains nothing per step.
struct ActionProgram {
    enum Step {
        case output(PortNumber, maxLength: UInt16)
        case enqueue(PortNumber, queueID: UInt32)
        case setVLANVID(UInt16)
        case setVLANPCP(UInt8)
        case stripVLAN
        case setDLSrc(MACAddress)
        case setDLDst(MACAddress)
        case setNWSrc(IPv4Address)
        case setNWDst(IPv4Address)
        case setNWTOS(UInt8)
        case setTPSrc(UInt16)
        case setTPDst(UInt16)
    }

    /// Where the packet goes.
    let steps: [Step]
    /// The port of a program that is exactly one OUTPUT to a physical port: the
    /// forwarding fast path. 0 otherwise.
    let singleOutput: UInt16

    /// An empty program: drop.
    static let drop = ActionProgram(steps: [])

    private init(steps: [Step]) {
        self.steps = steps
        if steps.count == 1, case .output(let port, _) = steps[0], port.isPhysical {
            singleOutput = port.rawValue
        } else {
            singleOutput = 0
        }
    }

    /// Validates `actions` for this switch and compiles them.
    ///
    /// - OUTPUT: a physical port must exist (OFPBAC_BAD_OUT_PORT); IN_PORT, NORMAL,
    ///   FLOOD, ALL, CONTROLLER and LOCAL are always valid; TABLE only in a PACKET_OUT
    ///   (`inPacketOut`); OFPP_NONE and numbers between OFPP_MAX and the reserved ports
    ///   are not ports.
    /// - ENQUEUE: to an existing physical port or IN_PORT (OFPBAC_BAD_OUT_PORT); the
    ///   queue must be configured on a physical port (OFPBAC_BAD_QUEUE). Through IN_PORT
    ///   the queue is looked up per packet, and a packet whose port lacks it is dropped.
    /// - Arguments out of range: OFPBAC_BAD_ARGUMENT. Vendor actions: OFPBAC_BAD_VENDOR,
    ///   since this switch knows none.
    init(
        validating actions: [Action], inPacketOut: Bool,
        portExists: (PortNumber) -> Bool, queueExists: (PortNumber, UInt32) -> Bool
    ) throws(DatapathError) {
        var steps: [Step] = []
        steps.reserveCapacity(actions.count)
        for action in actions {
            switch action {
            case .output(let port, let maxLength):
                switch port {
                case .inPort, .normal, .flood, .all, .controller, .local: break
                case .table: guard inPacketOut else { throw DatapathError(.badOutPort) }
                default: guard port.isPhysical, portExists(port) else { throw DatapathError(.badOutPort) }
                }
                steps.append(.output(port, maxLength: maxLength))
            case .enqueue(let port, let queueID):
                if port != .inPort {
                    guard port.isPhysical, portExists(port) else { throw DatapathError(.badOutPort) }
                    guard queueExists(port, queueID) else { throw DatapathError(.badQueue) }
                }
                steps.append(.enqueue(port, queueID: queueID))
            case .setVLANVID(let vid):
                guard vid <= 0x0FFF else { throw DatapathError(.badActionArgument) }
                steps.append(.setVLANVID(vid))
            case .setVLANPCP(let pcp):
                guard pcp <= 7 else { throw DatapathError(.badActionArgument) }
                steps.append(.setVLANPCP(pcp))
            case .stripVLAN: steps.append(.stripVLAN)
            case .setDLSrc(let mac): steps.append(.setDLSrc(mac))
            case .setDLDst(let mac): steps.append(.setDLDst(mac))
            case .setNWSrc(let ip): steps.append(.setNWSrc(ip))
            case .setNWDst(let ip): steps.append(.setNWDst(ip))
            case .setNWTOS(let tos):
                guard tos & 0x03 == 0 else { throw DatapathError(.badActionArgument) }
                steps.append(.setNWTOS(tos))
            case .setTPSrc(let port): steps.append(.setTPSrc(port))
            case .setTPDst(let port): steps.append(.setTPDst(port))
            case .vendor: throw DatapathError(.badActionVendor)
            }
        }
        self.init(steps: steps)
    }
}

extension Action {
    /// True for an OUTPUT or ENQUEUE to `port`: the out_port filter of DELETE and of
    /// flow and aggregate stats.
    func sends(to port: PortNumber) -> Bool {
        switch self {
        case .output(let p, _), .enqueue(let p, _): p == port
        default: false
        }
    }
}
