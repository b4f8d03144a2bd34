import CNNModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One tensor of an analysed graph under its torchvision `state_dict` key
/// (`layer1.0.conv1.weight`, `layer1.0.bn1.running_mean`, ...), so a file saved from PyTorch maps
/// onto the graph by name. Shapes and roles are CNNModel's `Op.parameters(input:)`.
public struct ParameterSpec: Hashable, Sendable {
    public typealias Role = ParameterTensor.Role

    public let name: String
    /// The layer it belongs to.
    public let layer: Int
    public let tensor: ParameterTensor

    public var shape: [Int] { tensor.shape }
    public var role: Role { tensor.role }
    public var isTrainable: Bool { tensor.isTrainable }

    /// Every tensor the analysed graph needs, in layer order.
    public static func all(for analysis: ModelAnalysis) -> [ParameterSpec] {
        analysis.graph.layers.flatMap { layer in
            analysis.parameterTensors(of: layer.id).map { ParameterSpec(name: $0.name(in: layer), layer: layer.id, tensor: $0) }
        }
    }
}

/// A model's parameters by name.
public final class Weights {
    public private(set) var tensors: [String: Tensor]
    /// Where they came from, for the UI and `run`: "random He initialization (seed 42)" or a file.
    public let origin: String

    public init(tensors: [String: Tensor], origin: String) {
        self.tensors = tensors
        self.origin = origin
    }

    public subscript(name: String) -> Tensor? { tensors[name] }

    /// The tensor playing `role` in layer `layer` of `analysis`'s graph (its weight, bias or running
    /// statistics), or nil when the layer has none.
    public func tensor(layer: Int, role: ParameterSpec.Role, in analysis: ModelAnalysis) -> Tensor? {
        tensors[ParameterTensor.name(role, in: analysis.graph.layers[layer])]
    }

    /// Deterministic He (Kaiming) initialization: convolution and dense weights from
    /// N(0, 2 / fan_in), biases 0; batchnorm gamma 1, beta 0, running mean 0 and variance 1.
    /// Each tensor draws from its own generator, seeded by `seed` and its name, so the values do
    /// not depend on layer order (a Python script can rebuild them: Scripts/make-engine-fixtures.py).
    public static func heInitialized(_ analysis: ModelAnalysis, seed: UInt64) -> Weights {
        generate(analysis, seed: seed, origin: "random He initialization (seed \(seed))") { spec, op, random, t in
            switch (spec.role, op) {
            case (.weight, .conv2d), (.weight, .dense):
                let std = heStandardDeviation(spec.shape)
                for i in 0..<t.count { t[i] = std * random.next() }
            case (.weight, .batchNorm), (.weight, .layerNorm), (.weight, .channelScale), (.runningVar, _):
                for i in 0..<t.count { t[i] = 1 }
            default:
                break  // biases, beta and running means start at zero
            }
        }
    }

    /// He weights plus random biases and batchnorm statistics (gamma 1 + 0.1·z, beta, bias and
    /// mean 0.1·z, variance 1 + 0.1·|z|): what the PyTorch reference tests run with, so that
    /// every term of every op is exercised.
    public static func randomized(_ analysis: ModelAnalysis, seed: UInt64) -> Weights {
        generate(analysis, seed: seed, origin: "randomized test weights (seed \(seed))") { spec, op, random, t in
            switch (spec.role, op) {
            case (.weight, .conv2d), (.weight, .dense):
                let std = heStandardDeviation(spec.shape)
                for i in 0..<t.count { t[i] = std * random.next() }
            case (.weight, .batchNorm), (.weight, .layerNorm), (.weight, .channelScale):
                for i in 0..<t.count { t[i] = 1 + 0.1 * random.next() }
            case (.runningVar, _):
                for i in 0..<t.count { t[i] = 1 + 0.1 * abs(random.next()) }
            default:
                for i in 0..<t.count { t[i] = 0.1 * random.next() }
            }
        }
    }

    static func heStandardDeviation(_ shape: [Int]) -> Float {
        Float((2.0 / Double(max(shape.dropFirst().reduce(1, *), 1))).squareRoot())
    }

    private static func generate(
        _ analysis: ModelAnalysis, seed: UInt64, origin: String,
        _ fill: (ParameterSpec, Op, inout NormalGenerator, Tensor) -> Void
    ) -> Weights {
        var tensors: [String: Tensor] = [:]
        for spec in ParameterSpec.all(for: analysis) {
            let t = Tensor(shape: spec.shape)
            var random = NormalGenerator(seed: seed ^ fnv1a(spec.name))
            fill(spec, analysis.graph.layers[spec.layer].op, &random, t)
            tensors[spec.name] = t
        }
        return Weights(tensors: tensors, origin: origin)
    }

    /// Checks that every tensor the graph needs is here with the right shape; extra tensors are
    /// an error too (a file for another model). `num_batches_tracked` is ignored, as PyTorch users
    /// expect.
    public func validate(for analysis: ModelAnalysis) throws(EngineError) {
        let specs = ParameterSpec.all(for: analysis)
        for spec in specs {
            guard let t = tensors[spec.name] else { throw .missingTensor(spec.name, expected: spec.shape) }
            guard t.shape == spec.shape else { throw .wrongShape(spec.name, expected: spec.shape, got: t.shape) }
        }
        let known = Set(specs.map(\.name))
        if let extra = tensors.keys.sorted().first(where: { !known.contains($0) && !$0.hasSuffix("num_batches_tracked") }) {
            throw .unexpectedTensor(extra)
        }
    }
}

extension Weights {
    /// Whether the engine can hold `analysis` for batches of `batch`: every layer's output and
    /// all the parameters within `SizeLimits.tensorElements`. Checked before anything of the
    /// model's size is allocated (weights drawn, buffers planned), so that a file asking for a
    /// 3x1048576x1048576 input is an error, not a machine out of memory.
    public static func checkSizes(_ analysis: ModelAnalysis, batch: Int = 1) throws(EngineError) {
        let params = analysis.totalParams
        guard params <= SizeLimits.tensorElements else {
            throw .tooLarge("its \(params.grouped) parameters are more than \(SizeLimits.tensorElements.grouped) (cnn-tui's limit, 8 GiB of float32)")
        }
        for layer in analysis.graph.layers {
            let dims = [batch] + analysis.layers[layer.id].outputShape.dims
            guard SizeLimits.allows(dims) else {
                if case .input = layer.op { throw .tooLarge("the input: " + SizeLimits.tooLarge(dims)) }
                throw .tooLarge("\(layer.name)'s output: " + SizeLimits.tooLarge(dims))
            }
        }
    }
}

/// What the engine reports instead of crashing.
public enum EngineError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    case missingTensor(String, expected: [Int])
    case wrongShape(String, expected: [Int], got: [Int])
    case unexpectedTensor(String)
    case wrongInput(expected: [Int], got: [Int])
    /// The model is too large to run (what, in words).
    case tooLarge(String)

    public var description: String {
        switch self {
        case .missingTensor(let name, let shape): return "weights: tensor \(name) \(shape) is missing"
        case .wrongShape(let name, let expected, let got): return "weights: tensor \(name) has shape \(got), the model needs \(expected)"
        case .unexpectedTensor(let name): return "weights: tensor \(name) does not belong to this model"
        case .wrongInput(let expected, let got): return "input has shape \(got), the model takes \(expected)"
        case .tooLarge(let what): return "too large to run: \(what)"
        }
    }

    public var errorDescription: String? { description }
}

/// Standard normal samples from a seeded SplitMix64, by Box-Muller (and the uniform samples
/// under them): the same weights, shuffles and dropout masks on every machine for the same seed.
public struct NormalGenerator {
    private var state: UInt64
    private var spare: Float?

    public init(seed: UInt64) {
        state = seed
    }

    /// A uniform sample in the open interval (0, 1).
    public mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) / 9_007_199_254_740_992  // (0, 1)
    }

    public mutating func next() -> Float {
        if let s = spare {
            spare = nil
            return s
        }
        let r = (-2 * log(uniform())).squareRoot()
        let theta = 2 * Double.pi * uniform()
        spare = Float(r * sin(theta))
        return Float(r * cos(theta))
    }
}

/// FNV-1a, 64 bits, of a string's UTF-8 bytes: mixes a tensor's name into its generator's seed.
func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
}
