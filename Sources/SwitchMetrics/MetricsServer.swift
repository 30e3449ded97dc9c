import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// `ofswitch --metrics HOST:PORT`: `/metrics` for Prometheus, on Hummingbird's own
/// threads; the switch loop only publishes its snapshot.
public final class MetricsServer: Sendable {
    private let group: ServiceGroup
    private let finished = DispatchSemaphore(value: 0)

    /// Starts serving and waits until it listens, so an address in use fails the start.
    public init(host: String, port: Int, meters: SwitchMeters, logger: Logger) throws(MetricsServerError) {
        let router = Router()
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: meters.scrape())))
        }
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
            throw MetricsServerError(description: "--metrics \(host):\(port): the server did not start within 10 s")
        }
        if let message = failure.withLock({ $0 }) {
            throw MetricsServerError(description: "--metrics \(host):\(port): \(message)")
        }
    }

    /// Stops accepting and waits up to 5 s for the scrapes in flight.
    public func stop() {
        let group = group
        Task.detached { await group.triggerGracefulShutdown() }
        _ = finished.wait(timeout: .now() + 5)
    }
}

/// The metrics server could not start.
public struct MetricsServerError: Error, CustomStringConvertible {
    public let description: String
}
