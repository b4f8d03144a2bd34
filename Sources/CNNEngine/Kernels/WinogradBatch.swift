import CBLAS
import CKernels

// Winograd F(2x2, 3x3) over a training batch: a chunk of samples' transformed tiles side by side,
// so that each of the 16 products spans the chunk (on ResNet's 4x4 maps, 4 tiles per sample
// would make products too thin to run fast alone).
//
// - The forward, `M[ξ] = U[ξ] · V[ξ]` (`[Cout x Cin] · [Cin x m·tiles]`), as the executor's
//   `winogradConv2dForward` does sample by sample. The input gradient of a 3x3 "same"
//   convolution is such a convolution too (of dY, with the filters flipped and transposed).
// - The weight gradient, the transpose of `Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A` with respect to the
//   filter g: `dU[ξ] = Σ dM[ξ] · V[ξ]ᵀ` (`[Cout x m·tiles] · [m·tiles x Cin]`), with `V = Bᵀ d B`
//   the forward's input transform and `dM = A dY Aᵀ` the output gradient's, then `dg = Gᵀ dU G`.
//
// Both take 16 products per channel pair and 2x2 outputs instead of im2col's 36, and unfold
// nothing.
extension ConvGeometry {
    /// The convolutions `train` runs this way, forward and backward: Winograd-shaped ones with at
    /// least 16 channels in and out (with fewer, the 16 products per channel pair cost more than
    /// im2col's 9 on wider matrices).
    public var suitsBatchWinograd: Bool { isWinogradShaped && inChannels >= 16 && outChannels >= 16 }

    /// The kernel of the forward's 16 products over a batch: CKernels' packed GEMM with AVX-512
    /// when Cin is at most 1,024 (on one thread), SGEMM otherwise.
    public var batchWinogradProducts: WinogradProducts {
        cnn_packed_gemm_is_fast() != 0 && inChannels <= 1024 ? .packed : .sgemm
    }

    /// Tiles of one sample, all of its map: `tilesX · tilesY`.
    var winogradTiles: Int { winogradTilesX * winogradTilesY }

    /// Samples whose transformed inputs and products (or output gradients) the batched Winograd
    /// lays side by side: up to 2 million floats of both (8 MB), at least one sample.
    public func batchWinogradSamplesPerChunk(batch: Int) -> Int {
        max(1, min(batch, (1 << 21) / max(16 * (inChannels + outChannels) * winogradTiles, 1)))
    }

    /// Floats of scratch space `winogradBatchForward` and `winogradWeightGradient` need for a
    /// batch: a chunk's V and M (or dM), dU, and the transforms' scratch space (whole maps).
    public func batchWinogradScratchCount(batch: Int) -> Int {
        let width = batchWinogradSamplesPerChunk(batch: batch) * winogradTiles
        return 16 * (cnn_winograd_plane_stride(inChannels, width) + cnn_winograd_plane_stride(outChannels, width))
            + winogradWeightCount() + WinogradTile.f2.scratchFloats(tilesX: winogradTilesX, tileRows: winogradTilesY)
    }
}

/// For each chunk of samples (the last one shorter): `body(first, m, width)` for samples
/// `first ..< first + m`, `width = m·tiles`, after their inputs' transforms V were laid side by
/// side at the start of `scratch` (planes of `inPlane` floats).
private func forEachTransformedChunk(
    input: UnsafePointer<Float>, batch n: Int, chunk: Int, geometry g: ConvGeometry, scratch: UnsafeMutablePointer<Float>,
    lines: UnsafeMutablePointer<Float>, _ body: (_ first: Int, _ m: Int, _ width: Int) -> Void
) {
    let (tiles, inCount) = (g.winogradTiles, g.inChannels * g.inHeight * g.inWidth)
    let inPlane = cnn_winograd_plane_stride(g.inChannels, chunk * g.winogradTiles)
    for first in stride(from: 0, to: n, by: chunk) {
        let m = min(chunk, n - first), width = m * tiles
        for s in 0..<m {
            cnn_winograd_f2k3_input(
                scratch + s * tiles, inPlane, width, input + (first + s) * inCount, g.inChannels, g.inHeight, g.inWidth,
                g.padTop, g.padLeft, g.winogradTilesX, 0, g.winogradTilesY, lines)
        }
        body(first, m, width)
    }
}

/// A Winograd-shaped convolution of a batch (what `winogradConv2dForward` does for one sample),
/// for training, written to `output` or, with `accumulate`, added to it.
///
/// - Parameters:
///   - output: `[n, Cout, Hout, Wout]`
///   - input: `[n, Cin, H, W]`
///   - transformedWeight: U packed for `products` by `packWinogradWeights`
///   - bias: `[Cout]` or nil
///   - batch: n
///   - scratch: `geometry.batchWinogradScratchCount(batch: n)` floats
///   - products: `.packed` or `.sgemm`
///   - samplesPerChunk: at most `geometry.batchWinogradSamplesPerChunk(batch: n)`, the default
public func winogradBatchForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, transformedWeight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, batch n: Int, geometry g: ConvGeometry, accumulate: Bool = false,
    scratch: UnsafeMutablePointer<Float>, products kernel: WinogradProducts, samplesPerChunk: Int? = nil
) {
    precondition(g.isWinogradShaped && kernel != .narrow, "a 3x3 stride-1 ungrouped convolution, packed GEMM or SGEMM")
    let (cin, cout, tiles) = (g.inChannels, g.outChannels, g.winogradTiles)
    let outCount = cout * g.outputPixels
    let chunk = min(samplesPerChunk ?? .max, g.batchWinogradSamplesPerChunk(batch: n))
    let (inPlane, outPlane) = (cnn_winograd_plane_stride(cin, chunk * tiles), cnn_winograd_plane_stride(cout, chunk * tiles))
    let products = scratch + 16 * inPlane, lines = products + 16 * outPlane + g.winogradWeightCount()
    let weightStride = g.winogradWeightCount(for: kernel) / 16
    forEachTransformedChunk(input: input, batch: n, chunk: chunk, geometry: g, scratch: scratch, lines: lines) { first, m, width in
        for xi in 0..<16 {
            // M[ξ][Cout x m·tiles] = U[ξ][Cout x Cin] · V[ξ][Cin x m·tiles]
            let (u, v, p) = (transformedWeight + xi * weightStride, scratch + xi * inPlane, products + xi * outPlane)
            if kernel == .packed {
                cnn_packed_gemm(cout, width, cin, u, v, width, p, width, nil, -.infinity, .infinity)
            } else {
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(cout), Int32(width), Int32(cin), 1, u, Int32(cin), v,
                    Int32(width), 0, p, Int32(width))
            }
        }
        for s in 0..<m {
            cnn_winograd_f2k3_output(
                output + (first + s) * outCount, products + s * tiles, outPlane, width, bias, cout, g.outHeight, g.outWidth,
                g.winogradTilesX, 0, g.winogradTilesY, -.infinity, .infinity, accumulate ? 1 : 0, lines)
        }
    }
}

/// `gradWeight += Σ` over a batch of the weight gradient of a Winograd-shaped convolution (3x3,
/// stride 1, undilated, one group, any padding), what `conv2dBackward` computes through im2col.
///
/// - Parameters:
///   - gradWeight: `[Cout, Cin, 3, 3]`, accumulated
///   - gradOutput: `[n, Cout, Hout, Wout]`
///   - input: `[n, Cin, H, W]`, what the forward pass read
///   - batch: n
///   - scratch: `geometry.batchWinogradScratchCount(batch: n)` floats
///   - samplesPerChunk: at most `geometry.batchWinogradSamplesPerChunk(batch: n)`, the default
///     (tests choose smaller chunks)
public func winogradWeightGradient(
    gradWeight: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, batch n: Int,
    geometry g: ConvGeometry, scratch: UnsafeMutablePointer<Float>, samplesPerChunk: Int? = nil
) {
    precondition(g.isWinogradShaped, "Winograd F(2x2, 3x3) takes 3x3 stride-1 ungrouped convolutions")
    guard n > 0 else { return }
    let (cin, cout, tiles) = (g.inChannels, g.outChannels, g.winogradTiles)
    let outCount = cout * g.outputPixels
    let chunk = min(samplesPerChunk ?? .max, g.batchWinogradSamplesPerChunk(batch: n))
    let (inPlane, outPlane) = (cnn_winograd_plane_stride(cin, chunk * tiles), cnn_winograd_plane_stride(cout, chunk * tiles))
    let transformedGradient = scratch + 16 * inPlane
    let gradU = transformedGradient + 16 * outPlane, lines = gradU + g.winogradWeightCount()
    forEachTransformedChunk(input: input, batch: n, chunk: chunk, geometry: g, scratch: scratch, lines: lines) { first, m, width in
        for s in 0..<m {
            cnn_winograd_f2k3_output_gradient(
                transformedGradient + s * tiles, outPlane, width, gradOutput + (first + s) * outCount, cout, g.outHeight,
                g.outWidth, g.winogradTilesX, g.winogradTilesY, lines)
        }
        for xi in 0..<16 {
            // dU[ξ][Cout x Cin] (+)= dM[ξ][Cout x m·tiles] · V[ξ][Cin x m·tiles]ᵀ
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(cout), Int32(cin), Int32(width), 1,
                transformedGradient + xi * outPlane, Int32(width), scratch + xi * inPlane, Int32(width),
                first == 0 ? 0 : 1, gradU + xi * cout * cin, Int32(cin))
        }
    }
    cnn_winograd_f2k3_weights_gradient(gradWeight, gradU, cout, cin)
}
