// swift-tools-version: 6.1
import PackageDescription

/// The benchmarks are a package of their own, depending on the root package by path, so
/// the root package stays free of ordo-one/benchmark and its malloc interposer.
/// Run with `scripts/bench.sh`.
let package = Package(
    name: "OpenFlowBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "SwiftOpenFlow", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchmarkSupport",
            dependencies: [.product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/BenchmarkSupport"
        ),
        .executableTarget(
            name: "OpenFlowCodec",
            dependencies: [
                .product(name: "OpenFlow", package: "SwiftOpenFlow"),
                .product(name: "Wire", package: "SwiftOpenFlow"),
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
            ],
            path: "Benchmarks/OpenFlowCodec",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SwitchDatapath",
            dependencies: [
                .product(name: "Switch", package: "SwiftOpenFlow"),
                .product(name: "OpenFlow", package: "SwiftOpenFlow"),
                .product(name: "Scheduler", package: "SwiftOpenFlow"),
                .product(name: "Wire", package: "SwiftOpenFlow"),
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
            ],
            path: "Benchmarks/SwitchDatapath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ControllerCore",
            dependencies: [
                .product(name: "Controller", package: "SwiftOpenFlow"),
                .product(name: "OpenFlow", package: "SwiftOpenFlow"),
                .product(name: "Scheduler", package: "SwiftOpenFlow"),
                .product(name: "Wire", package: "SwiftOpenFlow"),
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
            ],
            path: "Benchmarks/ControllerCore",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "NetStackSegments",
            dependencies: [
                .product(name: "NetStack", package: "SwiftOpenFlow"),
                .product(name: "Scheduler", package: "SwiftOpenFlow"),
                .product(name: "Wire", package: "SwiftOpenFlow"),
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
            ],
            path: "Benchmarks/NetStackSegments",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
