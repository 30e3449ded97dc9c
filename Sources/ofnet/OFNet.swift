import ArgumentParser
import OpenFlow
import DirectNetwork
import Glibc
import LinuxPlatform
import Logging
import NetStack
import NetStackHost
import Scheduler
import Wire

/// `ofnet`: our TCP/IP stack alone over a device, for measurement and demos.
@main
struct OFNet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofnet",
        abstract: "Our own TCP/IP stack over a tap device or an interface: ping, echo, discard, chargen and iperf3.",
        discussion: """
            The stack answers ICMP echo (ping) and serves TCP echo (port 7), discard (9) and \
            chargen (19) on its address; with --iperf3 also an iperf3-compatible server on 5201 \
            (one TCP stream, either direction). --iperf3-client HOST runs iperf3's client \
            against HOST's `iperf3 -s` instead, prints one summary line and exits 0 (1 on \
            failure). It runs in this process, not in the kernel: the kernel only carries \
            frames. Examples:
              ofnet --net tap:of0 --ip 10.0.0.2/24        # creates tap of0 if it is missing
              ip addr add 10.0.0.1/24 dev of0; ping 10.0.0.2
              ofnet --net tap:of0 --dhcp                  # address from a DHCP server on the link
              ofnet --net tap:of0 --ip 10.0.0.2/24 --iperf3      # iperf3 -c 10.0.0.2 [-R]
              ofnet ... --iperf3-client 10.0.0.1 --iperf3-time 5 [--iperf3-reverse]
            --net af-packet:IFACE and --net pcap:IFACE use an existing interface instead (our \
            stack then shares the wire with the kernel's, under its own MAC). Needs root \
            (CAP_NET_ADMIN for tap, CAP_NET_RAW otherwise). SIGINT or SIGTERM exits 0.
            """,
        version: FrameworkVersion.string)

    @OptionGroup var netFlags: NetFlags

    @Flag(name: .customLong("busy-poll"), help: "Spin instead of sleeping between frames: lower latency for a whole core.")
    var busyPoll = false

    @Option(name: .customLong("status-interval"), help: ArgumentHelp("Seconds between status lines (0: none).", valueName: "SECONDS"))
    var statusInterval: Double = 10

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Flag(name: .customLong("iperf3"), help: "Also serve iperf3 (TCP, one stream, normal or -R) on port 5201.")
    var iperf3 = false

    @Option(name: .customLong("iperf3-client"), help: ArgumentHelp("Run an iperf3 test against HOST's iperf3 server (port 5201), print the result and exit.", valueName: "HOST"))
    var iperf3Client: String?

    @Option(name: .customLong("iperf3-time"), help: ArgumentHelp("Seconds the --iperf3-client test lasts.", valueName: "SECONDS"))
    var iperf3Time = 10

    @Flag(name: .customLong("iperf3-reverse"), help: "--iperf3-client: the server sends and we receive (iperf3 -R).")
    var iperf3Reverse = false

    func validate() throws {
        guard netFlags.net != nil else { throw ValidationError("give --net DEVICE (" + NetworkSpec.syntax + ")") }
        guard statusInterval >= 0, statusInterval < 1e6 else { throw ValidationError("--status-interval must be 0 or more seconds") }
        if let iperf3Client, IPv4Address(iperf3Client) == nil { throw ValidationError("--iperf3-client needs an IPv4 address, not \(iperf3Client)") }
        guard (1...86_400).contains(iperf3Time) else { throw ValidationError("--iperf3-time must be 1 to 86400 seconds") }
        if iperf3Client == nil && (iperf3Reverse || iperf3Time != 10) {
            throw ValidationError("--iperf3-time and --iperf3-reverse go with --iperf3-client")
        }
    }

    func run() throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ofnet")
        guard var options = try netFlags.options() else { throw ExitCode.validationFailure }
        options.busyPoll = busyPoll
        let network: DirectNetwork
        do throws(DirectNetworkError) {
            network = try DirectNetwork(options, seed: UInt64.random(in: .min ... .max))
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode(64)  // the --net device cannot be opened: the run never started
        }
        let interface = network.interface
        let services = ServiceHost<NetTCPListener<HostDevice, DirectPlatform>, DirectPlatform>(loop: network.loop)
        do throws(StreamError) {
            for (service, port) in [(ServiceHost<NetTCPListener<HostDevice, DirectPlatform>, DirectPlatform>.Service.echo, UInt16(7)), (.discard, 9), (.chargen, 19)] {
                try services.serve(service, on: NetTCPListener(port: port, interface: interface))
            }
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }
        let loop = network.loop
        var iperfServer: Iperf3Server<NetTCPListener<HostDevice, DirectPlatform>, DirectPlatform>?
        if iperf3 {
            do throws(StreamError) {
                iperfServer = try Iperf3Server(
                    loop: loop, listener: NetTCPListener(port: Iperf3.port, interface: interface), logger: logger,
                    retransmissions: { interface.stack.tcp.counters.retransmissions })
            } catch {
                logger.critical("iperf3: \(error.description)")
                throw ExitCode.failure
            }
        }
        var clientFailed = false
        var startClient: (() -> Void)?
        if let iperf3Client, let server = IPv4Address(iperf3Client) {
            let client = Iperf3Client<NetTCPStream<HostDevice, DirectPlatform>, DirectPlatform>(
                loop: loop, time: iperf3Time, reverse: iperf3Reverse, logger: logger,
                retransmissions: { interface.stack.tcp.counters.retransmissions },
                connect: { () throws(StreamError) in try interface.connect(to: server, port: Iperf3.port) },
                completion: { result in
                    switch result {
                    case .success(let summary):
                        print(summary.line)
                        fflush(nil)
                    case .failure(let failure):
                        logger.error("iperf3 client: \(failure.description)")
                        clientFailed = true
                    }
                    // A moment for our FIN and the last ACKs, then exit.
                    loop.schedule(after: .milliseconds(200)) { loop.stop() }
                })
            startClient = {
                logger.info("iperf3 client: \(iperf3Time) s to \(server):\(Iperf3.port)\(iperf3Reverse ? ", reverse (the server sends)" : "")")
                client.start()
            }
            if !netFlags.dhcp {
                loop.enqueue { startClient?(); startClient = nil }
            }
        }
        interface.onLease = { event in
            switch event {
            case .bound(let lease):
                // The client waits for an address.
                if let start = startClient {
                    startClient = nil
                    loop.enqueue(start)
                }
                logger.info("DHCP: bound \(lease.address)/\(lease.prefixLength), router \(lease.router?.description ?? "none"), lease \(lease.leaseTime.nanoseconds / 1_000_000_000) s")
            case .renewed(let lease):
                logger.info("DHCP: renewed \(lease.address), lease \(lease.leaseTime.nanoseconds / 1_000_000_000) s")
            case .lost:
                logger.warning("DHCP: lease lost; asking again")
            }
        }
        do throws(SocketError) {
            let signals = try SignalSource([SIGINT, SIGTERM])
            try signals.watch(on: loop, epoll: network.platform, token: 1) { signal in
                logger.info("\(signal == SIGINT ? "SIGINT" : "SIGTERM"): stopping")
                loop.stop()
            }
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }
        if statusInterval > 0 {
            loop.every(Interval(nanoseconds: UInt64(statusInterval * 1e9))) {
                let counters = interface.stack.counters
                logger.info("frames in \(counters.framesIn) out \(counters.framesOut), tcp connections \(services.connections), bytes in \(services.bytesIn) out \(services.bytesOut)\(iperfServer.map { ", iperf3 tests \($0.testsCompleted)" } ?? "")\(services.lastError.map { ", last error: " + $0 } ?? "")")
            }
        }
        logger.info("ofnet: running on \(network.summary); echo 7, discard 9, chargen 19\(iperf3 ? ", iperf3 5201" : "")")
        loop.run()
        let counters = interface.stack.counters
        logger.info("stopped; frames in \(counters.framesIn) out \(counters.framesOut), bytes in \(services.bytesIn) out \(services.bytesOut)")
        if clientFailed { throw ExitCode.failure }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
