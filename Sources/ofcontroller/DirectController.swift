import ArgumentParser
import Controller
import ControllerHost
import DirectNetwork
import Glibc
import LinuxPlatform
import Logging
import NetStackHost
import Scheduler

/// The controller in the direct deployment: the same `ControllerHost`, listening on a
/// port of our own TCP/IP stack over the device `--net` names, on one loop.
struct DirectController {
    let options: DirectNetworkOptions
    let port: UInt16
    let apps: [AppSpec]
    let settings: ControllerSettings
    let statusInterval: Double

    func run(logger: Logger) throws {
        let network: DirectNetwork
        do throws(DirectNetworkError) {
            network = try DirectNetwork(options, seed: UInt64.random(in: .min ... .max))
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode(64)  // the --net device cannot be opened: the run never started
        }
        let host: ControllerHost<[BuiltinApp], NetTCPListener<HostDevice, DirectPlatform>, DirectPlatform>
        do throws(StreamError) {
            let listener = try NetTCPListener(port: port, interface: network.interface)
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
                logger.info("\(status.next(host.core.counters, now: network.loop.now))")
            }
        }
        logger.info("listening on port \(port) of our own TCP/IP stack on \(network.summary), apps: \(apps.map(\.name.rawValue).joined(separator: " > "))")
        host.run()
        logger.info("stopped; \(StatusLine.totals(host.core.counters))")
    }
}
