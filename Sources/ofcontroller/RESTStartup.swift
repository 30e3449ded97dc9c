import ControllerREST
import HTTPService
import Logging

extension RESTRouter {
    /// Starts the REST server (`--rest`) and waits until it listens, so a port already
    /// in use fails the start rather than a request later.
    static func start(
        _ address: ListenAddress, mailbox: LoopMailbox, metrics: ControllerMetrics, logger: Logger
    ) throws(HTTPServiceError) -> HTTPService {
        let service = try HTTPService(
            router: make(mailbox: mailbox, metrics: metrics), host: address.host, port: Int(address.port),
            flag: "--rest \(address)", logger: logger)
        logger.info("REST (ofctl_rest paths and /metrics) on http://\(address.host):\(address.port)")
        return service
    }
}
