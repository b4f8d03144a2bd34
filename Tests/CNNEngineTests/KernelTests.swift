import CNNModel
import TestSupport
import XCTest

@testable import CNNEngine

/// The kernels on examples small enough to work out by hand.
final class KernelTests: XCTestCase {
    private func pool(_ p: Pool2D, _ input: [Float], _ shape: TensorShape, _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, PoolGeometry) -> Void)
        throws -> [Float]
    {
        let b = GraphBuilder("pool")
        _ = b.add(.pool(p), "pool", inputs: [b.input()])
        let a = try ModelAnalysis(graph: b.build(), input: shape).layers[1]
        let g = PoolGeometry(p, input: shape, output: a.outputShape, padding: a.padding!)
        var out = [Float](repeating: .nan, count: a.outputShape.elementCount!)
        out.withUnsafeMutableBufferPointer { o in input.withUnsafeBufferPointer { body(o.baseAddress!, $0.baseAddress!, g) } }
        return out
    }

    func testMaxPoolTwoByTwo() throws {
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
        let y = try pool(Pool2D(.max, kernel: 2), x, TensorShape(channels: 1, height: 4, width: 4), maxPool2dReference)
        XCTAssertEqual(y, [6, 8, 14, 16])
    }

    func testMaxPoolPaddingNeverWins() throws {
        let x: [Float] = [-5, -4, -3, -2]
        let y = try pool(Pool2D(.max, kernel: 3, stride: 1, padding: .symmetric(1)), x, TensorShape(channels: 1, height: 2, width: 2), maxPool2dReference)
        XCTAssertEqual(y, [-2, -2, -2, -2])
    }

    func testAveragePoolCountsPaddingOnlyWhenAsked() throws {
        let ones = [Float](repeating: 1, count: 9)
        let shape = TensorShape(channels: 1, height: 3, width: 3)
        let with = try pool(Pool2D(.average, kernel: 3, stride: 1, padding: .symmetric(1)), ones, shape, avgPool2dReference)
        XCTAssertEqual(with[0], 4.0 / 9, accuracy: 1e-6, "a corner window holds 4 pixels and 5 zeros")
        XCTAssertEqual(with[4], 1)
        let without = try pool(Pool2D(.average, kernel: 3, stride: 1, padding: .symmetric(1), countIncludePad: false), ones, shape, avgPool2dReference)
        XCTAssertEqual(without, [Float](repeating: 1, count: 9))
    }

    func testCeilModeAveragesThePartialWindowOverWhatItCovers() throws {
        // PyTorch: AvgPool2d(2, 2, ceil_mode=True) on a 3x3 input of ones gives 2x2 ones.
        let y = try pool(
            Pool2D(.average, kernel: 2, ceilMode: true), [Float](repeating: 1, count: 9),
            TensorShape(channels: 1, height: 3, width: 3), avgPool2dReference)
        XCTAssertEqual(y, [1, 1, 1, 1])
    }

    func testAdaptivePoolingWindowsOverlapWhenSizesDoNotDivide() {
        // 1x5 -> 1x3: windows [0,2), [1,4), [3,5).
        let x: [Float] = [1, 2, 3, 4, 5]
        var y = [Float](repeating: 0, count: 3)
        adaptiveAvgPool2dForward(output: &y, input: x, channels: 1, inHeight: 1, inWidth: 5, outHeight: 1, outWidth: 3)
        XCTAssertEqual(y, [1.5, 3, 4.5])
    }

    func testActivations() {
        let x: [Float] = [-4, -1, 0, 1, 7]
        var y = [Float](repeating: 0, count: 5)
        activationForward(.relu6, output: &y, input: x, count: 5)
        XCTAssertEqual(y, [0, 0, 0, 1, 6])
        activationForward(.hardSwish, output: &y, input: x, count: 5)
        XCTAssertEqual(y, [0, -1.0 / 3, 0, 2.0 / 3, 7])
        activationForward(.silu, output: &y, input: x, count: 5)
        XCTAssertEqual(y[3], 1 / (1 + exp(-1)), accuracy: 1e-6)
        activationForward(.sigmoid, output: &y, input: x, count: 5)
        XCTAssertEqual(y[2], 0.5)
        // torch.nn.functional.gelu of the same values (PyTorch 2.15). At -4 PyTorch's float32
        // (1 + erf) loses digits (the exact value is -1.26685e-4): within 1e-6 there.
        activationForward(.gelu, output: &y, input: x, count: 5)
        assertMatches([-0.0001264810562133789, -0.15865525603294373, 0.0, 0.8413447141647339, 7.0], y, relative: 1e-6, absolute: 1e-6, "gelu")
    }

    func testSoftmaxOverChannelsSumsToOne() {
        let x: [Float] = [1, 2, 3, 1000]
        var y = [Float](repeating: 0, count: 4)
        softmaxForward(output: &y, input: x, channels: 4, pixels: 1)
        XCTAssertEqual(y.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(y[3], 1, accuracy: 1e-6, "shifted by the maximum: no overflow")
    }

    func testBatchNormNormalizesWithRunningStatistics() {
        let x: [Float] = [3, 5, 10, 20]
        var y = [Float](repeating: 0, count: 4)
        let gamma: [Float] = [2, 1], beta: [Float] = [1, 0], mean: [Float] = [4, 15], variance: [Float] = [1, 25]
        batchNormForward(
            output: &y, input: x, channels: 2, pixels: 2, gamma: gamma, beta: beta, mean: mean,
            variance: variance, epsilon: 0)
        XCTAssertEqual(y, [-1, 3, -1, 1])
    }

    func testLocalResponseNormFollowsPyTorch() {
        // Three channels, one pixel, size 5: every channel's window holds all three.
        let x: [Float] = [1, 2, 3]
        var y = [Float](repeating: 0, count: 3)
        localResponseNormForward(
            output: &y, input: x, channels: 3, pixels: 1,
            parameters: LocalResponseNorm(size: 5, alpha: 1e-4, beta: 0.75, k: 2))
        let denominator = pow(2 + 1e-4 / 5 * 14, 0.75)
        XCTAssertEqual(Double(y[1]), 2 / denominator, accuracy: 1e-6)
        // Size 3: channel 0 sees channels 0 and 1 only.
        localResponseNormForward(
            output: &y, input: x, channels: 3, pixels: 1,
            parameters: LocalResponseNorm(size: 3, alpha: 3, beta: 1, k: 1))
        XCTAssertEqual(y[0], 1 / (1 + 1 * 5), accuracy: 1e-6)
    }

    func testDenseIsWeightsTimesInputPlusBias() {
        let w: [Float] = [1, 2, 3, 4, 5, 6]  // [2, 3]
        var y: [Float] = [0, 0]
        denseForward(output: &y, input: [1, 1, 2], weight: w, bias: [10, 20], inFeatures: 3, outFeatures: 2)
        XCTAssertEqual(y, [19, 41], "[1 2 3]·[1 1 2] + 10, [4 5 6]·[1 1 2] + 20")
        // Split into two and three shares of the outputs (5 and 6 rows; 3, 4 and 4), with and without a bias.
        let w2: [Float] = (0..<33).map { Float($0 % 7) - 3 }  // [11, 3]
        forEachShareCount { shares in
            for bias in [[Float]?.none, (0..<11).map { Float($0) }] {
                var y2 = [Float](repeating: .nan, count: 11)
                denseForward(output: &y2, input: [1, -2, 0.5], weight: w2, bias: bias, inFeatures: 3, outFeatures: 11, shares: shares)
                let expected: [Float] = (0..<11).map { (o: Int) -> Float in
                    let product: Float = w2[3 * o] - 2 * w2[3 * o + 1] + 0.5 * w2[3 * o + 2]
                    return product + (bias?[o] ?? 0)
                }
                XCTAssertEqual(y2, expected, "\(shares) shares")
            }
        }
    }

    func testMultiplyBroadcastsAChannelScale() {
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]  // [2, 2, 2]
        var y = [Float](repeating: 0, count: 8)
        multiplyForward(output: &y, a: x, aShape: [2, 2, 2], b: [10, -1], bShape: [2, 1, 1])
        XCTAssertEqual(y, [10, 20, 30, 40, -5, -6, -7, -8])
        multiplyForward(output: &y, a: [10, -1], aShape: [2, 1, 1], b: x, bShape: [2, 2, 2])
        XCTAssertEqual(y, [10, 20, 30, 40, -5, -6, -7, -8], "the scale may come first")
        var z = [Float](repeating: 0, count: 4)
        multiplyForward(output: &z, a: [1, 2, 3, 4], aShape: [1, 2, 2], b: [10, 100], bShape: [1, 1, 2])
        XCTAssertEqual(z, [10, 200, 30, 400], "the general broadcast")
    }

    func testConcatAddPadAndCrop() {
        var y = [Float](repeating: 0, count: 3)
        withPointers([[1], [2, 3]]) { concatForward(output: &y, inputs: $0, counts: [1, 2]) }
        XCTAssertEqual(y, [1, 2, 3])
        withPointers([[1, 1, 1], [1, 2, 3], [0, 0, 1]]) { addForward(output: &y, inputs: $0, count: 3) }
        XCTAssertEqual(y, [2, 3, 5])
        var padded = [Float](repeating: -1, count: 6)
        padForward(
            output: &padded, input: [1, 2], channels: 1, height: 1, width: 2,
            padding: Pad4(top: 0, bottom: 1, left: 0, right: 1), crop: false)
        XCTAssertEqual(padded, [1, 2, 0, 0, 0, 0])
        var cropped: [Float] = [0]
        padForward(
            output: &cropped, input: [1, 2, 3, 4], channels: 1, height: 2, width: 2,
            padding: Pad4(top: 1, bottom: 0, left: 1, right: 0), crop: true)
        XCTAssertEqual(cropped, [4])
    }
}

/// Calls `body` with stable pointers to each array (an array literal of arrays cannot be passed
/// as `[UnsafePointer<Float>]` directly: each conversion would only live for one expression).
func withPointers<R>(_ arrays: [[Float]], _ body: ([UnsafePointer<Float>]) -> R) -> R {
    let buffers = arrays.map { array -> UnsafeMutablePointer<Float> in
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(array.count, 1))
        p.initialize(from: array, count: array.count)
        return p
    }
    defer { buffers.forEach { $0.deallocate() } }
    return body(buffers.map { UnsafePointer($0) })
}
