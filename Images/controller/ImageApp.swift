import Controller
import Scheduler
import UnikernelHost

/// The apps `app=` picks from. Not `BuiltinApp`: dispatching over it links every app,
/// with the firewall's and static flows' text parsers, into the image.
enum ImageApp: ControllerApp {
    case hub(Hub)
    case learning(LearningSwitch)

    /// The app `app=NAME` names (`learning` when absent), or nil for an unknown name.
    init?(named name: ArraySlice<UInt8>?) {
        guard let name else {
            self = .learning(LearningSwitch())
            return
        }
        if BootArguments.equal(name, "learning") {
            self = .learning(LearningSwitch())
        } else if BootArguments.equal(name, "hub") {
            self = .hub(Hub())
        } else {
            return nil
        }
    }

    // Each case's app is moved out, used and put back, so its tables stay uniquely
    // referenced and mutate in place (as in BuiltinApp).
    mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        let verdict: AppVerdict
        switch consume self {
        case .hub(var app):
            verdict = app.handle(event, &context)
            self = .hub(app)
        case .learning(var app):
            verdict = app.handle(event, &context)
            self = .learning(app)
        }
        return verdict
    }

    var tickDeadline: Instant? {
        switch self {
        case .hub(let app): app.tickDeadline
        case .learning(let app): app.tickDeadline
        }
    }

    mutating func tick(_ context: inout AppContext) {
        switch consume self {
        case .hub(var app):
            app.tick(&context)
            self = .hub(app)
        case .learning(var app):
            app.tick(&context)
            self = .learning(app)
        }
    }
}
