import Hummingbird

/// The operator's HTTP interface (`ofcontroller --rest HOST:PORT`): Ryu's ofctl_rest
/// paths and `/metrics` for Prometheus. It runs on Hummingbird's own event-loop threads
/// (`HTTPService`) and reaches the controller loop only through the mailbox, so the loop
/// stays single-threaded.
public enum RESTRouter {
    /// Every path, answered through `mailbox`; `/metrics` from the loop's counters.
    public static func make(mailbox: LoopMailbox, metrics: ControllerMetrics) -> Router<BasicRequestContext> {
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
        return router
    }
}
