import Glibc

/// cbench's output, character for character where scripts parse it: the settings
/// banner on stderr, one line per loop and one RESULT line per test on stdout.
enum Report {
    static func banner(_ settings: Settings) -> String {
        let mode = settings.mode == .throughput ? "'throughput'" : "'latency'"
        return """
            ofbench: controller benchmarking tool (cbench-compatible)
               running in mode \(mode)
               connecting to controller at \(settings.controllerHost):\(settings.controllerPort) 
               faking\(settings.ranged ? " from 1 to" : "") \(settings.switches) switches offset \(settings.dpidOffset) :: \(settings.loops) tests each; \(settings.millisecondsPerTest) ms per test
               with \(settings.macsPerSwitch) unique source MACs per switch
               \(settings.learnDestinationMACs ? "learning" : "NOT learning") destination mac addresses before the test
               starting test with \(settings.delayMilliseconds) ms delay after features_reply
               ignoring first \(settings.warmup) "warmup" and last \(settings.cooldown) "cooldown" loops
               connection delay of \(settings.connectDelayMilliseconds)ms per \(settings.connectGroupSize) switch(es)
               debugging info is \(settings.debug ? "on" : "off")

            """
    }

    /// `HH:MM:SS.mmm N   switches: flows/sec:  c1  c2  ...   total = X per ms `, stamped
    /// with the local wall-clock time the loop ended.
    static func loopLine(switches: Int, counts: [Int], perMillisecond: Double) -> String {
        var now = timeval()
        gettimeofday(&now, nil)
        var seconds = now.tv_sec
        var local = tm()
        localtime_r(&seconds, &local)
        var line = cFormat(
            "%02d:%02d:%02d.%03d %-3d switches: flows/sec:  ",
            local.tm_hour, local.tm_min, local.tm_sec, Int32(now.tv_usec / 1000), Int32(switches))
        for count in counts { line += String(count) + "  " }
        return line + cFormat(" total = %lf per ms \n", perMillisecond)
    }

    /// `RESULT: N switches T tests min/max/avg/stdev = a/b/c/d responses/s` over the
    /// loops left after warm-up and cool-down.
    static func resultLine(switches: Int, rates: ArraySlice<Double>) -> String {
        let summary = Summary(rates)
        return cFormat(
            "RESULT: %d switches %d tests min/max/avg/stdev = %.2lf/%.2lf/%.2lf/%.2lf responses/s\n",
            Int32(switches), Int32(rates.count), summary.min, summary.max, summary.average, summary.deviation)
    }
}

/// Minimum, maximum, mean and population standard deviation, as cbench computes them.
struct Summary {
    var min = 0.0, max = 0.0, average = 0.0, deviation = 0.0

    init(_ values: ArraySlice<Double>) {
        guard let first = values.first else { return }
        min = values.reduce(first, Swift.min)
        max = values.reduce(first, Swift.max)
        average = values.reduce(0, +) / Double(values.count)
        let mean = average
        deviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
    }
}
