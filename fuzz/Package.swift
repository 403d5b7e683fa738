// swift-tools-version: 6.0
// libFuzzer targets for Cordon's readers of outside input. Not part of the main build:
// `bench/fuzz` builds them with `-sanitize=fuzzer,address` and runs each for a while.
import PackageDescription

let fuzzTarget: (String, [Target.Dependency]) -> Target = { name, dependencies in
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + dependencies, swiftSettings: [.unsafeFlags(["-parse-as-library"])])
}

let package = Package(
    name: "cordon-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "cordon", path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        fuzzTarget("FuzzImages", [.product(name: "MediaDecoding", package: "cordon")]),
        fuzzTarget("FuzzVPDQText", [.product(name: "VideoFeatures", package: "cordon")]),
        fuzzTarget("FuzzTMK", [.product(name: "VideoFeatures", package: "cordon")]),
        fuzzTarget("FuzzURLs", [.product(name: "CordonDomain", package: "cordon")]),
        fuzzTarget("FuzzCanonicalJSON", [.product(name: "CordonDomain", package: "cordon"), .product(name: "CordonServices", package: "cordon")]),
        fuzzTarget("FuzzCursors", [.product(name: "CordonDomain", package: "cordon")]),
        fuzzTarget("FuzzEXIF", [.product(name: "MediaDecoding", package: "cordon")]),
        fuzzTarget("FuzzJSONBodies", [.product(name: "CordonServices", package: "cordon")]),
    ]
)
