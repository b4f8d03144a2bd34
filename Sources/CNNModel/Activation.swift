/// Element-wise non-linearities, and softmax over channels.
public enum Activation: String, Hashable, Sendable, CaseIterable {
    case relu, relu6, sigmoid, tanh, silu, hardSwish, hardSigmoid, softmax
    /// x·Φ(x) with Φ the standard normal CDF (the exact form, PyTorch's default `GELU()`).
    case gelu

    /// PyTorch's class name, as torchinfo prints it.
    public var typeName: String {
        switch self {
        case .relu: return "ReLU"
        case .relu6: return "ReLU6"
        case .sigmoid: return "Sigmoid"
        case .tanh: return "Tanh"
        case .silu: return "SiLU"
        case .hardSwish: return "Hardswish"
        case .hardSigmoid: return "Hardsigmoid"
        case .softmax: return "Softmax"
        case .gelu: return "GELU"
        }
    }

    /// Short lowercase name for compact displays: `relu`, `swish`, `h-swish`.
    public var shortName: String {
        switch self {
        case .relu: return "relu"
        case .relu6: return "relu6"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .silu: return "silu"
        case .hardSwish: return "h-swish"
        case .hardSigmoid: return "h-sigmoid"
        case .softmax: return "softmax"
        case .gelu: return "gelu"
        }
    }
}
