import CKernels
import CNNModel
import TestSupport
import XCTest

@testable import CNNEngine

/// The batched convolution backward against the definition, loop by loop in Double, and the
/// batched forward against the one-sample one: the samples in one chunk, in chunks of two (the
/// last one short), and one by one.
final class ConvolutionBackwardTests: XCTestCase {
    private func check(_ conv: Conv2D, input shape: TensorShape, batch n: Int, seed: UInt64, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        let b = GraphBuilder("conv")
        _ = b.add(.conv2d(conv), "conv", inputs: [b.input()])
        let analysis = try ModelAnalysis(graph: b.build(), input: shape)
        let layer = analysis.layers[1]
        let g = ConvGeometry(conv, input: shape, output: layer.outputShape, padding: layer.padding!)
        let (inCount, outCount) = (shape.elementCount!, layer.outputShape.elementCount!)
        var rng = SeededGenerator(seed: seed)
        let x = rng.values(n * inCount), w = rng.values(g.weightCount), dy = rng.values(n * outCount)

        // The definition: each output pixel's gradient flows to each weight and input pixel it read.
        var dW = [Double](repeating: 0, count: g.weightCount), dX = [Double](repeating: 0, count: n * inCount)
        var dB = [Double](repeating: 0, count: g.outChannels)
        for s in 0..<n {
            for oc in 0..<g.outChannels {
                let group = oc / g.groupOutChannels
                for y in 0..<g.outHeight {
                    for xo in 0..<g.outWidth {
                        let d = Double(dy[s * outCount + (oc * g.outHeight + y) * g.outWidth + xo])
                        dB[oc] += d
                        for ic in 0..<g.groupInChannels {
                            let c = group * g.groupInChannels + ic
                            for i in 0..<g.kernelHeight {
                                for j in 0..<g.kernelWidth {
                                    let iy = y * g.strideHeight - g.padTop + i * g.dilationHeight
                                    let ix = xo * g.strideWidth - g.padLeft + j * g.dilationWidth
                                    guard iy >= 0, iy < g.inHeight, ix >= 0, ix < g.inWidth else { continue }
                                    let wi = ((oc * g.groupInChannels + ic) * g.kernelHeight + i) * g.kernelWidth + j
                                    let xi = s * inCount + (c * g.inHeight + iy) * g.inWidth + ix
                                    dW[wi] += d * Double(x[xi])
                                    dX[xi] += d * Double(w[wi])
                                }
                            }
                        }
                    }
                }
            }
        }
        // The batched forward pass against the one-sample one, in the same chunks.
        var expected = [Float](repeating: .nan, count: n * outCount)
        var workspace = [Float](repeating: .nan, count: max(g.workspaceCount, 1))
        for s in 0..<n {
            let sample = Array(x[s * inCount..<(s + 1) * inCount])
            var out = [Float](repeating: .nan, count: outCount)
            conv2dForward(output: &out, input: sample, weight: w, bias: Array(dy.prefix(g.outChannels)), geometry: g, workspace: &workspace)
            expected.replaceSubrange(s * outCount..<(s + 1) * outCount, with: out)
        }
        for chunk in [n, 2, 1] {
            var out = [Float](repeating: .nan, count: n * outCount)
            var scratch = [Float](repeating: .nan, count: g.batchScratchCount(batch: n))
            conv2dBatchForward(
                output: &out, input: x, weight: w, bias: Array(dy.prefix(g.outChannels)), batch: n, geometry: g, scratch: &scratch,
                samplesPerChunk: chunk)
            assertMatches(expected, out, "\(conv) on \(n) x \(shape), forward in chunks of \(chunk)", file: file, line: line)
        }
        defer { cnn_kernels_force_level(-1) }
        for (level, chunk) in (0...cnn_kernels_cpu_level()).flatMap({ level in [n, 2, 1].map { (level, $0) } }) {
            cnn_kernels_force_level(level)
            var gradW = [Float](repeating: 0, count: g.weightCount), gradX = [Float](repeating: 0, count: n * inCount)
            var gradB = [Float](repeating: 0, count: g.outChannels)
            var scratch = [Float](repeating: .nan, count: g.batchScratchCount(batch: n))
            conv2dBackward(
                gradInput: &gradX, gradWeight: &gradW, gradBias: &gradB, gradOutput: dy, input: x, weight: w, batch: n,
                geometry: g, scratch: &scratch, samplesPerChunk: chunk)
            let label = "\(conv) on \(n) x \(shape), chunks of \(chunk), \(String(cString: cnn_kernels_level_name()))"
            assertMatches(dW.map(Float.init), gradW, label + ": weights", file: file, line: line)
            assertMatches(dX.map(Float.init), gradX, label + ": input", file: file, line: line)
            assertMatches(dB.map(Float.init), gradB, label + ": bias", file: file, line: line)
            guard g.isWinogradShaped else { continue }
            // Winograd over the batch: the weight gradient, and the forward written or added.
            var winogradW = [Float](repeating: 0, count: g.weightCount)
            var winogradScratch = [Float](repeating: .nan, count: g.batchWinogradScratchCount(batch: n))
            winogradWeightGradient(
                gradWeight: &winogradW, gradOutput: dy, input: x, batch: n, geometry: g, scratch: &winogradScratch,
                samplesPerChunk: chunk)
            assertMatches(dW.map(Float.init), winogradW, label + ": Winograd weights", file: file, line: line)
            let kinds: [WinogradProducts] = cnn_packed_gemm_is_fast() != 0 ? [.sgemm, .packed] : [.sgemm]
            for products in kinds {
                var u = [Float](repeating: .nan, count: g.winogradWeightCount(for: products))
                packWinogradWeights(&u, weight: w, geometry: g, products: products)
                var out = expected.map { -$0 }
                for accumulate in [true, false] {
                    winogradBatchForward(
                        output: &out, input: x, transformedWeight: u, bias: Array(dy.prefix(g.outChannels)), batch: n, geometry: g,
                        accumulate: accumulate, scratch: &winogradScratch, products: products, samplesPerChunk: chunk)
                    let wanted = accumulate ? [Float](repeating: 0, count: n * outCount) : expected
                    assertMatches(wanted, out, label + ": Winograd forward by \(products), accumulate \(accumulate)", file: file, line: line)
                }
            }
        }
    }

    func testBatchedGradientsMatchTheDefinition() throws {
        try check(Conv2D(filters: 6, kernel: 3, padding: .symmetric(1)), input: TensorShape(channels: 4, height: 7, width: 6), batch: 3, seed: 1)
        try check(
            Conv2D(filters: 4, kernel: 3, stride: 2, padding: .symmetric(1), groups: 2), input: TensorShape(channels: 6, height: 9, width: 8), batch: 3, seed: 2
        )
        try check(Conv2D(filters: 5, kernel: 1), input: TensorShape(channels: 3, height: 4, width: 4), batch: 5, seed: 3)
    }

    /// 3x3 stride-1 convolutions, which `train` runs through Winograd over the batch: odd and even
    /// sizes, no padding, one, two, and more channels than the packed GEMM's panel of 8.
    func testWinogradOverTheBatchMatchesTheDefinition() throws {
        try check(Conv2D(filters: 9, kernel: 3), input: TensorShape(channels: 3, height: 6, width: 5), batch: 3, seed: 4)
        try check(Conv2D(filters: 17, kernel: 3, padding: .symmetric(1)), input: TensorShape(channels: 18, height: 5, width: 4), batch: 4, seed: 5)
        try check(Conv2D(filters: 8, kernel: 3, padding: .symmetric(2)), input: TensorShape(channels: 5, height: 3, width: 7), batch: 3, seed: 6)
    }
}
