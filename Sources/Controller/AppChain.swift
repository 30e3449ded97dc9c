import Scheduler

/// Two apps in order: each event goes to `first`, then to `second` unless `first`
/// consumed it. Nest chains for more, or use an array of one app type. Inlinable, so
/// the executable specializes a chain for its app types.
public struct AppChain<First: ControllerApp, Second: ControllerApp>: ControllerApp {
    public var first: First
    public var second: Second

    @inlinable
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    @inlinable
    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        if first.handle(event, &context) == .consumed { return .consumed }
        return second.handle(event, &context)
    }

    @inlinable
    public var tickDeadline: Instant? { earliest(first.tickDeadline, second.tickDeadline) }

    @inlinable
    public mutating func tick(_ context: inout AppContext) {
        if let due = first.tickDeadline, due <= context.now { first.tick(&context) }
        if let due = second.tickDeadline, due <= context.now { second.tick(&context) }
    }
}

/// An array of apps is a chain in index order: the run-time chain behind repeated
/// `--app` flags (as `[BuiltinApp]`).
extension Array: ControllerApp where Element: ControllerApp {
    @inlinable
    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        var index = startIndex
        while index < endIndex {
            if self[index].handle(event, &context) == .consumed { return .consumed }
            index += 1
        }
        return .continue
    }

    /// Each app is read where it lies: `for app in self` copied every app.
    @inlinable
    public var tickDeadline: Instant? {
        var deadline: Instant?
        for index in indices { deadline = earliest(deadline, self[index].tickDeadline) }
        return deadline
    }

    @inlinable
    public mutating func tick(_ context: inout AppContext) {
        for index in indices {
            if let due = self[index].tickDeadline, due <= context.now { self[index].tick(&context) }
        }
    }
}
