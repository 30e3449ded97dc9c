import Benchmark
import Glibc

/// What each benchmark measures, and for how long. `scripts/bench.sh` measures
/// throughput, time and allocations; `scripts/alloc-check.sh` (CI) sets
/// `BENCH_ALLOCATIONS_ONLY` and counts allocations only, over a few iterations, and
/// fails unless every count is 0: no hot path may allocate.
public enum BenchmarkMode {
    public static let allocationsOnly = getenv("BENCH_ALLOCATIONS_ONLY") != nil

    /// Every benchmark target's default configuration: iterations of 1000 messages or
    /// packets (`scalingFactor`), so the table reads per message.
    public static var configuration: Benchmark.Configuration {
        allocationsOnly
            ? .init(metrics: [.mallocCountTotal], warmupIterations: 10, scalingFactor: .kilo, maxDuration: .seconds(2), maxIterations: 20)
            : .init(
                metrics: [.throughput, .wallClock, .mallocCountTotal], warmupIterations: 10, scalingFactor: .kilo,
                maxDuration: .seconds(3), maxIterations: 100_000)
    }
}
