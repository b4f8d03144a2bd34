/// A whole model counted under one convention: every layer's counts and the totals the tool
/// prints.
public struct ConventionCount: Sendable {
    public let convention: CountConvention
    /// Indexed like the graph's layers; nil where these rules do not model the layer's op.
    public let layers: [LayerCount?]
    /// The sums over the layers (the modelled ones); nil if a sum overflows.
    public let total: LayerCount?
    /// Layers the tool gives 0 because it has no rule for them (fvcore's "unsupported
    /// operators", torch-scan's "partial" total), by their type.
    public let unsupported: [(type: String, count: Int)]
    /// Layers whose op these rules do not model, by their type: the totals leave them out.
    public let unmodelled: [(type: String, count: Int)]

    /// torch-scan's word for a total that left out modules it has no formula for.
    public var isPartial: Bool { convention == .torchscan && !unsupported.isEmpty }

    /// The total of `quantity`, or nil when it overflowed.
    public func total(_ quantity: CountQuantity) -> Int? { total?[quantity] }
}

extension ModelAnalysis {
    /// Every layer counted under `convention`; `flags` are the PyTorch module settings the graph
    /// does not hold (zoo models carry their own).
    public func count(_ convention: CountConvention, flags: TorchModuleFlags = TorchModuleFlags()) -> ConventionCount {
        var layers: [LayerCount?] = []
        var (macs, flops, dmas, overflow) = (0, 0, 0, false)
        var unsupported: [String: Int] = [:], unmodelled: [String: Int] = [:]
        var order: [String] = []
        for layer in graph.layers {
            let counted = convention.count(layer, self.layers[layer.id], flags: flags)
            layers.append(counted)
            let type = layer.op.typeName
            if !order.contains(type) { order.append(type) }
            guard let counted else {
                unmodelled[type, default: 0] += 1
                continue
            }
            if !counted.supported { unsupported[type, default: 0] += 1 }
            guard let m = checkedSum([macs, counted.macs]), let f = checkedSum([flops, counted.flops]),
                let d = checkedSum([dmas, counted.dmas])
            else {
                overflow = true
                continue
            }
            (macs, flops, dmas) = (m, f, d)
        }
        func listed(_ table: [String: Int]) -> [(type: String, count: Int)] {
            order.compactMap { type in table[type].map { (type, $0) } }
        }
        return ConventionCount(
            convention: convention, layers: layers,
            total: overflow ? nil : LayerCount(macs: macs, flops: flops, dmas: dmas, supported: unsupported.isEmpty),
            unsupported: listed(unsupported), unmodelled: listed(unmodelled))
    }
}
