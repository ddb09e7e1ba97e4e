// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "clearway",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "clearway", targets: ["clearway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // OTLP over HTTP only (protobuf or JSON): no gRPC stack in the build.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        // ID tokens and access tokens from the identity provider, checked against its JWKS.
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
    ],
    targets: [
        .target(
            name: "ClearwayCore",
            dependencies: [.product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "ClearwayInsights", dependencies: ["ClearwayCore"]),
        // The sentence encoder's matrix products, attention and GELU, in C so that each runs
        // on the widest vector instructions the machine has (chosen at run time).
        .target(name: "ClearwayKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // Optimised in debug builds too: training and the encoder's glue are loops over
        // floats, tens of times slower unoptimised, and the demo trains at start.
        .target(name: "ClearwayIntelligence", dependencies: ["ClearwayCore", "ClearwayKernels"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(
            name: "ClearwayIntegration",
            dependencies: [
                "ClearwayCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        .target(
            name: "ClearwayStore",
            dependencies: [
                "ClearwayCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ClearwayEngine",
            dependencies: [
                "ClearwayCore", "ClearwayStore", "ClearwayIntegration", "ClearwayInsights", "ClearwayIntelligence",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/default-policy.yaml")]
        ),
        .target(
            name: "ClearwayHTTP",
            dependencies: [
                "ClearwayEngine", "ClearwayInsights", "ClearwayIntelligence",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources")],
            // HTTP talks to the engine only: members of the store are not visible here
            // even though the engine links it.
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "ClearwaySimulator",
            dependencies: [
                "ClearwayCore", "ClearwayIntegration",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "clearway",
            dependencies: [
                "ClearwayHTTP", "ClearwaySimulator", "ClearwayInsights", "ClearwayIntelligence",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OTel", package: "swift-otel"),
            ]
        ),
        .target(
            name: "ClearwayTestSupport",
            dependencies: ["ClearwayStore", "ClearwayIntelligence", .product(name: "SQLKit", package: "sql-kit"), .product(name: "Logging", package: "swift-log")],
            path: "Tests/Support"
        ),
        .testTarget(name: "ClearwayCoreTests", dependencies: ["ClearwayCore"]),
        .testTarget(name: "ClearwayEngineTests", dependencies: ["ClearwayEngine", "ClearwayCore", "ClearwayIntegration"]),
        .testTarget(name: "ClearwayInsightsTests", dependencies: ["ClearwayInsights", "ClearwayEngine", "ClearwaySimulator", "ClearwayTestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ClearwayIntelligenceTests", dependencies: ["ClearwayIntelligence", "ClearwayKernels", "ClearwayEngine", "ClearwayIntegration", "ClearwayTestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ClearwayIntegrationTests", dependencies: ["ClearwayIntegration", "ClearwayEngine", "ClearwaySimulator"]),
        .testTarget(
            name: "ClearwayStoreTests",
            dependencies: ["ClearwayStore", "ClearwayEngine", "ClearwayIntegration", "ClearwaySimulator", "ClearwayTestSupport",
                           .product(name: "SQLKit", package: "sql-kit")]
        ),
        .testTarget(
            name: "ClearwayHTTPTests",
            dependencies: [
                "ClearwayHTTP", "ClearwaySimulator", "ClearwayTestSupport", "ClearwayInsights",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ]
)
