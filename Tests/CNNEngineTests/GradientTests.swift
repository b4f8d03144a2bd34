import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNEngine

/// Every backward pass against central finite differences of the cross-entropy loss: for each
/// trainable tensor (and the input), a sample of entries is nudged by ±ε and the change in loss
/// compared with the gradient `backward` computed.
final class GradientTests: XCTestCase {
    /// Builds `body` over an input of `shape`, then a flatten and a 5-class dense head unless the
    /// body ends in one, and checks every gradient of a batch of `batch`.
    private func checkGradients(
        _ shape: TensorShape, batch: Int = 3, head: Bool = true, seed: UInt64 = 1,
        file: StaticString = #filePath, line: UInt = #line, _ body: (GraphBuilder, Int) -> Int
    ) throws {
        let b = GraphBuilder("check")
        var x = body(b, b.input())
        if head {
            x = b.flatten(x)
            _ = b.dense(x, "head", 5)
        }
        let analysis = try ModelAnalysis(graph: b.build(), input: shape)
        let trainer = try Trainer(analysis: analysis, weights: .randomized(analysis, seed: seed), batchSize: batch, seed: seed)
        trainer.computesInputGradient = true
        var rng = SeededGenerator(seed: seed)
        var input = rng.values(batch * shape.elementCount!)
        let labels = (0..<batch).map { ($0 * 3 + 1) % trainer.classes }

        func loss() -> Double {
            input.withUnsafeBufferPointer { trainer.forward($0.baseAddress!, count: batch, training: true) }
            return trainer.loss(labels: labels).loss
        }
        input.withUnsafeBufferPointer { trainer.forward($0.baseAddress!, count: batch, training: true) }
        trainer.backward(labels: labels)
        trainer.reusesDropoutMasks = true

        let epsilon: Float = 3e-3
        func check(_ name: String, count: Int, analytic: Float, nudge: (Float) -> Void) {
            nudge(epsilon)
            let plus = loss()
            nudge(-2 * epsilon)
            let minus = loss()
            nudge(epsilon)
            let numeric = Float((plus - minus) / Double(2 * epsilon))
            let tolerance = 5e-2 * max(abs(numeric), abs(analytic)) + 1e-3
            XCTAssertLessThanOrEqual(
                abs(numeric - analytic), tolerance, "\(name): backward \(analytic), finite difference \(numeric)",
                file: file, line: line)
        }
        var checked = 0
        for (name, tensor) in trainer.parameters {
            let gradient = trainer.gradients[name]!.values
            XCTAssertTrue(gradient.contains { $0 != 0 }, "\(name) gets a gradient", file: file, line: line)
            for i in Set((0..<12).map { ($0 * 7919) % tensor.count }) {
                check("\(name)[\(i)]", count: tensor.count, analytic: gradient[i]) { tensor[i] += $0 }
                checked += 1
            }
        }
        let inputGradient = Array(UnsafeBufferPointer(start: trainer.inputGradient, count: input.count))
        for i in Set((0..<12).map { ($0 * 7919) % input.count }) {
            check("input[\(i)]", count: input.count, analytic: inputGradient[i]) { input[i] += $0 }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 12, file: file, line: line)
    }

    func testDenseAndCrossEntropy() throws {
        try checkGradients(TensorShape(channels: 6, height: 1, width: 1)) { b, x in b.dense(b.flatten(x), "fc", 7) }
    }

    func testConvolution() throws {
        let shape = TensorShape(channels: 2, height: 7, width: 6)
        try checkGradients(shape) { b, x in b.conv(x, "conv", filters: 3, kernel: 3) }
        try checkGradients(shape) { b, x in b.conv(x, "conv", filters: 4, kernel: 3, stride: 2, padding: .explicit(Pad4(1)), bias: false) }
        try checkGradients(shape) { b, x in b.conv(x, "conv", filters: 2, kernel: Size2(3, 2), padding: .same, dilation: 2) }
        try checkGradients(TensorShape(channels: 4, height: 5, width: 5)) { b, x in
            b.conv(x, "conv", filters: 6, kernel: 3, padding: .explicit(Pad4(1)), groups: 2)
        }
        try checkGradients(TensorShape(channels: 3, height: 5, width: 5)) { b, x in  // depthwise
            b.conv(x, "conv", filters: 3, kernel: 3, stride: 2, padding: .explicit(Pad4(1)), groups: 3)
        }
        try checkGradients(TensorShape(channels: 3, height: 4, width: 4)) { b, x in b.conv(x, "conv", filters: 5, kernel: 1) }
    }

    func testPooling() throws {
        let shape = TensorShape(channels: 2, height: 7, width: 7)
        try checkGradients(shape) { b, x in b.maxPool(x, "pool", kernel: 2) }
        try checkGradients(shape) { b, x in b.maxPool(x, "pool", kernel: 3, stride: 2, padding: .explicit(Pad4(1)), ceilMode: true) }
        try checkGradients(shape) { b, x in b.avgPool(x, "pool", kernel: 2) }
        try checkGradients(shape) { b, x in b.avgPool(x, "pool", kernel: 3, stride: 2, padding: .explicit(Pad4(1)), countIncludePad: false) }
        try checkGradients(shape) { b, x in b.avgPool(x, "pool", kernel: 3, stride: 2, padding: .explicit(Pad4(1)), ceilMode: true) }
        try checkGradients(shape) { b, x in b.adaptiveAvgPool(x, "pool", Size2(3, 2)) }
        try checkGradients(shape) { b, x in b.globalAvgPool(x, "gap") }
    }

    func testBatchNormInTrainingMode() throws {
        try checkGradients(TensorShape(channels: 3, height: 4, width: 4), batch: 4) { b, x in
            b.batchNorm(b.conv(x, "conv", filters: 4, kernel: 3), "bn")
        }
    }

    func testActivations() throws {
        for kind in Activation.examples where kind != .softmax {
            // Scaled up so that ReLU6 and the hard functions see both their flat and sloped parts.
            try checkGradients(TensorShape(channels: 2, height: 3, width: 3), seed: 5) { b, x in
                b.activation(b.conv(x, "scale", filters: 3, kernel: 1), "act", kind)
            }
        }
    }

    /// ShuffleNet's channel bookkeeping and the arithmetic a file brings in: slices, a shuffle,
    /// a difference of two layers, `x * 0.5 - 1`.
    func testSliceShuffleSubtractAndAffine() throws {
        try checkGradients(TensorShape(channels: 4, height: 3, width: 3), seed: 9) { b, x in
            let y = b.conv(x, "conv", filters: 6, kernel: 1)
            let left = b.add(.channelSlice(start: 0, end: 3), "left", inputs: [y], module: false)
            let right = b.add(.channelSlice(start: 3, end: 6), "right", inputs: [y], module: false)
            let diff = b.add(.subtract, "diff", inputs: [b.conv(left, "branch", filters: 3, kernel: 1), right], module: false)
            let cat = b.concat([diff, right])
            let shuffled = b.add(.channelShuffle(groups: 2), "shuffle", inputs: [cat], module: false)
            return b.add(.affine(scale: 0.5, shift: -1), "affine", inputs: [shuffled], module: false)
        }
    }

    /// Squeeze-and-excitation: the map times a gate of one value per channel, both from the same
    /// convolution, so the gradient reaches it along both paths.
    func testSqueezeExcitationProduct() throws {
        try checkGradients(TensorShape(channels: 3, height: 4, width: 4), seed: 6) { b, x in
            let y = b.conv(x, "conv", filters: 4, kernel: 3)
            let gate = b.activation(b.conv(b.globalAvgPool(y, "pool", keepDims: true), "fc", filters: 4, kernel: 1), "gate", .sigmoid)
            return b.add(.multiply, "scale", inputs: [y, gate], module: false)
        }
    }

    /// A convolution the trainer runs forward as Winograd F(2x2, 3x3) (3x3, 16 channels, a 10x10
    /// map), its backward as im2col: the two agree with the finite differences.
    func testWinogradForwardInTraining() throws {
        try checkGradients(TensorShape(channels: 16, height: 10, width: 10), batch: 2, seed: 11) { b, x in
            b.activation(b.conv(x, "conv", filters: 16, kernel: 3, padding: .symmetric(1)), "tanh", .tanh)
        }
    }

    /// What tf2onnx makes of a batchnorm: a product and a sum with one value per channel, each
    /// with its own parameters.
    func testChannelScaleAndShift() throws {
        try checkGradients(TensorShape(channels: 3, height: 4, width: 4), seed: 12) { b, x in
            let y = b.conv(x, "conv", filters: 4, kernel: 3)
            return b.add(.channelShift, "shift", inputs: [b.add(.channelScale, "scale", inputs: [y])])
        }
    }

    func testGlobalMaxPool() throws {
        try checkGradients(TensorShape(channels: 3, height: 4, width: 4), seed: 4) { b, x in
            b.globalMaxPool(b.conv(x, "conv", filters: 4, kernel: 3), "pool")
        }
    }

    func testSoftmaxInsideTheGraph() throws {
        try checkGradients(TensorShape(channels: 4, height: 1, width: 1)) { b, x in
            b.activation(b.dense(b.flatten(x), "fc", 6), "softmax", .softmax)
        }
    }

    func testDropoutWithFixedMasks() throws {
        try checkGradients(TensorShape(channels: 8, height: 1, width: 1)) { b, x in
            b.dropout(b.dense(b.flatten(x), "fc", 12), "drop", 0.5)
        }
    }

    func testMergesAndFlatten() throws {
        let shape = TensorShape(channels: 2, height: 4, width: 4)
        try checkGradients(shape) { b, x in  // a residual block: conv-relu-conv + identity
            let y = b.conv(b.relu(b.conv(x, "c1", filters: 2, kernel: 3, padding: .same), "r"), "c2", filters: 2, kernel: 3, padding: .same)
            return b.sum([x, y])
        }
        try checkGradients(shape) { b, x in  // an inception-style concat of two branches
            b.concat([b.conv(x, "a", filters: 3, kernel: 1), b.maxPool(x, "b", kernel: 3, stride: 1, padding: .same)])
        }
    }

    func testFinalSoftmaxIsFoldedIntoTheLoss() throws {
        let b = GraphBuilder("probabilities")
        _ = b.activation(b.dense(b.flatten(b.input()), "fc", 3), "softmax", .softmax)
        let analysis = try ModelAnalysis(graph: b.build(), input: TensorShape(channels: 4, height: 1, width: 1))
        let trainer = try Trainer(analysis: analysis, weights: .randomized(analysis, seed: 2), batchSize: 1)
        XCTAssertEqual(trainer.logitsLayer, analysis.graph.layers.count - 2, "the loss reads the dense layer's logits")
    }

    func testUnsupportedOpsAreNamed() throws {
        let b = GraphBuilder("lrn")
        _ = b.lrn(b.input(), "norm", size: 3)
        let analysis = try ModelAnalysis(graph: b.build(), input: TensorShape(channels: 4, height: 1, width: 1))
        XCTAssertThrowsError(try Trainer(analysis: analysis, weights: .randomized(analysis, seed: 1), batchSize: 1)) {
            XCTAssertEqual("\($0)", "training does not support LocalResponseNorm yet (layer norm)")
        }
    }
}
