import Scheduler

/// The shipped apps as one type, so a chain picked at run time (`--app learning --app
/// stats`) is just `[BuiltinApp]`, with no existentials.
public enum BuiltinApp: ControllerApp {
    case hub(Hub)
    case learningSwitch(LearningSwitch)
    case firewall(Firewall)
    case staticFlows(StaticFlows)
    case statsMonitor(StatsMonitor)
    case null(NullApp)

    // Each case's app is moved out (`consume self`), used, and put back, so its tables
    // stay uniquely referenced and mutate in place.
    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        let verdict: AppVerdict
        switch consume self {
        case .hub(var app):
            verdict = app.handle(event, &context)
            self = .hub(app)
        case .learningSwitch(var app):
            verdict = app.handle(event, &context)
            self = .learningSwitch(app)
        case .firewall(var app):
            verdict = app.handle(event, &context)
            self = .firewall(app)
        case .staticFlows(var app):
            verdict = app.handle(event, &context)
            self = .staticFlows(app)
        case .statsMonitor(var app):
            verdict = app.handle(event, &context)
            self = .statsMonitor(app)
        case .null(var app):
            verdict = app.handle(event, &context)
            self = .null(app)
        }
        return verdict
    }

    public var tickDeadline: Instant? {
        switch self {
        case .hub(let app): app.tickDeadline
        case .learningSwitch(let app): app.tickDeadline
        case .firewall(let app): app.tickDeadline
        case .staticFlows(let app): app.tickDeadline
        case .statsMonitor(let app): app.tickDeadline
        case .null(let app): app.tickDeadline
        }
    }

    public mutating func tick(_ context: inout AppContext) {
        switch consume self {
        case .hub(var app):
            app.tick(&context)
            self = .hub(app)
        case .learningSwitch(var app):
            app.tick(&context)
            self = .learningSwitch(app)
        case .firewall(var app):
            app.tick(&context)
            self = .firewall(app)
        case .staticFlows(var app):
            app.tick(&context)
            self = .staticFlows(app)
        case .statsMonitor(var app):
            app.tick(&context)
            self = .statsMonitor(app)
        case .null(var app):
            app.tick(&context)
            self = .null(app)
        }
    }
}
