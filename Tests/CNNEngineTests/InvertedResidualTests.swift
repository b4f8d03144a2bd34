import CKernels
import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNEngine

/// Inverted residual blocks computed whole: a depthwise convolution with the 1x1 expansion before
/// it and the projection after it (AVX-512 only: where the CPU has none, the executor never fuses
/// them and these tests are skipped).
final class InvertedResidualTests: XCTestCase {
    private func requireFusion() throws {
        try XCTSkipUnless(cnn_pointwise_depthwise_suits(3, 3, 1, 1, 1, 1, 1, 1) != 0, "the fused kernel needs AVX-512")
    }

    /// The fused block against the 1x1 convolutions and the depthwise one by the definition, ReLU6
    /// after the expansion and the depthwise convolution (and SiLU after the expansion where
    /// EfficientNet has it), the projection linear: with an expansion, a projection or both;
    /// strides 1 and 2, 3x3 and 5x5, channel counts that are not multiples of the packed weights'
    /// 8, maps of several vectors per row, of at most 8 outputs, and heights that are not multiples
    /// of a tile's 4 rows; on one thread and split into two and three shares, the workspace full of
    /// NaNs.
    func testFusedBlockMatchesItsConvolutions() throws {
        try requireFusion()
        let cases: [(inChannels: Int, channels: Int, out: Int, size: Int, kernel: Int, stride: Int, silu: Bool, expand: Bool, project: Bool)] = [
            (5, 20, 0, 13, 3, 1, false, true, false), (3, 19, 0, 37, 3, 2, false, true, false), (4, 16, 0, 34, 5, 1, true, true, false),
            (6, 11, 0, 21, 5, 2, true, true, false), (2, 8, 0, 1, 3, 1, false, true, false), (3, 24, 0, 70, 3, 2, true, true, false),
            (7, 7, 5, 23, 3, 1, false, false, true), (12, 12, 9, 30, 5, 2, false, false, true), (4, 24, 6, 19, 3, 2, false, true, true),
            (5, 17, 11, 12, 5, 1, true, true, true), (3, 10, 4, 40, 3, 1, false, true, true),
            // At most 8 outputs a row (8-lane vectors): 5x5 and 3x3 at stride 2, 5x5 at stride 1.
            (3, 12, 0, 13, 5, 2, true, true, false), (4, 9, 5, 11, 3, 2, false, true, true), (2, 10, 3, 5, 5, 1, false, true, true),
        ]
        for (seed, c) in cases.enumerated() {
            let input = TensorShape(channels: c.inChannels, height: c.size, width: c.size + 3)
            let expanded = TensorShape(channels: c.channels, height: c.size, width: c.size + 3)
            let expandGeometry = try convGeometry(Conv2D(filters: c.channels, kernel: 1), input)
            let depthwise = try convGeometry(
                Conv2D(
                    filters: c.channels, kernel: Size2(c.kernel, c.kernel), stride: Size2(c.stride, c.stride), padding: .symmetric(c.kernel / 2),
                    groups: c.channels), c.expand ? expanded : input)
            let reduced = TensorShape(channels: c.channels, height: depthwise.outHeight, width: depthwise.outWidth)
            let projectGeometry = try convGeometry(Conv2D(filters: max(c.out, 1), kernel: 1), reduced)
            var rng = SeededGenerator(seed: UInt64(seed + 40))
            let x = rng.values(input.elementCount!)
            let (w1, b1) = (rng.values(c.channels * c.inChannels), rng.values(c.channels))
            let (w2, b2) = (rng.values(depthwise.weightCount), rng.values(c.channels))
            let (w3, b3) = (rng.values(projectGeometry.weightCount), rng.values(projectGeometry.outChannels))
            let relu6 = ActivationClamp.relu6
            // The definition: each convolution by its loops, then its activation.
            var middle = x
            if c.expand {
                middle = [Float](repeating: .nan, count: expanded.elementCount!)
                conv2dReference(output: &middle, input: x, weight: w1, bias: b1, geometry: expandGeometry)
                middle = middle.map { min(max($0, relu6.lower), relu6.upper) }
                if c.silu { middle = middle.map { Float(Double($0) / (1 + exp(-Double($0)))) } }
            }
            var expected = [Float](repeating: .nan, count: depthwise.outChannels * depthwise.outputPixels)
            conv2dReference(output: &expected, input: middle, weight: w2, bias: b2, geometry: depthwise)
            expected = expected.map { min(max($0, relu6.lower), relu6.upper) }
            if c.project {
                let reducedValues = expected
                expected = [Float](repeating: .nan, count: projectGeometry.outChannels * projectGeometry.outputPixels)
                conv2dReference(output: &expected, input: reducedValues, weight: w3, bias: b3, geometry: projectGeometry)
            }

            func packed(_ w: [Float], _ g: ConvGeometry, _ b: [Float], _ clamp: ActivationClamp, silu: Bool = false) -> FusedPointwise {
                let p = Tensor(shape: [g.packedWeightCount])
                packWeights(p.data, weight: w, geometry: g)
                return FusedPointwise(geometry: g, packedWeight: p, bias: Tensor(shape: [b.count], values: b), clamp: clamp, silu: silu)
            }
            let block = InvertedResidual(
                expand: c.expand ? packed(w1, expandGeometry, b1, relu6, silu: c.silu) : nil, depthwise: depthwise,
                weight: Tensor(shape: [w2.count], values: w2), bias: Tensor(shape: [b2.count], values: b2), clamp: relu6,
                project: c.project ? packed(w3, projectGeometry, b3, .identity) : nil)
            let perShare = block.workspaceCount
            try forEachShareCount { shares in
                var workspace = [Float](repeating: .nan, count: perShare * shares)
                var fused = [Float](repeating: .nan, count: expected.count)
                workspace.withUnsafeMutableBufferPointer { ws in
                    fused.withUnsafeMutableBufferPointer { out in
                        block.forward(output: out.baseAddress!, input: x, workspace: ws.baseAddress!, workspacePerShare: perShare, shares: shares)
                    }
                }
                assertMatches(expected, fused, "\(c), \(shares) shares")
            }
        }
    }

    /// In MobileNetV2 at 112x112, the blocks on maps of 56x56 and 28x28 are computed whole by their last 1x1
    /// convolution, to the network's output unfused; a kept expansion is not fused, and keeps its
    /// own output.
    func testMobileNetV2FusesItsLargeExpansions() throws {
        try requireFusion()
        let model = try ZooExecutors("mobilenet_v2", size: 112, seed: 3)
        let id = model.id
        let (plain, fused) = (try model.plain(), try model.fused())
        XCTAssertEqual(fused.kernel(of: id("features.2.conv.2")), "1x1 + depthwise + 1x1", "96 channels of 56x56")
        for merged in ["features.2.conv.0.0", "features.2.conv.0.2", "features.2.conv.1.0", "features.2.conv.1.2"] {
            XCTAssertEqual(fused.kernel(of: id(merged)), "merged into features.2.conv.2", merged)
        }
        XCTAssertEqual(fused.kernel(of: id("features.1.conv.1")), "depthwise + 1x1", "no expansion before it")
        XCTAssertEqual(fused.kernel(of: id("features.3.conv.2")), "1x1 + depthwise + 1x1", "28x28")
        XCTAssertEqual(fused.kernel(of: id("features.5.conv.1.0")), "depthwise", "14x14: the maps stay in the caches")
        let keep = id("features.2.conv.0.0")
        let keeping = try model.fused(keeping: [keep])
        XCTAssertEqual(keeping.kernel(of: id("features.2.conv.2")), "depthwise + 1x1")
        XCTAssertLessThan(fused.activationFloats, plain.activationFloats)

        // Against the network unfused and unfolded (batchnorm on its own), and with the expansion
        // kept (and so run on its own, its batchnorm not folded): within rounding.
        try assertFusionChangesNothing(plain: plain, fused: fused, keeping: keeping, kept: keep, what: "expansion", seed: 4)
    }

    /// EfficientNet-B0 at 112x112: its SiLUs overwrite their input where nothing else reads it; the expansion on a 56x56 map,
    /// with its SiLU, is computed by the depthwise convolution after it; the logits are those of
    /// the network unfused and unfolded, and with the expansion kept.
    func testEfficientNetFusesItsExpansionWithItsSiLU() throws {
        try requireFusion()
        let model = try ZooExecutors("efficientnet_b0", size: 112, seed: 5)
        let id = model.id
        let (plain, fused) = (try model.plain(), try model.fused())
        XCTAssertEqual(fused.kernel(of: id("features.2.0.block.1.0")), "1x1 + depthwise", "its SiLU is read twice: not projected")
        XCTAssertEqual(fused.kernel(of: id("features.2.0.block.0.2")), "merged into features.2.0.block.1.0", "the expansion's SiLU")
        XCTAssertEqual(fused.kernel(of: id("features.0.2")), "in place", "the stem's SiLU")
        XCTAssertEqual(plain.kernel(of: id("features.0.2")), "", "unfused, a buffer of its own")
        XCTAssertEqual(fused.kernel(of: id("features.2.0.block.1.2")), "in place", "its output is read twice, its input once")
        let keep = id("features.2.0.block.0.2")
        let keeping = try model.fused(keeping: [keep])
        XCTAssertEqual(keeping.kernel(of: id("features.2.0.block.1.0")), "depthwise")
        XCTAssertEqual(keeping.kernel(of: keep), "in place", "kept, its output is still its own")
        XCTAssertLessThan(fused.activationFloats * 3, plain.activationFloats * 2)

        try assertFusionChangesNothing(plain: plain, fused: fused, keeping: keeping, kept: keep, what: "SiLU", seed: 6)
    }

    /// EfficientNet-B0 at 112x112: each squeeze-and-excitation multiply whose projection has fewer
    /// filters than pixels is merged into it (the packed weights scaled per pass), and the multiply
    /// passes on the map it read; on the 4x4 maps (320 filters) it stays. The logits are those of
    /// the network unfused, and with a multiply kept.
    func testSqueezeExcitationScalesTheProjectionsWeights() throws {
        try requireFusion()
        let model = try ZooExecutors("efficientnet_b0", size: 112, seed: 7)
        let id = model.id
        let (plain, fused) = (try model.plain(), try model.fused())
        let multiply = id("features.1.0.block.1.mul")
        XCTAssertEqual(fused.kernel(of: id("features.1.0.block.2.0")), "packed GEMM, scaled weights")
        XCTAssertEqual(fused.kernel(of: multiply), "merged into features.1.0.block.2.0")
        XCTAssertEqual(fused.kernel(of: id("features.2.1.block.3.0")), "packed GEMM, scaled weights + add", "and the shortcut")
        XCTAssertEqual(fused.kernel(of: id("features.7.0.block.2.mul")), "", "16 pixels, 320 filters: multiplied")
        XCTAssertEqual(plain.kernel(of: multiply), "")
        let keeping = try model.fused(keeping: [multiply])
        XCTAssertEqual(keeping.kernel(of: multiply), "", "kept, its output is its own")
        XCTAssertEqual(keeping.kernel(of: id("features.1.0.block.2.0")), "packed GEMM")

        try assertFusionChangesNothing(plain: plain, fused: fused, keeping: keeping, kept: multiply, what: "multiply", seed: 8)
    }
}
