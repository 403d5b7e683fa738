// swift-tools-version:6.1
import PackageDescription

/// Hot loops (PDQ's blur, Hamming scans) are compiled optimised even in debug builds, so the
/// test suite runs real images in seconds, and for a CPU with the popcount instruction.
let optimised: [SwiftSetting] = [
    .unsafeFlags(["-O", "-target-cpu", "nehalem"])
]

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "cordon",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cordon", targets: ["cordon"]),
        .library(name: "PDQ", targets: ["PDQ"]),
        .library(name: "CordonDomain", targets: ["CordonDomain"]),
        .library(name: "HashIndex", targets: ["HashIndex"]),
        .library(name: "MediaDecoding", targets: ["MediaDecoding"]),
        .library(name: "MediaHashing", targets: ["MediaHashing"]),
        .library(name: "VideoFeatures", targets: ["VideoFeatures"]),
        .library(name: "VideoHash", targets: ["VideoHash"]),
        .library(name: "CordonServices", targets: ["CordonServices"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        // The hub. Hummingbird without its swift-configuration trait; FluentKit without Vapor.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.0"),
        // Outgoing HTTP (removal checks, webhooks), and a real client for event streams in tests.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        // The pages: templates, bcrypt and TOTP.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        // MARK: Hashing core: pure Swift, no dependencies.
        .target(name: "PDQ", swiftSettings: strict + optimised),
        .target(name: "HashIndex", dependencies: ["CPrefetch"], swiftSettings: strict + optimised),
        .target(name: "CPrefetch"),

        // MARK: Decoding through Debian's C libraries.
        .systemLibrary(
            name: "CTurboJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(
            name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CGIF", providers: [.apt(["libgif-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .target(
            name: "CPNGShim",
            linkerSettings: [.linkedLibrary("png16")]),
        .target(
            name: "MediaDecoding",
            dependencies: ["CTurboJPEG", "CWebP", "CGIF", "CPNGShim", "CDeflate"],
            swiftSettings: strict),

        // MARK: The hub: domain (no web, no database), storage, HTTP.
        .target(
            name: "CordonDomain",
            dependencies: ["PDQ", "VideoFeatures", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        .target(
            name: "CordonStore",
            dependencies: [
                "CordonDomain",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "CordonOutbound",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // Every use case, with its permission check, validation and orchestration; no HTTP.
        .target(
            name: "CordonServices",
            dependencies: [
                "CordonDomain", "CordonStore", "CordonOutbound", "HashIndex", "MediaHashing", "MediaDecoding", "PDQ", "VideoFeatures", "VideoHash",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: strict),
        // The shapes and files of other tools (python-threatexchange, HMA, TAT): no HTTP.
        .target(name: "CordonInterop", dependencies: ["CordonDomain", "CordonServices", "CordonStore"], swiftSettings: strict),
        // The JSON API over the services: decode, call, encode.
        .target(
            name: "CordonHub",
            dependencies: [
                "CordonDomain", "CordonStore", "CordonServices", "CordonInterop", "PDQ", "MediaHashing", "VideoFeatures",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            exclude: ["openapi.json"],
            swiftSettings: strict,
            plugins: ["EmbedText"]),

        // The small platform's mirror: a copy of the hub's collections that follows its feed
        // and matches offline.
        .target(
            name: "CordonMirror",
            dependencies: [
                "CordonDomain", "CordonStore", "CordonServices", "CordonHub", "CordonOutbound", "HashIndex", "MediaHashing", "PDQ",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),

        // The dashboard: HTML pages over the services, beside the JSON API.
        .target(
            name: "CordonWeb",
            dependencies: [
                "CordonDomain", "CordonServices", "CordonStore", "CordonHub",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ],
            exclude: ["Templates", "Assets"],
            swiftSettings: strict,
            plugins: ["EmbedText"]),

        // MARK: Video: vPDQ hashing and matching.
        // Frame features (vPDQ, TMK+PDQF), their binary form and matching: no decoding, so
        // the domain can validate and the hub can match videos.
        .target(name: "VideoFeatures", dependencies: ["PDQ", "HashIndex"], swiftSettings: strict + optimised),
        // Hashing videos: decoded frames (ffmpeg) to vPDQ features.
        .target(name: "VideoHash", dependencies: ["VideoFeatures", "PDQ", "MediaDecoding"], swiftSettings: strict + optimised),

        // MARK: Files to hash records.
        .target(
            name: "MediaHashing",
            dependencies: [
                "PDQ", "MediaDecoding",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),

        // MARK: Text files (the OpenAPI document, the pages' templates and assets) compiled in
        // as string literals: SwiftPM's `embedInCode` writes byte arrays, which take the
        // compiler most of a minute for the OpenAPI document alone.
        .plugin(name: "EmbedText", capability: .buildTool()),

        // MARK: The command line.
        .executableTarget(
            name: "cordon",
            dependencies: [
                "MediaHashing", "PDQ", "MediaDecoding", "HashIndex", "VideoHash", "CordonHub", "CordonWeb", "CordonMirror", "CordonServices", "CordonInterop", "CordonStore", "CordonDomain", "CordonOutbound",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),

        // MARK: Tests, one mirror target each, and what they share.
        .target(
            name: "CordonTestSupport",
            dependencies: [
                "CTurboJPEG",
                "CDeflate",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(name: "PDQTests", dependencies: ["PDQ"], swiftSettings: strict),
        .testTarget(name: "HashIndexTests", dependencies: ["HashIndex", "CordonTestSupport"], swiftSettings: strict),
        .testTarget(name: "CordonDomainTests", dependencies: ["CordonDomain"], swiftSettings: strict),
        .testTarget(name: "VideoFeaturesTests", dependencies: ["VideoFeatures", "PDQ"], swiftSettings: strict),
        .testTarget(
            name: "VideoHashTests", dependencies: ["VideoHash", "MediaDecoding", "PDQ", "CordonTestSupport"],
            exclude: ["reference_vpdq.py"], swiftSettings: strict),
        .testTarget(
            name: "CordonStoreTests",
            dependencies: [
                "CordonStore", "CordonDomain", "CordonTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CordonServicesTests",
            dependencies: [
                "CordonServices", "CordonStore", "CordonDomain", "CordonOutbound", "CordonTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CordonInteropTests",
            dependencies: ["CordonInterop", "CordonDomain", "CordonServices", "CordonStore", "VideoFeatures"], swiftSettings: strict),
        .testTarget(
            name: "CordonOutboundTests",
            dependencies: [
                "CordonOutbound",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CordonHubTests",
            dependencies: [
                "CordonHub", "CordonServices", "CordonStore", "CordonDomain", "CordonOutbound", "CordonInterop", "PDQ", "VideoFeatures", "MediaDecoding", "CordonTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CordonMirrorTests",
            dependencies: [
                "CordonMirror", "CordonHub", "CordonServices", "CordonStore", "CordonDomain", "CordonOutbound", "CordonTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CordonWebTests",
            dependencies: [
                "CordonWeb", "CordonHub", "CordonServices", "CordonStore", "CordonDomain", "CordonOutbound", "CordonTestSupport", "PDQ",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "MediaDecodingTests", dependencies: ["MediaDecoding", "CordonTestSupport", "CDeflate"],
            swiftSettings: strict),
        .testTarget(
            name: "MediaHashingTests",
            dependencies: ["MediaHashing", "PDQ", "MediaDecoding", "CordonTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "CordonTests", dependencies: ["cordon", "PDQ", "CordonDomain", "CordonOutbound", "CordonTestSupport",
                                                .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Interop/pytx_te_fetch.py", "Interop/dsa_database.py"],
            swiftSettings: strict),
    ]
)
