import Controller
import OpenFlow
import Scheduler

/// The names `--app` takes, in the order the chain runs them.
enum AppName: String, CaseIterable, Sendable {
    case hub, learning, firewall, `static`, monitor, topology, null
}

/// One app of the chain, fully configured and checked on the main thread, as a value
/// every loop builds its own copy of the app from (each loop owns its apps' state: a
/// switch's MAC table lives on the loop that serves the switch).
enum AppSpec: Sendable {
    case hub
    case learning(LearningSwitch.Settings)
    case firewall(FirewallPolicy)
    /// The flows file's text, parsed once on the main thread to report errors early.
    case staticFlows(String)
    case monitor(Interval)
    case topology(ShortestPathSwitch.Settings)
    case null

    var name: AppName {
        switch self {
        case .hub: .hub
        case .learning: .learning
        case .firewall: .firewall
        case .staticFlows: .static
        case .monitor: .monitor
        case .topology: .topology
        case .null: .null
        }
    }

    /// A fresh app for one loop. The static flows text parsed before, so it parses now.
    func makeApp() -> BuiltinApp {
        switch self {
        case .hub: return .hub(Hub())
        case .learning(let settings): return .learningSwitch(LearningSwitch(settings: settings))
        case .firewall(let policy): return .firewall(Firewall(policy: policy))
        case .staticFlows(let text):
            do throws(ConfigError) {
                return .staticFlows(try StaticFlows(parsing: text))
            } catch {
                fatalError("static flows parsed once already: \(error)")
            }
        case .monitor(let interval): return .statsMonitor(StatsMonitor(interval: interval))
        case .topology(let settings): return .shortestPathSwitch(ShortestPathSwitch(settings: settings))
        case .null: return .null(NullApp())
        }
    }
}
