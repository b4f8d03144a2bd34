import XCTest

@testable import CNNModel

/// Each op's parameter tensors, as PyTorch lays them out, and the counts read from them.
final class ParameterTensorTests: XCTestCase {
    func testAGroupedConvOwnsCoutByCinOverGroupsByKernel() {
        let op = Op.conv2d(Conv2D(filters: 64, kernel: 3, groups: 4))
        let tensors = op.parameters(input: TensorShape(channels: 32, height: 8, width: 8))
        XCTAssertEqual(tensors, [ParameterTensor(role: .weight, shape: [64, 8, 3, 3]), ParameterTensor(role: .bias, shape: [64])])
        XCTAssertEqual(
            op.cost(input: TensorShape(channels: 32, height: 8, width: 8), output: TensorShape(channels: 64, height: 6, width: 6)),
            LayerCost(trainableParams: 64 * 8 * 9 + 64, nonTrainableParams: 0, macs: (64 * 8 * 9 + 64) * 36))
        XCTAssertEqual(op.parameterFormula(input: TensorShape(channels: 32, height: 8, width: 8)), "3*3*(32/4)*64 + 64 = 4,672")
    }

    func testADenseLayerOwnsOutByIn() {
        let op = Op.dense(Dense(outFeatures: 10, bias: false))
        XCTAssertEqual(op.parameters(input: TensorShape(features: 84)), [ParameterTensor(role: .weight, shape: [10, 84])])
        XCTAssertEqual(op.parameterFormula(input: TensorShape(features: 84)), "84*10 = 840")
    }

    func testABatchNormsRunningStatisticsAreNotTrainable() {
        let input = TensorShape(channels: 16, height: 4, width: 4)
        let affine = Op.batchNorm(BatchNorm()).parameters(input: input)
        XCTAssertEqual(affine.map(\.suffix), ["weight", "bias", "running_mean", "running_var"])
        XCTAssertEqual(affine.map(\.isTrainable), [true, true, false, false])
        XCTAssertEqual(affine.map(\.shape), Array(repeating: [16], count: 4))
        XCTAssertEqual(Op.batchNorm(BatchNorm(affine: false)).parameters(input: input).map(\.role), [.runningMean, .runningVar])
        XCTAssertEqual(
            Op.batchNorm(BatchNorm(affine: false)).cost(input: input, output: input),
            LayerCost(trainableParams: 0, nonTrainableParams: 32, macs: 0))
    }

    func testTensorsAreNamedAfterTheirModule() throws {
        let b = GraphBuilder("named")
        b.block("layer1", type: "Sequential") {
            _ = b.conv(b.input(), "conv1", filters: 4, kernel: 3, bias: false)
        }
        let analysis = try ModelAnalysis(graph: b.build(), input: TensorShape(channels: 3, height: 5, width: 5))
        let layer = analysis.graph.layers[1]
        XCTAssertEqual(analysis.parameterTensors(of: layer.id).map { $0.name(in: layer) }, ["layer1.conv1.weight"])
        XCTAssertEqual(analysis.parameterTensors(of: 0), [], "the input owns nothing")
    }
}
