/// Element-wise non-linearities, and softmax over channels.
public enum Activation: Hashable, Sendable {
    case relu, relu6, sigmoid, tanh, silu, hardSwish, hardSigmoid, softmax
    /// x·Φ(x) with Φ the standard normal CDF (the exact form, PyTorch's default `GELU()`).
    case gelu
    /// x for x > 0, slope·x below: PyTorch's `LeakyReLU(negative_slope)` (0.01 by default), ONNX's
    /// `LeakyRelu(alpha)`, Keras's `LeakyReLU` (0.3 in Keras 2, 0.2 in Keras 3).
    case leakyRelu(slope: Double)

    /// Every activation without settings, and the leaky ReLU at PyTorch's default slope.
    public static let examples: [Activation] = [
        .relu, .relu6, .sigmoid, .tanh, .silu, .hardSwish, .hardSigmoid, .softmax, .gelu, .leakyRelu(slope: 0.01),
    ]

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
        case .leakyRelu: return "LeakyReLU"
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
        case .leakyRelu(let slope): return "leaky relu \(slope)"
        }
    }
}
