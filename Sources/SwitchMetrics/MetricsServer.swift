import HTTPService
import Hummingbird
import Logging

/// `ofswitch --metrics HOST:PORT`: `/metrics` for Prometheus, on Hummingbird's own
/// threads; the switch loop only publishes its snapshot.
public enum MetricsServer {
    /// Starts serving and waits until it listens, so an address in use fails the start.
    public static func start(host: String, port: Int, meters: SwitchMeters, logger: Logger) throws(HTTPServiceError)
        -> HTTPService
    {
        let router = Router()
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: meters.scrape())))
        }
        return try HTTPService(router: router, host: host, port: port, flag: "--metrics \(host):\(port)", logger: logger)
    }
}
