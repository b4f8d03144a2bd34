import CNNModel

/// From a tool's count of the zoo's model to the figure its paper published: first what the tool
/// counts that the papers do not (biases, batchnorm, activations, pooling), then where the zoo's
/// architecture (torchvision's) differs from the paper's, then what is left, the rounding of the
/// printed figure.
public struct PaperReconciliation: Sendable {
    /// The tool's count down to the papers' rule (multiply-adds of convolution and dense weights).
    public let rule: Reconciliation
    /// Differences between the zoo's architecture and the paper's, each with its multiply-adds
    /// (negative: the paper's architecture does less).
    public let architecture: [(what: String, change: Int)]
    /// The paper's figure as printed.
    public let published: PublishedFigures.Figure
    /// What the paper counted.
    public let note: String

    /// The papers' rule applied to the paper's architecture.
    public var paperArchitectureCount: Int { rule.toTotal + architecture.reduce(0) { $0 + $1.change } }

    /// What the printed figure leaves out or adds by rounding: published − computed.
    public var rounding: Double { published.value - Double(paperArchitectureCount) }
}

extension ZooModel {
    /// How `convention`'s count of this model becomes its paper's figure; nil when the paper
    /// published no cost, or when the counts cannot be made.
    public func reconcileWithPaper(_ analysis: ModelAnalysis, from convention: CountConvention) -> PaperReconciliation? {
        guard let published, let cost = published.cost, cost.value > 1e6,
            let rule = analysis.reconcile(from: convention, to: .paper, flags: torchFlags)
        else { return nil }
        return PaperReconciliation(rule: rule, architecture: architectureDifferences(analysis), published: cost, note: published.costNote)
    }

    /// Where torchvision's architecture departs from the paper's in multiply-adds. Its ResNets
    /// with bottlenecks (and the SE-ResNet built on them) are "ResNet v1.5": the downsampling
    /// stride sits in each stage's first 3x3 convolution, where the paper put it in the 1x1
    /// before, so that 1x1 runs at 4x the positions.
    func architectureDifferences(_ analysis: ModelAnalysis) -> [(what: String, change: Int)] {
        guard ["resnet50", "resnet101", "resnet152", "se_resnet50"].contains(name) else { return [] }
        var change = 0, blocks = 0
        for layer in analysis.graph.layers where layer.name.hasSuffix(".conv2") {
            guard case .conv2d(let c2) = layer.op, c2.stride.h == 2,
                let (first, a) = analysis.layer(named: String(layer.name.dropLast(5)) + "conv1"),
                case .conv2d(let c1) = first.op, c1.kernel == 1, c1.stride == 1
            else { continue }
            let weights = a.trainableParams - (c1.bias ? a.outputShape.channels : 0)
            let strided = analysis.layers[layer.id].outputShape
            change += weights * strided.height * strided.width - weights * a.outputShape.height * a.outputShape.width
            blocks += 1
        }
        guard blocks > 0 else { return [] }
        return [("the paper's stride in the 1x1 convolution (torchvision's v1.5 puts it in the 3x3), \(blocks) blocks", change)]
    }
}
