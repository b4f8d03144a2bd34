import ArgumentParser
import CNNData
import CNNEngine
import CNNModel
import CNNReport
import CNNRuntime
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension CNNTUICommand {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a model with cnn-tui's engine on an MNIST or CIFAR folder; Ctrl-C keeps the best weights so far.")

        @OptionGroup var selection: ModelSelection

        @Option(
            help: ArgumentHelp(
                "A folder of MNIST/Fashion-MNIST IDX files or CIFAR-10/100 binaries (default: the bundled 4,000 + 1,000 MNIST digits).", valueName: "DIR"))
        var data: String?

        @Option(help: "Passes over the training images.")
        var epochs = 10

        @Option(help: "Images per mini-batch.")
        var batch = 32

        @Option(help: "Learning rate (default: 0.001 for adam, 0.01 for sgd).")
        var lr: Float?

        @Option(help: "The optimizer: sgd (with momentum) or adam.")
        var optimizer: Optimizer.Kind = .adam

        @Option(help: "SGD momentum.")
        var momentum: Float = 0.9

        @Option(help: "L2 weight decay.")
        var weightDecay: Float = 0

        @Option(help: "Shift each training image by up to this many pixels each way, at random (augmentation; 0: off).")
        var shift = 0

        @Option(help: "Seed of the initialization, the shuffles, shifts and dropout.")
        var seed: UInt64 = 1

        @Option(help: "Threads for OpenBLAS (default 1, so that a run repeats exactly).")
        var threads = 1

        @Option(help: ArgumentHelp("Where the best weights (by test accuracy) go, as safetensors.", valueName: "W.safetensors"))
        var out: String

        func validate() throws {
            if epochs < 1 { throw ValidationError("--epochs must be at least 1") }
            if batch < 1 { throw ValidationError("--batch must be at least 1") }
            if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
            if shift < 0 { throw ValidationError("--shift must be 0 or more") }
            if threads < 1 { throw ValidationError("--threads must be at least 1") }
        }

        func run() throws {
            let (model, analysis) = try selection.analysis()
            EngineThreads.set(threads)
            let assets = SampleFiles.locate(executable: CommandLine.arguments[0], environment: ProcessInfo.processInfo.environment)
            let checkpoint = OutputFile(out)
            try checkpoint.check()  // now, not after the first epoch's work
            let folder = try TrainingRun.dataFolder(data, assets: assets)
            var settings = Optimizer.Settings(kind: optimizer, learningRate: lr ?? (optimizer == .adam ? 0.001 : 0.01))
            settings.momentum = momentum
            settings.weightDecay = weightDecay
            let training = try TrainingRun(
                model: model, analysis: analysis, data: folder,
                settings: .init(epochs: epochs, batchSize: batch, optimizer: settings, seed: seed, maxShift: shift))
            print(
                "training \(model.title) at \(analysis.input) on \(folder.path) (\(folder.format.rawValue)): "
                    + "\(training.train.count.grouped) training, \(training.test.count.grouped) test images")
            print(
                "\(optimizer.rawValue), learning rate \(settings.learningRate)\(optimizer == .sgd ? ", momentum \(momentum)" : ""), "
                    + "batch \(batch), \(epochs) epoch\(epochs == 1 ? "" : "s")\(shift > 0 ? ", shifts up to \(shift) px" : ""), seed \(seed), \(analysis.trainableParams.grouped) parameters"
            )
            let bar = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
            let command = (["cnn-tui"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            let outcome = try training.train(saving: checkpoint, command: command, progress: { bar.show($0, epochs: epochs) }) { result, saved in
                bar.clear()
                print(
                    "epoch \(String(repeating: " ", count: String(epochs).count - String(result.epoch).count))\(result.epoch)/\(epochs)  "
                        + "loss \(formatFixed(result.trainLoss, digits: 4))  train acc \(percent(result.trainAccuracy, digits: 2))  "
                        + "test loss \(formatFixed(result.testLoss, digits: 4))  test acc \(percent(result.testAccuracy, digits: 2))  "
                        + "\(formatFixed(result.seconds, digits: 1)) s  \((Int(result.imagesPerSecond)).grouped) img/s"
                        + (saved ? "  best, saved" : ""))
            }
            bar.clear()
            switch outcome {
            case .finished(let best):
                if let best {
                    print(
                        "best: epoch \(best.epoch), test accuracy \(percent(best.testAccuracy, digits: 2)) on \(training.test.count.grouped) images; wrote \(out)"
                    )
                }
            case .interrupted(let best):
                print("interrupted: \(out) has the best weights so far (epoch \(best.epoch), test accuracy \(percent(best.testAccuracy, digits: 2)))")
                throw ExitCode(130)
            case .interruptedInFirstEpoch(let accuracy):
                print("interrupted in epoch 1: \(out) has the weights so far (test accuracy \(percent(accuracy, digits: 2)))")
                throw ExitCode(130)
            }
        }
    }
}

/// The optimizer named on the command line; `--help` lists the kinds.
extension Optimizer.Kind: ExpressibleByArgument {}

/// The progress bar on stderr while an epoch trains, redrawn in place at most ten times a second.
private final class ProgressLine {
    let enabled: Bool
    private var last = 0.0

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func show(_ p: BatchProgress, epochs: Int) {
        guard enabled else { return }
        let now = monotonicSeconds()
        guard now - last > 0.1 || p.samplesDone == p.samplesTotal else { return }
        last = now
        let width = 30
        let filled = p.samplesTotal > 0 ? width * p.samplesDone / p.samplesTotal : 0
        let line =
            "epoch \(p.epoch)/\(epochs) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            + "] \(p.samplesDone.grouped)/\(p.samplesTotal.grouped)  loss \(formatFixed(p.loss, digits: 4))  "
            + "acc \(percent(p.accuracy, digits: 2))  \((Int(p.imagesPerSecond)).grouped) img/s"
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
    }

    func clear() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
