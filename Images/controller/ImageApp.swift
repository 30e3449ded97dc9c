import CUnikernel
import Controller
import Scheduler
import UnikernelHost

/// The apps `app=` picks from. Not `BuiltinApp`: dispatching over it links every app,
/// with the firewall's and static flows' text parsers, into the image. Like it, each app
/// is called where it lies in its own optional property, not moved out of an enum
/// payload and back (two copies of the whole app per event).
struct ImageApp: ControllerApp {
    private var hub: Hub?
    private var learning: LearningSwitch?

    /// The app `app=NAME` names (`learning` when absent), or nil for an unknown name.
    init?(named name: ArraySlice<UInt8>?) {
        if name.map({ BootArguments.equal($0, "learning") }) ?? true {
            var settings = LearningSwitch.Settings()
            withUnsafeMutableBytes(of: &settings.hashSeed) { arc4random_buf($0.baseAddress, $0.count) }
            learning = LearningSwitch(settings: settings)
        } else if BootArguments.equal(name!, "hub") {
            hub = Hub()
        } else {
            return nil
        }
    }

    mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        learning != nil ? learning!.handle(event, &context) : hub!.handle(event, &context)
    }

    var tickDeadline: Instant? {
        learning != nil ? learning!.tickDeadline : hub!.tickDeadline
    }

    mutating func tick(_ context: inout AppContext) {
        if learning != nil { learning!.tick(&context) } else { hub!.tick(&context) }
    }
}
