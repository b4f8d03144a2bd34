// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cnn-tui",
    products: [
        .executable(name: "cnn-tui", targets: ["cnn-tui"]),
        .library(name: "CNNModel", targets: ["CNNModel"]),
        .library(name: "CNNZoo", targets: ["CNNZoo"]),
        // The readers as the libFuzzer harnesses of Fuzz/ (a package of its own) run them.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // MARK: - Analysis (pure Swift, no I/O)

        /// The architecture model: layers, ops, shapes, graph; shape inference, parameters,
        /// mult-adds, memory and receptive fields.
        .target(name: "CNNModel"),
        /// The model zoo, one file per family, written with `GraphBuilder`.
        .target(name: "CNNZoo", dependencies: ["CNNModel"]),
        /// Text and JSON reports over an analysis: torchinfo-style summary, receptive-field
        /// tables, the parameter calculator and the stacked-kernel comparison.
        .target(name: "CNNReport", dependencies: ["CNNModel", "CNNZoo"]),

        // MARK: - Files

        /// What is wrong with a file, in words: missing, a folder, unreadable, the system's
        /// reason for a failed read or write (not Foundation's sentences).
        .target(name: "CNNFiles"),

        // MARK: - Import

        /// Readers of users' networks: ONNX files (through the committed, generated
        /// `Generated/onnx.pb.swift`; Scripts/generate-onnx-swift.sh) and Keras architecture
        /// files (`model.to_json()` and the `config.json` inside a `.keras` zip) to plain Swift values.
        .target(
            name: "CNNImport",
            dependencies: [
                "CNNModel", "CNNFiles", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),

        // MARK: - Engine

        /// OpenBLAS's CBLAS through pkg-config.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        /// The loops BLAS does not cover (Winograd transforms, im2col, pooling, tanh, fused
        /// epilogues), each compiled for AVX-512, AVX2 and baseline x86-64 and picked at run time.
        .target(name: "CKernels"),
        /// Float32 NCHW tensors and the kernels of every op, run over a CNNModel graph.
        .target(name: "CNNEngine", dependencies: ["CNNModel", "CNNFiles", "CBLAS", "CKernels"]),

        // MARK: - Data

        /// zlib through pkg-config (gzip-compressed IDX files); not `CZlib`, which is the name of
        /// ZIPFoundation's own zlib module.
        .systemLibrary(name: "CZlibSystem", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        /// libpng through pkg-config.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        /// Data set readers (IDX, CIFAR binary, PNG, PGM/PPM) and the bundled samples.
        .target(name: "CNNData", dependencies: ["CNNFiles", "CZlibSystem", "CPNG"]),

        // MARK: - Runtime

        /// A zoo model with its weights (file, shipped, fixed or random) and sample images fitted
        /// to its input: what `run`, `train` and the feature-map screen share.
        .target(name: "CNNRuntime", dependencies: ["CNNModel", "CNNFiles", "CNNZoo", "CNNImport", "CNNEngine", "CNNData"]),

        // MARK: - Terminal UI

        /// Screens, widgets and app state, drawn into an in-memory `Canvas`; knows nothing of ncurses.
        .target(name: "CNNTUI", dependencies: ["CNNModel", "CNNZoo", "CNNReport", "CNNData", "CNNImport", "CNNRuntime"]),

        // MARK: - Terminal backend

        /// ncursesw through pkg-config; the shim switches on the wide-character API.
        .systemLibrary(name: "CNCurses", pkgConfig: "ncursesw", providers: [.apt(["libncursesw5-dev"])]),
        /// Copies the UI's canvas to a real terminal and reads keys.
        .target(name: "NCursesBackend", dependencies: ["CNCurses", "CNNTUI"]),

        // MARK: - Executable

        .executableTarget(
            name: "cnn-tui",
            dependencies: [
                "CNNModel", "CNNZoo", "CNNReport", "CNNEngine", "CNNData", "CNNRuntime", "CNNTUI", "NCursesBackend",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Fuzzing (Scripts/fuzz.sh)

        /// Every reader of a user's file, run on bytes as the program runs it: for the libFuzzer
        /// harnesses in Fuzz/ and the regression tests that replay their corpus.
        .target(
            name: "FuzzTargets", dependencies: ["CNNData", "CNNEngine", "CNNImport", "CNNModel", "CNNReport", "CNNRuntime", "CNNZoo"],
            path: "Fuzz/Targets"),

        // MARK: - Benchmarks (release build; Benchmarks/ui.sh)

        .executableTarget(name: "cnn-tui-ui-bench", dependencies: ["CNNModel", "CNNZoo", "CNNTUI", "CNNData", "CNNRuntime"], path: "Benchmarks/UIBenchmark"),

        // MARK: - Tests

        /// What the test targets share: repository and fixture paths, the seeded generator, the
        /// float comparison `assertMatches`, the built executable's location.
        .target(name: "TestSupport", dependencies: ["CNNData"], path: "Tests/TestSupport"),
        .testTarget(name: "CNNModelTests", dependencies: ["CNNModel"]),
        .testTarget(name: "CNNZooTests", dependencies: ["CNNModel", "CNNZoo", "TestSupport"]),
        .testTarget(name: "CNNImportTests", dependencies: ["CNNImport", "TestSupport"]),
        .testTarget(name: "CNNReportTests", dependencies: ["CNNModel", "CNNZoo", "CNNReport"]),
        .testTarget(name: "CNNEngineTests", dependencies: ["CNNModel", "CNNZoo", "CNNEngine", "CKernels", "TestSupport"]),
        .testTarget(name: "CNNDataTests", dependencies: ["CNNData", "CZlibSystem", "TestSupport"]),
        .testTarget(name: "CNNTUITests", dependencies: ["CNNModel", "CNNZoo", "CNNTUI", "CNNData", "CNNImport", "CNNRuntime", "TestSupport"]),
        /// Runs the built `cnn-tui` binary as a user would and reads what it prints.
        .testTarget(name: "CLITests", dependencies: ["cnn-tui", "CNNData", "CNNEngine", "TestSupport"]),
        .testTarget(name: "CNNRuntimeTests", dependencies: ["CNNModel", "CNNZoo", "CNNEngine", "CNNData", "CNNRuntime", "TestSupport"]),
        /// Every reader on the fuzzers' seeds and on each input that once crashed one.
        .testTarget(name: "FuzzRegressionTests", dependencies: ["CNNModel", "FuzzTargets", "TestSupport"]),
        /// The full-screen browser driven through tmux, as a user would.
        .testTarget(name: "EndToEndTests", dependencies: ["cnn-tui", "TestSupport"]),
    ]
)
