import Scheduler

/// A controller application: it sees events and sends messages through the context.
///
/// Apps are values and compose without existentials: `AppChain` joins two app types,
/// an array of apps runs them in order, and `BuiltinApp` wraps the shipped apps in one
/// type for chains chosen at run time. Every requirement has a default, so an app
/// implements only what it uses.
public protocol ControllerApp {
    /// Reacts to one event. `.consumed` keeps it from the apps after this one.
    mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict

    /// When the app next wants `tick`, or nil for never. The core folds it into its
    /// own `nextDeadline`.
    var tickDeadline: Instant? { get }

    /// Called by `ControllerCore.tick(now:)` once `tickDeadline` has passed.
    mutating func tick(_ context: inout AppContext)
}

/// Inlinable, so an app that keeps a default costs nothing to ask: called opaquely, the
/// default made a caller holding the app in an optional (as `BuiltinApp` does) copy the
/// whole app first, on every turn.
extension ControllerApp {
    @inlinable
    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict { .continue }
    @inlinable
    public var tickDeadline: Instant? { nil }
    @inlinable
    public mutating func tick(_ context: inout AppContext) {}
}

/// The earlier of two optional deadlines (nil is never).
@inlinable
func earliest(_ a: Instant?, _ b: Instant?) -> Instant? {
    guard let a else { return b }
    guard let b else { return a }
    return min(a, b)
}
