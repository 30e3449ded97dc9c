// swift-tools-version: 6.1
import PackageDescription

/// The core targets (Wire, OpenFlow, Scheduler, NetStack, Controller, Switch) stay inside the
/// Embedded Swift subset: they take no package dependencies and use no Foundation.
/// `scripts/embedded-check.sh` proves it.
let package = Package(
    name: "SwiftOpenFlow",
    products: [
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "OpenFlow", targets: ["OpenFlow"]),
        .library(name: "Scheduler", targets: ["Scheduler"]),
        .library(name: "NetStack", targets: ["NetStack"]),
        .library(name: "Devices", targets: ["Devices"]),
        .library(name: "PcapDevice", targets: ["PcapDevice"]),
        .library(name: "Controller", targets: ["Controller"]),
        .library(name: "Switch", targets: ["Switch"]),
        .library(name: "LinuxPlatform", targets: ["LinuxPlatform"]),
        .library(name: "Capture", targets: ["Capture"]),
        .library(name: "TLS", targets: ["TLS"]),
        .executable(name: "ofdump", targets: ["ofdump"]),
        .executable(name: "ofbench", targets: ["ofbench"]),
        .executable(name: "ofcontroller", targets: ["ofcontroller"]),
        .library(name: "SwitchHost", targets: ["SwitchHost"]),
        .library(name: "ControllerHost", targets: ["ControllerHost"]),
        .library(name: "SwitchAppliance", targets: ["SwitchAppliance"]),
        .library(name: "NetStackHost", targets: ["NetStackHost"]),
        .executable(name: "ofswitch", targets: ["ofswitch"]),
        .executable(name: "ofnet", targets: ["ofnet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        .target(name: "Wire"),
        .target(name: "OpenFlow", dependencies: ["Wire", "Scheduler"]),
        .target(name: "Scheduler"),
        .target(name: "NetStack", dependencies: ["Wire", "Scheduler"]),
        .target(name: "Devices", dependencies: ["Wire", "Scheduler"]),
        .target(name: "Controller", dependencies: ["OpenFlow", "Wire", "Scheduler"]),
        .target(name: "Switch", dependencies: ["OpenFlow", "Wire", "Scheduler"]),
        .target(name: "CLinuxPlatform"),
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .target(name: "PcapDevice", dependencies: ["CPcap", "Devices", "Wire"]),
        .target(
            name: "LinuxPlatform",
            dependencies: ["Scheduler", "Devices", "Wire", "CLinuxPlatform", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "Capture", dependencies: ["Wire"]),
        .target(name: "COpenSSL", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        .target(
            name: "TLS",
            dependencies: ["COpenSSL", "Devices", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(name: "ControllerHost", dependencies: ["Controller", "Devices", "Scheduler"]),
        .target(
            name: "HTTPService",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "ControllerREST",
            dependencies: [
                "Controller", "OpenFlow", "Wire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(name: "SwitchAppliance", dependencies: ["Switch", "OpenFlow", "Devices", "Scheduler", "Wire"]),
        .target(
            name: "SwitchMetrics",
            dependencies: [
                "SwitchHost", "OpenFlow", "HTTPService",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(name: "NetStackHost", dependencies: ["NetStack", "Devices", "Scheduler", "Wire"]),
        .target(
            name: "DirectNetwork",
            dependencies: [
                "NetStackHost", "NetStack", "Devices", "LinuxPlatform", "PcapDevice", "Scheduler", "Wire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "SwitchHost",
            dependencies: [
                "Switch", "SwitchAppliance", "Devices", "OpenFlow", "Wire", "Scheduler", "LinuxPlatform", "Capture", "TLS",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ofdump",
            dependencies: [
                "OpenFlow", "Capture", "PcapDevice",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ofbench",
            dependencies: [
                "OpenFlow", "Wire", "Scheduler", "LinuxPlatform", "Devices", "TLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ofcontroller",
            dependencies: [
                "Controller", "ControllerHost", "ControllerREST", "HTTPService", "DirectNetwork", "NetStackHost", "OpenFlow", "Scheduler", "LinuxPlatform", "TLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ofswitch",
            dependencies: [
                "SwitchHost", "SwitchMetrics", "HTTPService", "Switch", "OpenFlow", "Scheduler", "LinuxPlatform", "DirectNetwork", "NetStackHost", "Devices", "Wire", "TLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ofnet",
            dependencies: [
                "DirectNetwork", "NetStackHost", "NetStack", "Devices", "LinuxPlatform", "OpenFlow", "Scheduler", "Wire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["Wire", "Devices", "Scheduler"], path: "Tests/TestSupport"),
        .testTarget(name: "WireTests", dependencies: ["Wire", "TestSupport"]),
        .testTarget(name: "OpenFlowTests", dependencies: ["OpenFlow", "Wire", "Capture", "TestSupport"]),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "Wire"]),
        .testTarget(name: "SchedulerTests", dependencies: ["Scheduler"]),
        .testTarget(name: "DirectNetworkTests", dependencies: ["DirectNetwork", "Wire"]),
        .testTarget(name: "NetStackHostTests", dependencies: ["NetStackHost", "NetStack", "Devices", "Wire", "Scheduler", "TestSupport"]),
        .testTarget(name: "NetStackTests", dependencies: ["NetStack", "Wire", "Scheduler", "TestSupport"]),
        .testTarget(name: "ControllerTests", dependencies: ["Controller", "ControllerHost", "Devices", "OpenFlow", "Wire", "Scheduler"]),
        .testTarget(name: "SwitchTests", dependencies: ["Switch", "OpenFlow", "Wire", "Scheduler", "Controller"]),
        .testTarget(name: "SwitchApplianceTests", dependencies: ["SwitchAppliance", "Switch", "OpenFlow", "Devices", "Wire", "Scheduler", "TestSupport"]),
        .testTarget(name: "ControllerRESTTests", dependencies: ["ControllerREST", "Controller", "OpenFlow", "Wire"]),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "COpenSSL", "Devices", "Scheduler"], exclude: ["Fixtures"]),
        .testTarget(name: "LinuxPlatformTests", dependencies: ["LinuxPlatform", "Scheduler"]),
        .testTarget(
            name: "SwitchHostTests",
            dependencies: ["SwitchHost", "Switch", "OpenFlow", "Wire", "Scheduler", "LinuxPlatform", "Capture", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
