import ControllerREST
import Foundation
import Logging
import Synchronization

/// The running REST server (`--rest`), on Hummingbird's threads.
struct RESTService {
    private let server: RESTServer
    private let finished: DispatchSemaphore

    /// Starts the server and waits until it listens, so a port already in use fails the
    /// start rather than a request later.
    init(_ address: ListenAddress, mailbox: LoopMailbox, metrics: ControllerMetrics, logger: Logger) throws(RESTStartError) {
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let failure = Mutex<String?>(nil)
        let server = RESTServer(
            host: address.host, port: Int(address.port), mailbox: mailbox, metrics: metrics, logger: logger,
            onRunning: { started.signal() })
        Task.detached {
            do {
                try await server.run()
            } catch {
                failure.withLock { $0 = String(describing: error) }
                started.signal()
            }
            finished.signal()
        }
        guard started.wait(timeout: .now() + 10) == .success else {
            throw RESTStartError(message: "--rest \(address): the server did not start within 10 s")
        }
        if let message = failure.withLock({ $0 }) {
            throw RESTStartError(message: "--rest \(address): \(message)")
        }
        self.server = server
        self.finished = finished
        logger.info("REST (ofctl_rest paths and /metrics) on http://\(address.host):\(address.port)")
    }

    /// Shuts the server down gracefully, waiting up to 5 s for requests in flight.
    func stop() {
        let server = server
        Task.detached { await server.shutdown() }
        _ = finished.wait(timeout: .now() + 5)
    }
}

/// The REST server could not start.
struct RESTStartError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
