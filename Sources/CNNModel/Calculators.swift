/// The calculators of the course notes, built on the same shape and cost rules as the zoo, by
/// analysing a one- or two-layer graph.
public enum Calculator {
    /// One layer applied to `input`: its output, costs and formula.
    public struct Result: Hashable, Sendable {
        public let input: TensorShape
        public let op: Op
        public let analysis: LayerAnalysis

        public var output: TensorShape { analysis.outputShape }
        public var params: Int { analysis.trainableParams }
        public var macs: Int { analysis.macs }
        public var formula: String { op.parameterFormula(input: input) ?? "0" }
        public var rule: String { op.parameterRule ?? "" }
    }

    /// Applies `op` to an input of shape `input` (CxHxW, or a flat `N` for dense).
    public static func layer(_ op: Op, input: TensorShape) throws(AnalysisError) -> Result {
        let b = GraphBuilder("calculator")
        var x = b.input()
        if !input.isSpatial {
            // Reach a flat input of the requested size through a flatten of an N x 1 x 1 map.
            x = b.flatten(x)
        }
        _ = b.add(op, "layer", inputs: [x])
        let spatialInput = input.isSpatial ? input : TensorShape(channels: input.channels, height: 1, width: 1)
        let analysis = try ModelAnalysis(graph: b.build(), input: spatialInput)
        return Result(input: input, op: op, analysis: analysis.layers[analysis.layers.count - 1])
    }

    /// A depthwise-separable convolution (depthwise k x k, then pointwise 1x1) against the standard
    /// k x k convolution with the same output.
    public struct SeparableComparison: Hashable, Sendable {
        public let depthwise: Result
        public let pointwise: Result
        public let standard: Result

        public var separableParams: Int { depthwise.params + pointwise.params }
        public var separableMacs: Int { depthwise.macs + pointwise.macs }
    }

    public static func depthwiseSeparable(
        input: TensorShape, kernel: Size2, filters: Int, stride: Size2 = 1, padding: Padding = .valid,
        dilation: Size2 = 1, bias: Bool = true
    ) throws(AnalysisError) -> SeparableComparison {
        let dw = try layer(
            .conv2d(
                Conv2D(
                    filters: input.channels, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                    groups: input.channels, bias: bias)), input: input)
        let pw = try layer(.conv2d(Conv2D(filters: filters, kernel: 1, bias: bias)), input: dw.output)
        let standard = try layer(
            .conv2d(
                Conv2D(
                    filters: filters, kernel: kernel, stride: stride, padding: padding, dilation: dilation, bias: bias)),
            input: input)
        return SeparableComparison(depthwise: dw, pointwise: pw, standard: standard)
    }
}
