/// `ofp_type`: the message type byte of the OpenFlow header. Open, so an unknown type
/// survives until the decoder rejects it with `OFPBRC_BAD_TYPE`.
public struct MessageType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let hello = MessageType(rawValue: 0)
    public static let error = MessageType(rawValue: 1)
    public static let echoRequest = MessageType(rawValue: 2)
    public static let echoReply = MessageType(rawValue: 3)
    public static let vendor = MessageType(rawValue: 4)
    public static let featuresRequest = MessageType(rawValue: 5)
    public static let featuresReply = MessageType(rawValue: 6)
    public static let getConfigRequest = MessageType(rawValue: 7)
    public static let getConfigReply = MessageType(rawValue: 8)
    public static let setConfig = MessageType(rawValue: 9)
    public static let packetIn = MessageType(rawValue: 10)
    public static let flowRemoved = MessageType(rawValue: 11)
    public static let portStatus = MessageType(rawValue: 12)
    public static let packetOut = MessageType(rawValue: 13)
    public static let flowMod = MessageType(rawValue: 14)
    public static let portMod = MessageType(rawValue: 15)
    public static let statsRequest = MessageType(rawValue: 16)
    public static let statsReply = MessageType(rawValue: 17)
    public static let barrierRequest = MessageType(rawValue: 18)
    public static let barrierReply = MessageType(rawValue: 19)
    public static let queueGetConfigRequest = MessageType(rawValue: 20)
    public static let queueGetConfigReply = MessageType(rawValue: 21)

    /// The spec's constant, such as `OFPT_FLOW_MOD`; nil for a type OpenFlow 1.0 lacks.
    public var specName: String? {
        switch rawValue {
        case 0: "OFPT_HELLO"
        case 1: "OFPT_ERROR"
        case 2: "OFPT_ECHO_REQUEST"
        case 3: "OFPT_ECHO_REPLY"
        case 4: "OFPT_VENDOR"
        case 5: "OFPT_FEATURES_REQUEST"
        case 6: "OFPT_FEATURES_REPLY"
        case 7: "OFPT_GET_CONFIG_REQUEST"
        case 8: "OFPT_GET_CONFIG_REPLY"
        case 9: "OFPT_SET_CONFIG"
        case 10: "OFPT_PACKET_IN"
        case 11: "OFPT_FLOW_REMOVED"
        case 12: "OFPT_PORT_STATUS"
        case 13: "OFPT_PACKET_OUT"
        case 14: "OFPT_FLOW_MOD"
        case 15: "OFPT_PORT_MOD"
        case 16: "OFPT_STATS_REQUEST"
        case 17: "OFPT_STATS_REPLY"
        case 18: "OFPT_BARRIER_REQUEST"
        case 19: "OFPT_BARRIER_REPLY"
        case 20: "OFPT_QUEUE_GET_CONFIG_REQUEST"
        case 21: "OFPT_QUEUE_GET_CONFIG_REPLY"
        default: nil
        }
    }
}
