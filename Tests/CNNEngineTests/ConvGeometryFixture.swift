import CNNModel

@testable import CNNEngine

/// The geometry of `conv` on `input`, its output shape and padding resolved by CNNModel's analysis.
func convGeometry(_ conv: Conv2D, _ input: TensorShape) throws -> ConvGeometry {
    let b = GraphBuilder("conv")
    _ = b.add(.conv2d(conv), "conv", inputs: [b.input()])
    let layer = try ModelAnalysis(graph: b.build(), input: input).layers[1]
    return ConvGeometry(conv, input: input, output: layer.outputShape, padding: layer.padding!)
}
