import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// An HTTP server (Hummingbird, on its own threads) beside a loop that is not async:
/// `ofcontroller --rest` and `ofswitch --metrics`. Started and stopped synchronously
/// from the executable's side; the loop itself never waits on it.
public final class HTTPService: Sendable {
    private let group: ServiceGroup
    private let finished = DispatchSemaphore(value: 0)

    /// Serves `router` on `host`:`port` and waits until it listens, so an address in use
    /// fails the start rather than a request later. `flag` names the option in errors,
    /// e.g. "--rest 127.0.0.1:8080".
    public init(
        router: Router<BasicRequestContext>, host: String, port: Int, flag: String, logger: Logger
    ) throws(HTTPServiceError) {
        let started = DispatchSemaphore(value: 0)
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { _ in started.signal() }, logger: logger)
        let group = ServiceGroup(services: [app], logger: logger)
        self.group = group
        let failure = Mutex<String?>(nil)
        let finished = finished
        Task.detached {
            do {
                try await group.run()
            } catch {
                failure.withLock { $0 = String(describing: error) }
                started.signal()
            }
            finished.signal()
        }
        guard started.wait(timeout: .now() + 10) == .success else {
            throw HTTPServiceError(description: "\(flag): the server did not start within 10 s")
        }
        if let message = failure.withLock({ $0 }) {
            throw HTTPServiceError(description: "\(flag): \(message)")
        }
    }

    /// Stops accepting and waits up to 5 s for the requests in flight.
    public func stop() {
        let group = group
        Task.detached { await group.triggerGracefulShutdown() }
        _ = finished.wait(timeout: .now() + 5)
    }
}

/// The HTTP server could not start.
public struct HTTPServiceError: Error, CustomStringConvertible {
    public let description: String
}
