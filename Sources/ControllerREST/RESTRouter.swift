import Hummingbird
import Logging
import ServiceLifecycle

/// The operator's HTTP interface (`ofcontroller --rest HOST:PORT`): Ryu's ofctl_rest
/// paths and `/metrics` for Prometheus. It runs on Hummingbird's own event-loop threads
/// and reaches the controller loop only through the mailbox, so the loop stays
/// single-threaded.
public final class RESTServer: Sendable {
    private let group: ServiceGroup

    /// `onRunning` is called once the server listens.
    public init(
        host: String, port: Int, mailbox: LoopMailbox, metrics: ControllerMetrics, logger: Logger,
        onRunning: @escaping @Sendable () -> Void = {}
    ) {
        let router = Router()
        OfctlRoutes(mailbox: mailbox).register(on: router)
        router.get("/metrics") { _, _ in
            let answer = await mailbox.ask(.counters)
            guard case .counters(let counters, let backlog) = answer else {
                if case .failed(let error) = answer { return JSONResponse.failure(error) }
                return JSONResponse.failure(.switchFailed("unexpected answer"))
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.scrape(counters, backlog: backlog))))
        }
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { _ in onRunning() }, logger: logger)
        group = ServiceGroup(services: [app], logger: logger)
    }

    /// Serves until `shutdown`; throws when the address cannot be bound.
    public func run() async throws {
        try await group.run()
    }

    /// Stops accepting, lets the requests in flight finish, and ends `run`.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
    }
}
