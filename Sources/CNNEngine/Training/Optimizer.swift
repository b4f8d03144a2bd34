import CKernels

#if canImport(Glibc)
    import Glibc
#endif

/// Updates trainable tensors from their gradients, with PyTorch's update rules so that the same
/// settings behave the same:
/// - SGD: `v = momentum·v + (g + decay·w)`, `w -= lr·v`;
/// - Adam: `m = β1·m + (1-β1)·g`, `v = β2·v + (1-β2)·g²`, `w -= lr·m̂ / (√v̂ + ε)` with the bias
///   corrections `m̂ = m / (1-β1ᵗ)`, `v̂ = v / (1-β2ᵗ)` (weight decay added to g, as `torch.optim.Adam`).
public final class Optimizer {
    public enum Kind: String, Sendable, CaseIterable {
        case sgd, adam
    }

    public struct Settings: Sendable {
        public var kind: Kind
        public var learningRate: Float
        /// SGD's momentum.
        public var momentum: Float = 0.9
        public var weightDecay: Float = 0
        public var beta1: Float = 0.9
        public var beta2: Float = 0.999
        public var epsilon: Float = 1e-8

        public init(kind: Kind, learningRate: Float) {
            self.kind = kind
            self.learningRate = learningRate
        }
    }

    public var settings: Settings
    /// Updates made so far.
    public private(set) var steps = 0
    private var first: [String: Tensor] = [:]
    private var second: [String: Tensor] = [:]

    public init(_ settings: Settings) {
        self.settings = settings
    }

    /// One update of every tensor in `parameters` from the gradient of the same name.
    public func step(_ parameters: [(name: String, tensor: Tensor)], gradients: [String: Tensor]) {
        steps += 1
        let s = settings
        for (name, tensor) in parameters {
            // The tensors' buffers, read and written through their pointers in the loops.
            let (w, g, m) = (tensor.data, gradients[name]!.data, state(&first, name, tensor.count).data)
            switch s.kind {
            case .sgd:
                cnn_sgd_step(w, g, m, tensor.count, s.learningRate, s.momentum, s.weightDecay)
            case .adam:
                let v = state(&second, name, tensor.count).data
                let correction1 = 1 - powf(s.beta1, Float(steps)), correction2 = 1 - powf(s.beta2, Float(steps))
                cnn_adam_step(
                    w, g, m, v, tensor.count, s.learningRate, s.beta1, s.beta2, s.epsilon, s.weightDecay, correction1, correction2)
            }
        }
    }

    private func state(_ table: inout [String: Tensor], _ name: String, _ count: Int) -> Tensor {
        if let t = table[name] { return t }
        let t = Tensor(shape: [count])
        table[name] = t
        return t
    }
}
