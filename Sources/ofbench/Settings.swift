import TLS

/// One run's parameters, in cbench's terms, independent of how they were parsed.
struct Settings {
    enum Mode {
        /// One packet_in in flight per switch: the rate is bounded by the round trip.
        case latency
        /// Every switch keeps its send buffer full.
        case throughput
    }

    var controllerHost = "localhost"
    var controllerPort: UInt16 = 6653
    var millisecondsPerTest = 1000
    var loops = 16
    var switches = 16
    var macsPerSwitch = 100_000
    var mode = Mode.latency
    var warmup = 1
    var cooldown = 0
    var delayMilliseconds = 0
    var connectDelayMilliseconds = 0
    var connectGroupSize = 1
    var learnDestinationMACs = true
    var dpidOffset = 1
    var ranged = false
    var debug = false
    /// `--ssl`: every switch speaks TLS to the controller with this context.
    var tls: TLSContext?
    /// `--handshakes N`: instead of the tests, connect N switches one after another,
    /// each closed once its handshake is done, and report the rate.
    var handshakes = 0
}
