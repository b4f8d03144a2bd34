import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation

@testable import CNNRuntime

/// The input the reference scripts feed every network: element `i` of the flat `[C, H, W]`
/// tensor is `sin(0.1 i)`.
func sineInput(_ shape: TensorShape) -> Tensor {
    Tensor(shape: [1] + shape.dims, values: (0..<(shape.elementCount ?? 0)).map { Float(sin(0.1 * Double($0))) })
}

/// The engine's output for the sine input, with the weights `model` loads (its file's, the
/// shipped ones from `assets`, or random).
func engineOutput(_ model: ZooModel, _ analysis: ModelAnalysis, assets: SampleFiles? = nil) throws -> (output: [Float], weights: ModelWeights) {
    let loaded = try ModelWeights.load(model, analysis: analysis, assets: assets)
    let executor = try Executor(analysis: analysis, weights: loaded.weights)
    try executor.setInput(sineInput(analysis.input))
    executor.run()
    return (executor.output(analysis.graph.layers.count - 1).values, loaded)
}
