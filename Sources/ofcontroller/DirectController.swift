import ArgumentParser
import Controller
import ControllerHost
import DirectNetwork
import Glibc
import LinuxPlatform
import Logging
import NetStackHost
import Scheduler
import TLS

/// The controller in the direct deployment: the same `ControllerHost`, listening on a
/// port of our own TCP/IP stack over the device `--net` names (with TLS over it for
/// `pssl:`), on one loop.
struct DirectController {
    let options: DirectNetworkOptions
    let port: UInt16
    let apps: [AppSpec]
    let settings: ControllerSettings
    let statusInterval: Double
    let tls: TLSContext?

    func run(logger: Logger) throws {
        let network: DirectNetwork
        do throws(DirectNetworkError) {
            network = try DirectNetwork(options, seed: UInt64.random(in: .min ... .max))
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode(64)  // the --net device cannot be opened: the run never started
        }
        let listener: NetTCPListener<HostDevice, DirectPlatform>
        do throws(StreamError) { listener = try NetTCPListener(port: port, interface: network.interface) } catch {
            logger.critical("cannot listen on port \(port): \(error.description)")
            throw ExitCode.failure
        }
        if let tls {
            try serve(TLSListener(listener, context: tls), on: network, logger: logger)
        } else {
            try serve(listener, on: network, logger: logger)
        }
    }

    private func serve<Listener: StreamListener>(_ listener: Listener, on network: DirectNetwork, logger: Logger) throws {
        let host: ControllerHost<[BuiltinApp], Listener, DirectPlatform>
        do throws(StreamError) {
            host = try ControllerHost(
                loop: network.loop, listener: listener, app: apps.map { $0.makeApp() }, settings: settings,
                log: { logger.log($0) })
        } catch {
            logger.critical("cannot listen on port \(port): \(error.description)")
            throw ExitCode.failure
        }
        network.interface.onLease = { event in
            if case .bound(let lease) = event { logger.info("DHCP: bound \(lease.address)/\(lease.prefixLength)") }
            if case .lost = event { logger.warning("DHCP: lease lost; asking again") }
        }
        do throws(SocketError) {
            let signals = try SignalSource([SIGINT, SIGTERM])
            try signals.watch(on: network.loop, epoll: network.platform, token: 1) { signal in
                logger.info("\(signal == SIGINT ? "SIGINT" : "SIGTERM"): closing the listener and all connections")
                host.stop()
            }
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }
        if statusInterval > 0 {
            var status = StatusLine(start: network.loop.now)
            network.loop.every(Interval(nanoseconds: UInt64(statusInterval * 1e9))) {
                logger.info("\(status.next(host.counters, now: network.loop.now))")
            }
        }
        logger.info("listening on \(tls == nil ? "port \(port)" : "pssl:\(port) (TLS)") of our own TCP/IP stack on \(network.summary), apps: \(apps.map(\.name.rawValue).joined(separator: " > "))")
        host.run()
        logger.info("stopped; \(StatusLine.totals(host.counters))")
    }
}
