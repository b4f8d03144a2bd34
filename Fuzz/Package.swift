// swift-tools-version:6.0
import Foundation
import PackageDescription

/// libFuzzer harnesses, one per reader of a file a user can hand cnn-tui. Not part of the main
/// package: built only with `-sanitize=fuzzer,address` (which links libFuzzer's driver), by
/// Scripts/fuzz.sh.
let readers = ["safetensors", "idx", "cifar", "png", "pnm", "onnx", "keras", "modeltext"]
/// A package found by path is known by its folder's name: the clone's, whatever it is.
let main = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "cnn-tui-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        /// libFuzzer's entry and the driver call, shared by the harnesses.
        .target(name: "FuzzDriver", dependencies: ["CFuzzDriver", .product(name: "FuzzTargets", package: main)]),
    ]
        + readers.map { reader in
            .executableTarget(name: "fuzz-\(reader)", dependencies: ["FuzzDriver"], path: "Sources/\(reader)")
        }
)
