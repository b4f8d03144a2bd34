/// The parameter and mult-add counts of a layer written out with its own numbers, the way one
/// counts them by hand: `3*3*64*128 + 128 = 73,856`.
extension Op {
    /// How the trainable parameters add up; nil for layers without parameters.
    public func parameterFormula(input: TensorShape) -> String? {
        switch self {
        case .conv2d(let c):
            let perGroup = c.groups == 1 ? "\(input.channels)" : "(\(input.channels)/\(c.groups))"
            let weights = "\(c.kernel.h)*\(c.kernel.w)*\(perGroup)*\(c.filters)"
            let total = c.filters * (input.channels / c.groups) * c.kernel.h * c.kernel.w + (c.bias ? c.filters : 0)
            return (c.bias ? "\(weights) + \(c.filters)" : weights) + " = \(total.grouped)"
        case .dense(let d):
            let total = input.channels * d.outFeatures + (d.bias ? d.outFeatures : 0)
            let weights = "\(input.channels)*\(d.outFeatures)"
            return (d.bias ? "\(weights) + \(d.outFeatures)" : weights) + " = \(total.grouped)"
        case .batchNorm(let bn):
            let c = input.channels
            let running = "running mean+var 2*\(c) = \((2 * c).grouped) non-trainable"
            return bn.affine ? "gamma+beta 2*\(c) = \((2 * c).grouped) trainable; " + running : running
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
        default:
            return nil
        }
    }

    /// How the mult-adds add up (torchinfo's rule); nil for layers it counts as zero.
    public func macsFormula(input: TensorShape, output: TensorShape, cost: LayerCost) -> String? {
        switch self {
        case .conv2d:
            return "\(cost.trainableParams.grouped) params * \(output.height)*\(output.width) positions = \(cost.macs.grouped)"
        case .dense, .batchNorm:
            return cost.macs > 0 ? "one per parameter = \(cost.macs.grouped)" : nil
        default:
            return nil
        }
    }
}
