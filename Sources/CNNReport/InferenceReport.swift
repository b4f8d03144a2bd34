import CNNModel
import Foundation

/// What `cnn-tui run` prints: the top classes, and the per-layer profile.
public enum InferenceReport {
    /// The `k` largest outputs with their softmax probabilities (or the values themselves when
    /// the model already ends in a softmax).
    public static func top(_ output: [Float], k: Int = 5, alreadyProbabilities: Bool) -> [(index: Int, probability: Double)] {
        let maximum = output.max() ?? 0
        let probabilities: [Double]
        if alreadyProbabilities {
            probabilities = output.map(Double.init)
        } else {
            let exps = output.map { exp(Double($0 - maximum)) }
            let sum = exps.reduce(0, +)
            probabilities = exps.map { $0 / sum }
        }
        return probabilities.enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
            .prefix(k).map { (index: $0.offset, probability: $0.element) }
    }

    public static func renderTop(_ top: [(index: Int, probability: Double)], names: [String]?) -> [String] {
        top.enumerated().map { rank, entry in
            // Digits are their own names: "class 7", not "class 7  7".
            let name =
                names.flatMap { entry.index < $0.count && $0[entry.index] != String(entry.index) ? $0[entry.index] : nil }
                .map { "  " + $0 } ?? ""
            return "  \(rank + 1). class \(entry.index)\(name)  \(percent(entry.probability, digits: 2))"
        }
    }

    /// A map's range and mean, for a model that is not a classifier (a single module, a conv stack).
    public static func renderMap(_ values: [Float], shape: TensorShape) -> String {
        "output \(shape): min \(formatFixed(Double(values.min() ?? 0), digits: 4)), "
            + "max \(formatFixed(Double(values.max() ?? 0), digits: 4)), "
            + "mean \(formatFixed(Double(values.reduce(0, +)) / Double(max(values.count, 1)), digits: 4))"
    }

    /// The forward pass's time: four decimals below a millisecond, so that LeNet-5's tens of
    /// microseconds keep three digits.
    /// `kernels`: what ran (`OpenBLAS SkylakeX, CKernels avx512`).
    public static func renderTime(seconds: Double, repeats: Int, kernels: String) -> String {
        let how = repeats > 1 ? "median of \(repeats)" : "one pass"
        let milliseconds = seconds * 1e3
        return "forward pass: \(formatFixed(milliseconds, digits: milliseconds < 1 ? 4 : 2)) ms (\(how); \(kernels))"
    }

    /// Per-layer time, GFLOP/s (2 FLOPs per mult-add) and the kernel that ran, slowest layers
    /// first, and the total. A layer that computed convolutions merged into it (an inverted residual
    /// block's 1x1 convolutions) counts their mult-adds in its GFLOP/s; a merged layer's is blank.
    public static func renderProfile(_ timings: [LayerTiming], analysis: ModelAnalysis, limit: Int = 25) -> [String] {
        var table = TextTable([
            .init("Layer"), .init("Type"), .init("Time (ms)", .right), .init("Share", .right),
            .init("Mult-adds", .right), .init("GFLOP/s", .right), .init("Kernel"),
        ])
        let total = timings.map(\.seconds).reduce(0, +)
        var mergedMACs: [Int: Int] = [:]
        // Only convolutions merged into a layer are work it did; a folded batchnorm's or fused
        // activation's counted mult-adds are not.
        for t in timings {
            if let root = t.mergedInto, case .conv2d = analysis.graph.layers[t.layer].op {
                mergedMACs[root, default: 0] += analysis.layers[t.layer].macs
            }
        }
        for t in timings.sorted(by: { $0.seconds > $1.seconds }).prefix(limit) {
            let layer = analysis.graph.layers[t.layer]
            let macs = analysis.layers[t.layer].macs
            let work = macs + mergedMACs[t.layer, default: 0]
            let gflops = work > 0 && t.seconds > 0 && t.mergedInto == nil ? formatFixed(2 * Double(work) / t.seconds / 1e9, digits: 1) : ""
            table.append([
                layer.name, layer.op.typeName, formatFixed(t.seconds * 1e3, digits: 3),
                percent(t.seconds / max(total, 1e-12), digits: 1), Display.count(macs), gflops, t.kernel,
            ])
        }
        // Time summed by a key, largest first: "key 1.23 ms (45.6%); ..." (semicolons: kernel
        // names hold commas, "Winograd 4x4, packed GEMM").
        func shares(_ key: (LayerTiming) -> String?) -> String {
            var sums: [String: Double] = [:]
            for t in timings { if let k = key(t) { sums[k, default: 0] += t.seconds } }
            return sums.sorted { $0.value > $1.value }.map {
                "\($0.key) \(formatFixed($0.value * 1e3, digits: 2)) ms (\(percent($0.value / max(total, 1e-12), digits: 1)))"
            }.joined(separator: "; ")
        }
        let types = shares { analysis.graph.layers[$0.layer].op.typeName }
        // A layer merged into another is that one's kernel's work.
        let kernels = shares { $0.kernel.isEmpty || $0.mergedInto != nil ? nil : $0.kernel }
        return table.render() + ["By type: " + types] + (kernels.isEmpty ? [] : ["By kernel: " + kernels]) + [
            "Total \(formatFixed(total * 1e3, digits: 2)) ms for \(timings.count) layers; "
                + "\(formatFixed(2 * Double(analysis.macs) / max(total, 1e-12) / 1e9, digits: 1)) GFLOP/s overall"
                + (timings.count > limit ? " (the \(limit) slowest layers shown)" : "")
        ]
    }
}
