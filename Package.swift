// swift-tools-version: 6.1
import PackageDescription

/// The core targets (Wire, OpenFlow, Scheduler, Controller) stay inside the Embedded Swift subset: they take no
/// package dependencies and use no Foundation. `scripts/embedded-check.sh` proves it.
let package = Package(
    name: "SwiftOpenFlow",
    products: [
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "OpenFlow", targets: ["OpenFlow"]),
        .library(name: "Scheduler", targets: ["Scheduler"]),
        .library(name: "Controller", targets: ["Controller"]),
        .library(name: "Capture", targets: ["Capture"]),
        .executable(name: "ofdump", targets: ["ofdump"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "Wire"),
        .target(name: "OpenFlow", dependencies: ["Wire"]),
        .target(name: "Scheduler"),
        .target(name: "Controller", dependencies: ["OpenFlow", "Wire", "Scheduler"]),
        .target(name: "Capture", dependencies: ["Wire"]),
        .executableTarget(
            name: "ofdump",
            dependencies: [
                "OpenFlow", "Capture",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "WireTests", dependencies: ["Wire"]),
        .testTarget(name: "OpenFlowTests", dependencies: ["OpenFlow", "Wire", "Capture"]),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "Wire"]),
        .testTarget(name: "SchedulerTests", dependencies: ["Scheduler"]),
        .testTarget(name: "ControllerTests", dependencies: ["Controller", "OpenFlow", "Wire", "Scheduler"]),
    ],
    swiftLanguageModes: [.v6]
)
