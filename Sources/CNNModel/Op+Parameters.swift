/// One tensor a layer owns: a convolution's or dense layer's weight and bias, a batchnorm's
/// gamma, beta and running statistics.
///
/// This is the one place that decides each op's parameter shapes: the parameter counts, the
/// hand formulas of the inspector and the engine's weights all read it.
public struct ParameterTensor: Hashable, Sendable {
    /// What the tensor is to its layer; the raw value is its torchvision `state_dict` suffix.
    public enum Role: String, Hashable, Sendable, CaseIterable {
        case weight, bias
        case runningMean = "running_mean"
        case runningVar = "running_var"

        /// Whether training updates it: a batchnorm's running statistics are tracked, not
        /// learned (Keras counts them as non-trainable).
        public var isTrainable: Bool { self == .weight || self == .bias }
    }

    public let role: Role
    /// PyTorch's layout: `[Cout, Cin/groups, kH, kW]` for a convolution, `[out, in]` for a dense
    /// layer, `[C]` for a batchnorm's four tensors.
    public let shape: [Int]

    public init(role: Role, shape: [Int]) {
        self.role = role
        self.shape = shape
    }

    /// The `state_dict` suffix: `weight`, `bias`, `running_mean`, `running_var`.
    public var suffix: String { role.rawValue }
    public var isTrainable: Bool { role.isTrainable }
    /// Number of elements, or nil when it does not fit in an `Int`.
    public var elementCount: Int? { checkedProduct(shape) }

    /// The tensor's `state_dict` key in `layer`: `layer1.0.conv1.weight`. A layer without a module
    /// path (built functionally) goes by its name.
    public func name(in layer: Layer) -> String {
        Self.name(role, in: layer)
    }

    /// The key of `role`'s tensor in `layer`, whether or not the layer has one.
    public static func name(_ role: Role, in layer: Layer) -> String {
        (layer.module ?? layer.name) + "." + role.rawValue
    }
}

extension Op {
    /// The tensors a layer of this op owns when it reads `input` (its first input), in
    /// `state_dict` order; empty for ops without parameters.
    public func parameters(input: TensorShape) -> [ParameterTensor] {
        switch self {
        case .conv2d(let c):
            let weight = ParameterTensor(role: .weight, shape: [c.filters, input.channels / c.groups, c.kernel.h, c.kernel.w])
            return c.bias ? [weight, ParameterTensor(role: .bias, shape: [c.filters])] : [weight]
        case .dense(let d):
            let weight = ParameterTensor(role: .weight, shape: [d.outFeatures, input.channels])
            return d.bias ? [weight, ParameterTensor(role: .bias, shape: [d.outFeatures])] : [weight]
        case .batchNorm(let bn):
            let roles: [ParameterTensor.Role] = (bn.affine ? [.weight, .bias] : []) + [.runningMean, .runningVar]
            return roles.map { ParameterTensor(role: $0, shape: [input.channels]) }
        case .layerNorm:
            return [ParameterTensor(role: .weight, shape: [input.channels]), ParameterTensor(role: .bias, shape: [input.channels])]
        case .channelScale:
            return [ParameterTensor(role: .weight, shape: [input.channels])]
        case .channelShift:
            return [ParameterTensor(role: .bias, shape: [input.channels])]
        default:
            return []
        }
    }
}

extension ModelAnalysis {
    /// The tensors `layer` owns for this input size, in `state_dict` order.
    public func parameterTensors(of layer: Int) -> [ParameterTensor] {
        let a = layers[layer]
        guard let input = a.inputShapes.first else { return [] }
        return graph.layers[layer].op.parameters(input: input)
    }
}
