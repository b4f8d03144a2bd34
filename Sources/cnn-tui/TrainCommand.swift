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

/// Set by the SIGINT handler; the training loop checks it between batches.
nonisolated(unsafe) private var interrupted: sig_atomic_t = 0

extension CNNTUICommand {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a model with cnn-tui's engine on an MNIST or CIFAR folder; Ctrl-C keeps the best weights so far.")

        @OptionGroup var selection: ModelSelection

        @Option(help: ArgumentHelp("A folder of MNIST/Fashion-MNIST IDX files or CIFAR-10/100 binaries (default: the bundled 4,000 + 1,000 MNIST digits).", valueName: "DIR"))
        var data: String?

        @Option(help: "Passes over the training images.")
        var epochs = 10

        @Option(help: "Images per mini-batch.")
        var batch = 32

        @Option(help: "Learning rate (default: 0.001 for adam, 0.01 for sgd).")
        var lr: Float?

        @Option(help: "sgd (with momentum) or adam.")
        var optimizer = "adam"

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
            if Optimizer.Kind(rawValue: optimizer) == nil { throw ValidationError("--optimizer must be sgd or adam; got '\(optimizer)'") }
            if shift < 0 { throw ValidationError("--shift must be 0 or more") }
            if threads < 1 { throw ValidationError("--threads must be at least 1") }
        }

        func run() throws {
            let (model, analysis) = try selection.analysis()
            // Found now, not after the first epoch's work.
            let parent = (out as NSString).deletingLastPathComponent
            let directory = parent.isEmpty ? "." : parent
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UserError("cannot write \(out): no folder \(directory)")
            }
            guard FileManager.default.isWritableFile(atPath: directory) else {
                throw UserError("cannot write \(out): the folder \(directory) is not writable")
            }
            setBLASThreads(threads)
            let folder = try dataFolder()
            let kind = Optimizer.Kind(rawValue: optimizer)!
            var settings = Optimizer.Settings(kind: kind, learningRate: lr ?? (kind == .adam ? 0.001 : 0.01))
            settings.momentum = momentum
            settings.weightDecay = weightDecay
            let training: TrainingRun
            do {
                training = try TrainingRun(model: model, analysis: analysis, data: folder,
                                           settings: .init(epochs: epochs, batchSize: batch, optimizer: settings, seed: seed, maxShift: shift))
            } catch {
                throw UserError("\(error)")
            }
            print("training \(model.title) at \(analysis.input) on \(folder.path) (\(folder.format.rawValue)): "
                  + "\(training.train.count.grouped) training, \(training.test.count.grouped) test images")
            print("\(kind.rawValue), learning rate \(settings.learningRate)\(kind == .sgd ? ", momentum \(momentum)" : ""), "
                   + "batch \(batch), \(epochs) epoch\(epochs == 1 ? "" : "s")\(shift > 0 ? ", shifts up to \(shift) px" : ""), seed \(seed), \(analysis.trainableParams.grouped) parameters")
            interrupted = 0
            signal(SIGINT) { _ in interrupted = 1 }
            defer { signal(SIGINT, SIG_DFL) }
            let bar = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
            for epoch in 1...epochs {
                let result = try training.runEpoch(isCancelled: { interrupted != 0 }, progress: { bar.show($0, epochs: epochs) }) { weights, result in
                    try save(weights, result, training: training)
                }
                bar.clear()
                guard let result else { break }
                let best = training.best?.epoch == epoch
                print("epoch \(String(repeating: " ", count: String(epochs).count - String(epoch).count))\(epoch)/\(epochs)  "
                      + "loss \(formatFixed(result.trainLoss, digits: 4))  train acc \(percentText(result.trainAccuracy))  "
                      + "test loss \(formatFixed(result.testLoss, digits: 4))  test acc \(percentText(result.testAccuracy))  "
                      + "\(formatFixed(result.seconds, digits: 1)) s  \((Int(result.imagesPerSecond)).grouped) img/s"
                      + (best ? "  best, saved" : ""))
            }
            if interrupted != 0 {
                if training.best == nil {
                    // Stopped inside the first epoch: the weights so far are the best there are.
                    let tested = training.trainer.evaluate(training.test)
                    try save(training.snapshot(), nil, training: training, accuracy: tested.accuracy)
                    print("interrupted in epoch 1: \(out) has the weights so far (test accuracy \(percentText(tested.accuracy)))")
                } else if let best = training.best {
                    print("interrupted: \(out) has the best weights so far (epoch \(best.epoch), test accuracy \(percentText(best.testAccuracy)))")
                }
                throw ExitCode(130)
            }
            if let best = training.best {
                print("best: epoch \(best.epoch), test accuracy \(percentText(best.testAccuracy)) on \(training.test.count.grouped) images; wrote \(out)")
            }
        }

        private func dataFolder() throws -> DatasetFolder {
            let path: String
            if let data {
                path = data
            } else {
                guard let assets = SampleFiles.locate(executable: CommandLine.arguments[0], environment: ProcessInfo.processInfo.environment) else {
                    throw UserError("cannot find the bundled samples (Assets/); give --data DIR or set CNN_TUI_ASSETS")
                }
                path = assets.folder(.mnist)
            }
            do { return try DatasetFolder.load(path) } catch { throw UserError("\(error)") }
        }

        /// Writes the weights with what made them, through a temporary file so that an
        /// interruption never leaves half a file.
        private func save(_ weights: [String: Tensor], _ result: EpochResult?, training: TrainingRun, accuracy: Double? = nil) throws {
            let metadata = [
                "model": training.analysis.graph.name,
                "epoch": result.map { String($0.epoch) } ?? "interrupted in 1",
                "test_accuracy": formatFixed(result?.testAccuracy ?? accuracy ?? 0, digits: 4),
                "command": (["cnn-tui"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            ]
            let temporary = out + ".partial"
            do {
                try Safetensors.write(weights, to: temporary, metadata: metadata)
                if FileManager.default.fileExists(atPath: out) { try FileManager.default.removeItem(atPath: out) }
                try FileManager.default.moveItem(atPath: temporary, toPath: out)
            } catch {
                throw UserError("cannot write \(out): \(error.localizedDescription)")
            }
        }
    }
}

private func percentText(_ fraction: Double) -> String {
    formatFixed(fraction * 100, digits: 2) + "%"
}

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
        let line = "epoch \(p.epoch)/\(epochs) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            + "] \(p.samplesDone.grouped)/\(p.samplesTotal.grouped)  loss \(formatFixed(p.loss, digits: 4))  "
            + "acc \(percentText(p.accuracy))  \((Int(p.imagesPerSecond)).grouped) img/s"
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
    }

    func clear() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
