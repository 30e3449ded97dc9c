import Scheduler

/// The shipped apps as one type, so a chain picked at run time (`--app learning --app
/// stats`) is just `[BuiltinApp]`, with no existentials. Build one with the static
/// function named for its app: `.learningSwitch(LearningSwitch())`.
///
/// Each kind of app has its own optional property, and the one in use is called where it
/// lies. As an enum, every event moved the app out of its payload and back (two copies
/// of the whole app, a tenth of the learning switch's time under cbench).
public struct BuiltinApp: ControllerApp {
    private enum Kind { case hub, learningSwitch, firewall, staticFlows, statsMonitor, shortestPath, null, requestBridge }

    private let kind: Kind
    private var hub: Hub?
    private var learning: LearningSwitch?
    private var firewallApp: Firewall?
    private var staticFlowsApp: StaticFlows?
    private var monitor: StatsMonitor?
    private var shortestPath: ShortestPathSwitch?
    private var nullApp: NullApp?
    private var bridge: RequestBridge?

    private init(_ kind: Kind, _ store: (inout BuiltinApp) -> Void) {
        self.kind = kind
        store(&self)
    }

    public static func hub(_ app: Hub) -> BuiltinApp { BuiltinApp(.hub) { $0.hub = app } }
    public static func learningSwitch(_ app: LearningSwitch) -> BuiltinApp { BuiltinApp(.learningSwitch) { $0.learning = app } }
    public static func firewall(_ app: Firewall) -> BuiltinApp { BuiltinApp(.firewall) { $0.firewallApp = app } }
    public static func staticFlows(_ app: StaticFlows) -> BuiltinApp { BuiltinApp(.staticFlows) { $0.staticFlowsApp = app } }
    public static func statsMonitor(_ app: StatsMonitor) -> BuiltinApp { BuiltinApp(.statsMonitor) { $0.monitor = app } }
    public static func shortestPathSwitch(_ app: ShortestPathSwitch) -> BuiltinApp { BuiltinApp(.shortestPath) { $0.shortestPath = app } }
    public static func null(_ app: NullApp) -> BuiltinApp { BuiltinApp(.null) { $0.nullApp = app } }
    public static func requestBridge(_ app: RequestBridge) -> BuiltinApp { BuiltinApp(.requestBridge) { $0.bridge = app } }

    /// The learning switch, when that is this app (for tests and status).
    public var learningSwitch: LearningSwitch? { learning }

    /// The topology forwarding app, when that is this app (its topology, for a REST layer).
    public var shortestPathSwitch: ShortestPathSwitch? { shortestPath }

    /// Hands a request bridge the xid of a request sent for `ticket`; false when this
    /// app is not the bridge.
    public mutating func track(_ xid: UInt32, to datapath: DatapathID, ticket: UInt64) -> Bool {
        guard kind == .requestBridge else { return false }
        bridge!.track(xid, to: datapath, ticket: ticket)
        return true
    }

    /// Gives a firewall app a new policy (one changed at run time); false when this
    /// app is not a firewall. `ControllerCore.restartDatapaths` then puts it in force.
    public mutating func replace(_ policy: FirewallPolicy) -> Bool {
        guard kind == .firewall else { return false }
        firewallApp = Firewall(policy: policy)
        return true
    }

    /// Gives a static-flows app new flows; false when this app is not one.
    public mutating func replace(_ flows: StaticFlows) -> Bool {
        guard kind == .staticFlows else { return false }
        staticFlowsApp = flows
        return true
    }

    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        switch kind {
        case .hub: hub!.handle(event, &context)
        case .learningSwitch: learning!.handle(event, &context)
        case .firewall: firewallApp!.handle(event, &context)
        case .staticFlows: staticFlowsApp!.handle(event, &context)
        case .statsMonitor: monitor!.handle(event, &context)
        case .shortestPath: shortestPath!.handle(event, &context)
        case .null: nullApp!.handle(event, &context)
        case .requestBridge: bridge!.handle(event, &context)
        }
    }

    public var tickDeadline: Instant? {
        switch kind {
        case .hub: hub!.tickDeadline
        case .learningSwitch: learning!.tickDeadline
        case .firewall: firewallApp!.tickDeadline
        case .staticFlows: staticFlowsApp!.tickDeadline
        case .statsMonitor: monitor!.tickDeadline
        case .shortestPath: shortestPath!.tickDeadline
        case .null: nullApp!.tickDeadline
        case .requestBridge: bridge!.tickDeadline
        }
    }

    public mutating func tick(_ context: inout AppContext) {
        switch kind {
        case .hub: hub!.tick(&context)
        case .learningSwitch: learning!.tick(&context)
        case .firewall: firewallApp!.tick(&context)
        case .staticFlows: staticFlowsApp!.tick(&context)
        case .statsMonitor: monitor!.tick(&context)
        case .shortestPath: shortestPath!.tick(&context)
        case .null: nullApp!.tick(&context)
        case .requestBridge: bridge!.tick(&context)
        }
    }
}
