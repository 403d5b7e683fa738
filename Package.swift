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
        .library(name: "HashIndex", targets: ["HashIndex"]),
        .library(name: "MediaDecoding", targets: ["MediaDecoding"]),
        .library(name: "MediaHashing", targets: ["MediaHashing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
    ],
    targets: [
        // MARK: Hashing core: pure Swift, no dependencies.
        .target(name: "PDQ", swiftSettings: strict + optimised),
        .target(name: "HashIndex", swiftSettings: strict + optimised),

        // MARK: Decoding through Debian's C libraries.
        .systemLibrary(
            name: "CTurboJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(
            name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CGIF", providers: [.apt(["libgif-dev"])]),
        .target(
            name: "CPNGShim",
            linkerSettings: [.linkedLibrary("png16")]),
        .target(
            name: "MediaDecoding",
            dependencies: ["CTurboJPEG", "CWebP", "CGIF", "CPNGShim"],
            swiftSettings: strict),

        // MARK: Files to hash records.
        .target(
            name: "MediaHashing",
            dependencies: [
                "PDQ", "MediaDecoding",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),

        // MARK: The command line.
        .executableTarget(
            name: "cordon",
            dependencies: [
                "MediaHashing", "PDQ", "MediaDecoding", "HashIndex",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),

        // MARK: Tests, one mirror target each, and what they share.
        .target(name: "CordonTestSupport", dependencies: ["CTurboJPEG"], swiftSettings: strict),
        .testTarget(name: "PDQTests", dependencies: ["PDQ"], swiftSettings: strict),
        .testTarget(name: "HashIndexTests", dependencies: ["HashIndex"], swiftSettings: strict),
        .testTarget(
            name: "MediaDecodingTests", dependencies: ["MediaDecoding", "CordonTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "MediaHashingTests",
            dependencies: ["MediaHashing", "PDQ", "MediaDecoding", "CordonTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "CordonTests", dependencies: ["cordon", "PDQ", "CordonTestSupport"],
            swiftSettings: strict),
    ]
)
