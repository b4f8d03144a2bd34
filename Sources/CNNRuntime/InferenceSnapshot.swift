import CNNEngine
import CNNModel

/// One layer's output for one input, copied out of the engine's buffers when the layer finished:
/// `C·H·W` floats (batch 1) with their finite range, so a UI can shade by the layer's scale
/// without scanning it again.
public struct LayerValues: Sendable {
    public let shape: TensorShape
    public let values: [Float]
    /// The smallest and largest finite value; `0...0` when there is none.
    public let lower: Float
    public let upper: Float

    init(shape: TensorShape, copying source: UnsafeBufferPointer<Float>) {
        self.shape = shape
        values = Array(source)
        (lower, upper) = finiteRange(source)
    }
}

/// A layer's weight tensor as loaded (`[Cout, Cin/g, kH, kW]` for a convolution, `[out, in]`
/// for a dense layer), with its finite range.
///
/// The values are read in place rather than copied: an inference session's weights are written
/// once, while it prepares, and never again (it does not fold batchnorm), and VGG-16's first
/// dense layer alone holds 103 million of them.
public struct ParameterValues: Sendable {
    public let shape: [Int]
    public let lower: Float
    public let upper: Float
    private let storage: LoadedTensor

    init(_ tensor: Tensor) {
        storage = LoadedTensor(tensor)
        shape = tensor.shape
        (lower, upper) = finiteRange(UnsafeBufferPointer(start: tensor.data, count: tensor.count))
    }

    public var count: Int { storage.tensor.count }

    public func withValues<T>(_ body: (UnsafeBufferPointer<Float>) throws -> T) rethrows -> T {
        try body(UnsafeBufferPointer(start: storage.tensor.data, count: storage.tensor.count))
    }
}

/// A weight tensor that nothing writes after loading, so reading it from any thread is safe.
private final class LoadedTensor: @unchecked Sendable {
    let tensor: Tensor
    init(_ tensor: Tensor) { self.tensor = tensor }
}

/// Everything a UI shows of an inference session at one moment, as values: what the worker is
/// doing, the outputs finished for the current input, the weights. A frame draws from one
/// snapshot, so what it shows is consistent even while the worker goes on.
public struct InferenceSnapshot: Sendable {
    public enum Phase: Hashable, Sendable {
        case preparing
        /// Computing this layer.
        case computing(Int)
        case done
        case failed(String)
    }

    public var phase: Phase = .preparing
    /// Layers finished for the current input; -1 before the input is set.
    public var computedThrough = -1
    /// Changes whenever anything here does, so a UI knows when to redraw.
    public var version = 0
    /// Seconds the last complete pass took.
    public var seconds: Double?
    /// Where the weights came from, in words (`trained weights (lenet5-mnist.safetensors)`).
    public var weights: String?
    public var isTrained = false
    /// The input being run.
    public var sample: Sample?
    /// Finished layers' outputs for the current input, by layer id.
    public var outputs: [Int: LayerValues] = [:]
    /// Each weight layer's weight tensor, by layer id, once prepared.
    public var parameters: [Int: ParameterValues] = [:]

    /// Whether work is under way (a UI keeps redrawing while it is).
    public var isBusy: Bool {
        switch phase {
        case .preparing, .computing: return true
        case .done, .failed: return false
        }
    }

    /// `layer`'s output when it is finished for the current input.
    public func output(_ layer: Int) -> LayerValues? { outputs[layer] }
}

/// The smallest and largest finite value, `(0, 0)` when there is none.
private func finiteRange(_ values: UnsafeBufferPointer<Float>) -> (Float, Float) {
    var lower = Float.infinity, upper = -Float.infinity
    for v in values where v.isFinite {
        lower = min(lower, v)
        upper = max(upper, v)
    }
    return lower <= upper ? (lower, upper) : (0, 0)
}
