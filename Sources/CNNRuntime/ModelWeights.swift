import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation

/// A model's weights and where they came from, so every screen and command can say whether its
/// predictions mean anything.
public struct ModelWeights {
    public enum Source: Hashable, Sendable {
        /// A safetensors file the user gave.
        case file(String)
        /// Trained weights shipped in `Assets/weights/`.
        case shipped(String)
        /// Kernels the model defines itself (the `filters` model).
        case fixed
        /// He initialization from a seed: an untrained network.
        case random(seed: UInt64)
        /// An edited network: `kept` of its tensors from the original's weights (`from`), the
        /// other `fresh` ones random from `seed`.
        indirect case edited(from: Source, kept: Int, fresh: Int, seed: UInt64)
    }

    public let weights: Weights
    public let source: Source

    public var isTrained: Bool { Self.isTrained(source) }

    static func isTrained(_ source: Source) -> Bool {
        switch source {
        case .file, .shipped: return true
        case .fixed, .random: return false
        case .edited(let from, _, let fresh, _): return fresh == 0 && isTrained(from)
        }
    }

    /// One line for the UI and `run`: `trained on MNIST (lenet5-mnist.safetensors)`, `random weights (seed 42)`.
    public var description: String { Self.describe(source) }

    static func describe(_ source: Source) -> String {
        switch source {
        case .edited(let from, let kept, let fresh, let seed):
            if fresh == 0 { return describe(from) + ", every tensor still fits" }
            return describe(from) + " where they still fit (\(kept) tensors); \(fresh) random (seed \(seed))"
        case .file(let path): return "weights from \(path)"
        case .shipped(let name): return "trained weights (\(name))"
        case .fixed: return "the model's fixed kernels"
        case .random(let seed): return "random weights (seed \(seed))"
        }
    }

    /// The seed of random (He-initialized) weights when none is given, the same for `run` and the
    /// browser, so that both show the same untrained network.
    public static let defaultSeed: UInt64 = 42

    /// The weights to run `model` with: the file when given; otherwise the model's fixed kernels,
    /// its shipped trained weights (when they fit this input size), or He initialization from
    /// `seed`, in that order. A file that is unreadable or does not fit the model is an error.
    public static func load(
        _ model: ZooModel, analysis: ModelAnalysis, file: String? = nil, seed: UInt64 = defaultSeed, assets: SampleFiles? = nil
    ) throws -> ModelWeights {
        try Weights.checkSizes(analysis)  // before drawing or reading anything of the model's size
        if file == nil, let original = model.editedFrom {
            return try edited(model, from: original, analysis: analysis, seed: seed, assets: assets)
        }
        if let file {
            let weights = Weights(tensors: try Safetensors.read(path: file), origin: file)
            try weights.validate(for: analysis)
            return ModelWeights(weights: weights, source: .file(file))
        }
        if let imported = model.file, !model.constants.isEmpty {
            // A network read from a file brings its own weights.
            let weights = Weights(tensors: model.constants.mapValues { Tensor(shape: $0.shape, values: $0.values) }, origin: imported)
            try weights.validate(for: analysis)
            return ModelWeights(weights: weights, source: .file(imported))
        }
        if !model.constants.isEmpty {
            let weights = Weights(
                tensors: model.constants.mapValues { Tensor(shape: $0.shape, values: $0.values) },
                origin: "the model's fixed kernels")
            try weights.validate(for: analysis)
            return ModelWeights(weights: weights, source: .fixed)
        }
        if let name = model.shippedWeights, let assets, analysis.input == model.defaultInput {
            let path = assets.weightsFolder + "/" + name
            if FileManager.default.fileExists(atPath: path) {
                let weights = Weights(tensors: try Safetensors.read(path: path), origin: path)
                try weights.validate(for: analysis)
                return ModelWeights(weights: weights, source: .shipped(name))
            }
        }
        return ModelWeights(weights: .heInitialized(analysis, seed: seed), source: .random(seed: seed))
    }

    /// An edited network's weights: the original's (file, shipped or its own) for every tensor
    /// whose name and shape still fit, He initialization for the rest.
    static func edited(_ model: ZooModel, from original: ZooModel, analysis: ModelAnalysis, seed: UInt64, assets: SampleFiles?) throws
        -> ModelWeights
    {
        let fresh = Weights.heInitialized(analysis, seed: seed)
        guard let originalAnalysis = (try? original.analysis(input: analysis.input)) ?? (try? original.analysis()),
            let before = try? load(original, analysis: originalAnalysis, seed: seed, assets: assets)
        else {
            return ModelWeights(weights: fresh, source: .random(seed: seed))
        }
        var tensors = fresh.tensors
        var kept = 0
        for (name, tensor) in fresh.tensors {
            if let old = before.weights[name], old.shape == tensor.shape {
                tensors[name] = old
                kept += 1
            }
        }
        let weights = Weights(tensors: tensors, origin: before.weights.origin)
        try weights.validate(for: analysis)
        return ModelWeights(weights: weights, source: .edited(from: before.source, kept: kept, fresh: tensors.count - kept, seed: seed))
    }
}
