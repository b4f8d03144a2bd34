/// From one convention's multiply-add total to another's, kind of layer by kind of layer: what
/// each tool counts that the other does not, each with its count, adding up exactly.
public struct Reconciliation: Sendable {
    public struct Step: Hashable, Sendable {
        /// What accounts for the change: `Conv2d biases`, `BatchNorm2d`, `ReLU`.
        public let what: String
        /// How many layers (calls) of that kind changed.
        public let layers: Int
        /// Multiply-adds added (negative: taken away) on the way to the second convention.
        public let change: Int
    }

    public let from: CountConvention
    public let to: CountConvention
    public let fromTotal: Int
    public let toTotal: Int
    /// In the order the kinds first appear in the graph; they sum to `toTotal - fromTotal`.
    public let steps: [Step]
}

extension ModelAnalysis {
    /// How `from`'s multiply-adds become `to`'s (torch-scan's MACs); nil if either total
    /// overflows or a layer is not modelled by one of them.
    public func reconcile(
        from: CountConvention, to: CountConvention, flags: TorchModuleFlags = TorchModuleFlags()
    ) -> Reconciliation? {
        let a = count(from, flags: flags), b = count(to, flags: flags)
        guard let fromTotal = a.total(.macs), let toTotal = b.total(.macs) else { return nil }
        var order: [String] = []
        var changes: [String: (layers: Int, change: Int)] = [:]
        for layer in graph.layers {
            guard let x = a.layers[layer.id], let y = b.layers[layer.id] else { return nil }
            guard x.macs != y.macs else { continue }
            let kind = Self.reconciliationKind(layer.op)
            if changes[kind] == nil { order.append(kind) }
            let before = changes[kind] ?? (0, 0)
            changes[kind] = (before.layers + 1, before.change + (y.macs - x.macs))
        }
        return Reconciliation(
            from: from, to: to, fromTotal: fromTotal, toTotal: toTotal,
            steps: order.map { Reconciliation.Step(what: $0, layers: changes[$0]!.layers, change: changes[$0]!.change) })
    }

    /// The heading a layer's difference goes under. A convolution's or dense layer's weights
    /// count alike everywhere, so what differs there is the bias.
    static func reconciliationKind(_ op: Op) -> String {
        switch op {
        case .conv2d: "Conv2d biases (one add per output)"
        case .dense: "Linear biases"
        case .batchNorm: "BatchNorm2d"
        case .pool(let p): p.kind == .max ? "max pooling" : "average pooling"
        case .adaptiveAvgPool, .globalAvgPool: "global average pooling"
        case .add: "residual adds"
        case .multiply: "channel scaling (SE)"
        case .activation(let a): a.typeName
        default: op.typeName
        }
    }
}
