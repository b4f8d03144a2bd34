/// Orders that find the big layers: by parameters, multiply-adds, activation size or receptive
/// field, largest first (`summary --sort`, `s` on the graph screen).
public enum LayerOrder: String, CaseIterable, Sendable {
    case params, macs, activations, rf

    public var title: String {
        switch self {
        case .params: "params"
        case .macs: "mult-adds"
        case .activations: "activation size"
        case .rf: "receptive field"
        }
    }

    /// The layer's value under this order: `count` is its multiply-adds under the convention
    /// shown (torchinfo's when nil); the receptive field is its area.
    public func value(_ a: LayerAnalysis, params convention: ParamConvention = .torchinfo, count: LayerCount? = nil) -> Int {
        switch self {
        case .params: a.params(convention)
        case .macs: count?.macs ?? a.macs
        case .activations: a.activations
        case .rf: a.receptiveField.size.h * a.receptiveField.size.w
        }
    }

    /// The graph's layers (not the input) from the largest value down, ties in graph order.
    public func sorted(_ analysis: ModelAnalysis, params convention: ParamConvention = .torchinfo, counts: ConventionCount? = nil)
        -> [Int]
    {
        let ids = analysis.graph.layers.filter { if case .input = $0.op { false } else { true } }.map(\.id)
        let values = Dictionary(
            uniqueKeysWithValues: ids.map { ($0, value(analysis.layers[$0], params: convention, count: counts?.layers[$0] ?? nil)) })
        return ids.sorted { (values[$0]!, -$0) > (values[$1]!, -$1) }
    }
}

extension ModelAnalysis {
    /// The receptive field of the last feature map larger than 1x1 (before a global pool): how
    /// far the network looks. Global already for a network that pools globally inside its
    /// blocks (SE-ResNet's squeeze-and-excitation).
    public var lastMapField: ReceptiveField? { lastMapLayer.map { layers[$0].receptiveField } }

    /// The last layer whose output is a map larger than 1x1: where a network still sees in
    /// parts, and Grad-CAM's usual layer.
    public var lastMapLayer: Int? {
        layers.last { $0.outputShape.isSpatial && $0.outputShape.height * $0.outputShape.width > 1 }?.id
    }
}
