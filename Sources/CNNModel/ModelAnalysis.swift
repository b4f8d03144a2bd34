/// Everything the analysis knows about one layer for a given input size.
public struct LayerAnalysis: Hashable, Sendable {
    public let id: Int
    public let inputShapes: [TensorShape]
    public let outputShape: TensorShape
    /// Padding resolved for this input size ("same" made explicit), for convs, pools and pads.
    public let padding: Pad4?
    public let cost: LayerCost
    public let receptiveField: ReceptiveField

    public var trainableParams: Int { cost.trainableParams }
    public var nonTrainableParams: Int { cost.nonTrainableParams }
    public var params: Int { cost.params }
    public var macs: Int { cost.macs }
    /// Elements of the output tensor for one sample.
    public var activations: Int { outputShape.elementCount ?? 0 }
}

/// Memory estimate for one float32 sample, with torchinfo's rules: the input; the outputs of the
/// layers that have parameters, twice (forward values and their gradients); the parameters.
public struct MemoryEstimate: Hashable, Sendable {
    public let inputBytes: Int
    public let forwardBackwardBytes: Int
    public let paramBytes: Int
    public var totalBytes: Int { inputBytes + forwardBackwardBytes + paramBytes }
}

/// Shapes, costs and receptive fields of every layer of a graph for one input size, with totals.
public struct ModelAnalysis: Sendable {
    public let graph: Graph
    public let input: TensorShape
    /// Indexed like `graph.layers`.
    public let layers: [LayerAnalysis]
    public let trainableParams: Int
    public let nonTrainableParams: Int
    public let macs: Int
    /// Weight layers (convolutions and dense layers) on the longest path from input to output.
    public let depth: Int
    public let memory: MemoryEstimate

    public var totalParams: Int { trainableParams + nonTrainableParams }

    public static let bytesPerElement = 4

    /// Analyses `graph` for a `C x H x W` input; throws the first layer whose shape is impossible.
    public init(graph: Graph, input: TensorShape) throws(AnalysisError) {
        guard input.isSpatial, input.dims.allSatisfy({ $0 > 0 }) else {
            throw AnalysisError(layer: nil, op: nil, reason: "the input must be CxHxW with positive sizes, got \(input)")
        }
        self.graph = graph
        self.input = input
        var results: [LayerAnalysis] = []
        results.reserveCapacity(graph.layers.count)
        var depths: [Int] = []
        var trainable = 0, nonTrainable = 0, macs = 0, forwardBackward = 0
        for layer in graph.layers {
            let analysis = try Self.analyse(layer, input: input, earlier: results)
            results.append(analysis)
            depths.append((layer.inputs.map { depths[$0] }.max() ?? 0) + (layer.op.isWeightLayer ? 1 : 0))
            let outputBytes = analysis.outputShape.elementCount.flatMap { checkedProduct([$0, 2 * Self.bytesPerElement]) }
            guard let t = checkedSum([trainable, analysis.trainableParams]),
                let n = checkedSum([nonTrainable, analysis.nonTrainableParams]),
                let m = checkedSum([macs, analysis.macs]),
                let f = checkedSum([forwardBackward, analysis.trainableParams > 0 ? (outputBytes ?? -1) : 0]), f >= 0
            else {
                throw AnalysisError(layer: layer.name, op: layer.op.summary, reason: ShapeReason.overflow.text)
            }
            (trainable, nonTrainable, macs, forwardBackward) = (t, n, m, f)
        }
        self.layers = results
        self.trainableParams = trainable
        self.nonTrainableParams = nonTrainable
        self.macs = macs
        self.depth = depths.max() ?? 0
        guard let inputBytes = input.elementCount.flatMap({ checkedProduct([$0, Self.bytesPerElement]) }),
            let paramBytes = checkedProduct([trainable, Self.bytesPerElement]),
            checkedSum([inputBytes, forwardBackward, paramBytes]) != nil
        else {
            throw AnalysisError(layer: nil, op: nil, reason: "the input \(input) is too large: sizes overflow 64-bit integers")
        }
        // Every layer's and the model's parameter count (trainable and not) must be a number too.
        guard checkedSum([trainable, nonTrainable]) != nil else {
            throw AnalysisError(layer: nil, op: nil, reason: "its parameters, trainable and not, overflow 64-bit integers")
        }
        self.memory = MemoryEstimate(inputBytes: inputBytes, forwardBackwardBytes: forwardBackward, paramBytes: paramBytes)
    }

    private static func analyse(_ layer: Layer, input: TensorShape, earlier: [LayerAnalysis]) throws(AnalysisError) -> LayerAnalysis {
        func fail(_ reason: String) -> AnalysisError {
            AnalysisError(layer: layer.name, op: layer.op.summary, reason: reason)
        }
        if case .input = layer.op {
            return LayerAnalysis(
                id: layer.id, inputShapes: [], outputShape: input, padding: nil, cost: .zero,
                receptiveField: .input(extent: input.spatial))
        }
        let inputs = layer.inputs.map { earlier[$0].outputShape }
        let output: TensorShape
        let padding: Pad4?
        do {
            (output, padding) = try layer.op.inferShape(inputs)
        } catch {
            throw fail(error.text)
        }
        guard output.elementCount != nil else { throw fail(ShapeReason.overflow.text) }
        guard let cost = layer.op.cost(input: inputs[0], output: output) else { throw fail(ShapeReason.overflow.text) }
        let fields = layer.inputs.map { earlier[$0].receptiveField }
        return LayerAnalysis(
            id: layer.id, inputShapes: inputs, outputShape: output, padding: padding, cost: cost,
            receptiveField: receptiveField(layer.op, fields: fields, input: inputs[0], output: output, padding: padding))
    }

    private static func receptiveField(
        _ op: Op, fields: [ReceptiveField], input: TensorShape, output: TensorShape, padding: Pad4?
    ) -> ReceptiveField {
        if op.isMerge { return .merge(fields) }
        let field = fields[0]
        switch op {
        case .globalAvgPool, .globalMaxPool:
            return field.global()
        case .adaptiveAvgPool(let out) where out == 1:
            return field.global()
        case .dense(let d) where d.perPosition:
            return field  // a 1x1 product at each position
        case .dense:
            return field.global()
        case .flatten:
            return field
        case .reshape(let shape) where input.isSpatial && shape.isSpatial && input.spatial != shape.spatial:
            return field.global()  // a unit's values come from other positions
        case .reshape:
            return field
        default:
            guard let window = op.window(input: input, output: output, padding: padding) else { return field }
            return field.through(window, extent: output.spatial)
        }
    }

    // MARK: Queries

    public func layer(named name: String) -> (layer: Layer, analysis: LayerAnalysis)? {
        guard let layer = graph.layer(named: name) else { return nil }
        return (layer, layers[layer.id])
    }

    /// Sum of the costs of the layers inside `block` (nested blocks included).
    public func cost(ofBlock block: Int) -> LayerCost {
        var total = LayerCost.zero
        for layer in graph.layers where graph.isLayer(layer, inside: block) {
            let c = layers[layer.id].cost
            total.trainableParams &+= c.trainableParams
            total.nonTrainableParams &+= c.nonTrainableParams
            total.macs &+= c.macs
        }
        return total
    }
}
