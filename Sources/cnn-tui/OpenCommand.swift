import ArgumentParser
import CNNData
import CNNModel
import CNNRuntime
import CNNTUI
import CNNZoo
import Foundation
import NCursesBackend

#if canImport(Glibc)
    import Glibc
#endif

extension CNNTUICommand {
    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the full-screen browser (the default command): graph, receptive fields, calculator, feature maps.")

        @OptionGroup var model: ModelSelection

        @Option(
            help: ArgumentHelp(
                "The sample the feature maps run: mnist:N, cifar10:N, cifar100:N or imagenet:N (default: the first of the data set that suits the model).",
                valueName: "DATASET:N"))
        var sample: String?

        @Option(
            help: ArgumentHelp(
                "Weights for the feature maps, as safetensors with torchvision's names (default: shipped trained weights, else random).",
                valueName: "W.safetensors"))
        var weights: String?

        @Option(help: "The screen to start on: graph, rf, calc or maps.")
        var screen: StartScreen = .graph

        @Flag(help: "Draw with plain ASCII characters only.")
        var ascii = false

        @Flag(help: "No colours (also when the NO_COLOR environment variable is set).")
        var noColor = false

        /// For Benchmarks/ui.sh: draw the first frame, then quit.
        @Flag(help: .hidden)
        var firstFrameOnly = false

        enum StartScreen: String, ExpressibleByArgument, CaseIterable {
            case graph, rf, calc, maps

            var id: ScreenID {
                switch self {
                case .graph: return .graph
                case .rf: return .receptiveField
                case .calc: return .calculator
                case .maps: return .featureMaps
                }
            }
        }

        func run() throws {
            let (zoo, analysis) = try model.analysis(orDefault: "lenet5")
            guard NCursesBackend.isInteractive() else {
                printError("cnn-tui: the browser needs a terminal; for text output use `cnn-tui summary \(zoo.name)`")
                throw ExitCode(2)
            }
            let colors = !noColor && (getenv("NO_COLOR").map { String(cString: $0).isEmpty } ?? true)
            let assets = SampleFiles.locate(executable: CommandLine.arguments[0], environment: ProcessInfo.processInfo.environment)
            var state = try AppState(
                model: zoo, input: analysis.input, options: ZooOptions(auxClassifiers: model.aux),
                theme: Theme(ascii: ascii, colors: colors), samples: assets.map(SampleCache.init(files:)))
            state.featureMaps.weightsFile = weights
            if let sample { try state.chooseSample(SampleID(parsing: sample)) }
            // Checked now, so that a bad file is a one-line error rather than a message in the UI.
            if let weights { _ = try ModelWeights.load(zoo, analysis: analysis, file: weights) }
            state.switchScreen(to: screen.id)
            let backend = NCursesBackend(colors: colors)
            defer { backend.shutdown() }
            // The soak test's window on the loop: keys read and frames drawn, in a file.
            let log = ProcessInfo.processInfo.environment["CNN_TUI_FRAME_LOG"].map { FrameLog(backend, path: $0) }
            let runner = AppRunner(state: state, backend: log ?? backend, ascii: ascii)
            if firstFrameOnly {
                runner.draw()
            } else {
                runner.run()
            }
            // Ctrl-C quits the browser as it interrupts any command: with 130.
            if runner.state.interrupted {
                backend.shutdown()
                throw ExitCode(130)
            }
        }
    }
}

/// One line on standard error.
func printError(_ message: String) {
    let line = message + "\n"
    _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
}
