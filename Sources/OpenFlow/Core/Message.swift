/// The body of an OpenFlow 1.0 message, one case per message type. The xid and
/// version live outside, in `OpenFlowMessage`.
public enum Message: Hashable, Sendable {
    case hello(Hello)
    case error(ErrorMessage)
    case echoRequest(Echo)
    case echoReply(Echo)
    case vendor(VendorMessage)
    case featuresRequest
    case featuresReply(SwitchFeatures)
    case getConfigRequest
    case getConfigReply(SwitchConfig)
    case setConfig(SwitchConfig)
    case packetIn(PacketIn)
    case flowRemoved(FlowRemoved)
    case portStatus(PortStatus)
    case packetOut(PacketOut)
    case flowMod(FlowMod)
    case portMod(PortMod)
    case statsRequest(StatsRequest)
    case statsReply(StatsReply)
    case barrierRequest
    case barrierReply
    case queueGetConfigRequest(QueueGetConfigRequest)
    case queueGetConfigReply(QueueGetConfigReply)

    @inlinable
    public var type: MessageType {
        switch self {
        case .hello: .hello
        case .error: .error
        case .echoRequest: .echoRequest
        case .echoReply: .echoReply
        case .vendor: .vendor
        case .featuresRequest: .featuresRequest
        case .featuresReply: .featuresReply
        case .getConfigRequest: .getConfigRequest
        case .getConfigReply: .getConfigReply
        case .setConfig: .setConfig
        case .packetIn: .packetIn
        case .flowRemoved: .flowRemoved
        case .portStatus: .portStatus
        case .packetOut: .packetOut
        case .flowMod: .flowMod
        case .portMod: .portMod
        case .statsRequest: .statsRequest
        case .statsReply: .statsReply
        case .barrierRequest: .barrierRequest
        case .barrierReply: .barrierReply
        case .queueGetConfigRequest: .queueGetConfigRequest
        case .queueGetConfigReply: .queueGetConfigReply
        }
    }
}

/// A whole message: version, xid and body.
public struct OpenFlowMessage: Hashable, Sendable {
    public var version: UInt8
    public var xid: UInt32
    public var message: Message

    @inlinable
    public init(version: UInt8 = Header.version, xid: UInt32, _ message: Message) {
        self.version = version
        self.xid = xid
        self.message = message
    }

    @inlinable public var type: MessageType { message.type }
}
