/// The parameter and mult-add counts of a layer written out with its own numbers, the way one
/// counts them by hand: `3*3*64*128 + 128 = 73,856`.
extension Op {
    /// How the trainable parameters add up; nil for layers without parameters. The numbers are
    /// those of `parameters(input:)`, written in the order one multiplies them by hand.
    public func parameterFormula(input: TensorShape) -> String? {
        let tensors = parameters(input: input)
        let trainable = tensors.filter(\.isTrainable).reduce(0) { $0 + ($1.elementCount ?? 0) }
        func shape(_ role: ParameterTensor.Role) -> [Int]? { tensors.first { $0.role == role }?.shape }
        switch self {
        case .conv2d(let c):
            guard let w = shape(.weight) else { return nil }  // [Cout, Cin/g, kH, kW]
            let perGroup = c.groups == 1 ? "\(input.channels)" : "(\(input.channels)/\(c.groups))"
            let weights = "\(w[2])*\(w[3])*\(perGroup)*\(w[0])"
            return (shape(.bias).map { "\(weights) + \($0[0])" } ?? weights) + " = \(trainable.grouped)"
        case .dense:
            guard let w = shape(.weight) else { return nil }  // [out, in]
            let weights = "\(w[1])*\(w[0])"
            return (shape(.bias).map { "\(weights) + \($0[0])" } ?? weights) + " = \(trainable.grouped)"
        case .batchNorm:
            guard let c = shape(.runningMean)?[0] else { return nil }
            let running = "running mean+var 2*\(c) = \((2 * c).grouped) non-trainable"
            return trainable > 0 ? "gamma+beta 2*\(c) = \(trainable.grouped) trainable; " + running : running
        case .layerNorm:
            guard let c = shape(.weight)?[0] else { return nil }
            return "weight+bias 2*\(c) = \(trainable.grouped)"
        case .channelScale:
            guard let c = shape(.weight)?[0] else { return nil }
            return "one weight per channel = \(c.grouped)"
        case .channelShift:
            guard let c = shape(.bias)?[0] else { return nil }
            return "one value per channel = \(c.grouped)"
        default:
            return nil
        }
    }

    /// The symbolic form of `parameterFormula`.
    public var parameterRule: String? {
        switch self {
        case .conv2d(let c):
            let cin = c.groups == 1 ? "Cin" : "(Cin/groups)"
            return "kH*kW*\(cin)*Cout" + (c.bias ? " + Cout" : "")
        case .dense(let d):
            return "in*out" + (d.bias ? " + out" : "")
        case .batchNorm:
            return "2*C trainable (gamma, beta) + 2*C non-trainable (running mean, var)"
        case .layerNorm:
            return "2*C (weight, bias)"
        case .channelScale, .channelShift:
            return "C"
        default:
            return nil
        }
    }

    /// How the mult-adds add up (torchinfo's rule); nil for layers it counts as zero.
    public func macsFormula(input: TensorShape, output: TensorShape, cost: LayerCost) -> String? {
        switch self {
        case .conv2d(let c):
            let counted = "\(cost.trainableParams.grouped) params * \(output.height)*\(output.width) positions = \(cost.macs.grouped)"
            return c.bias ? counted + " (torchinfo counts the bias too)" : counted
        case .dense, .batchNorm, .layerNorm:
            return cost.macs > 0 ? "one per parameter = \(cost.macs.grouped)" : nil
        default:
            return nil
        }
    }
}

extension Op {
    /// For a convolution with a bias, the hand count that leaves the bias out (as the papers and
    /// fvcore do): `kH*kW*(Cin/groups)*Cout*Hout*Wout`; nil for any other layer.
    public func macsWithoutBiasFormula(input: TensorShape, output: TensorShape) -> String? {
        guard case .conv2d(let c) = self, c.bias, let w = parameters(input: input).first(where: { $0.role == .weight })?.shape else {
            return nil
        }
        let perGroup = c.groups == 1 ? "\(input.channels)" : "(\(input.channels)/\(c.groups))"
        let product = w[0] * w[1] * w[2] * w[3] * output.height * output.width
        return "by hand, no bias: \(w[2])*\(w[3])*\(perGroup)*\(w[0])*\(output.height)*\(output.width) = \(product.grouped)"
    }
}
