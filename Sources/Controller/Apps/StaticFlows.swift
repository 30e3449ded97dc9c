import OpenFlow

/// Installs a fixed list of flows (FLOW_MOD ADD) on every datapath each time it comes
/// up, so a switch that reconnects gets them back.
///
/// Text form: one flow per line in ovs-ofctl flow syntax, `#` comments:
/// ```
/// priority=100,in_port=1,actions=output:2
/// priority=100,in_port=2,actions=output:1
/// ```
public struct StaticFlows: ControllerApp {
    public let flows: [FlowMod]

    public init(flows: [FlowMod]) {
        self.flows = flows
    }

    /// Reads the text form; errors name the line.
    public init(parsing text: String) throws(ConfigError) {
        do throws(FlowListError) {
            self.init(flows: try FlowSyntax.parseFlowList(text))
        } catch {
            throw ConfigError(line: error.line, error.error.message)
        }
    }

    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        if case .datapathUp(let info) = event {
            for flow in flows { context.send(.flowMod(flow), to: info.id) }
        }
        return .continue
    }
}
