import CBLAS
import CKernels

/// Winograd's F(2x2, 3x3) for 3x3 stride-1 convolutions (Lavin & Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2016): each 2x2 block of outputs takes 16 multiplications per
/// input/output channel pair instead of 36, 2.25x fewer, and the 16 products of a block of tiles
/// are 16 SGEMMs `M[ξ] = U[ξ] · V[ξ]` (`[Cout x Cin] · [Cin x tiles]`). The transforms are
/// additions only, so the results stay as accurate as im2col's (the tests hold both to the
/// loop-by-loop reference).
extension ConvGeometry {
    /// The convolutions the executor runs this way: 3x3, stride 1, undilated, one group, with
    /// enough channels (16 in and out) that the matrix products, not the transforms, dominate,
    /// and maps of at least 10x10 outputs (on a 7x7 map the 16 products are too thin for SGEMM
    /// and im2col wins: 512 channels ran at 119 against 134 GFLOP/s).
    public var suitsWinograd: Bool {
        isWinogradShaped && inChannels >= 16 && outChannels >= 16 && outputPixels >= 100
    }

    /// What F(2x2, 3x3) computes at all: a 3x3, stride-1, undilated, ungrouped convolution
    /// (any padding, any size).
    public var isWinogradShaped: Bool {
        kernelHeight == 3 && kernelWidth == 3 && strideHeight == 1 && strideWidth == 1
            && dilationHeight == 1 && dilationWidth == 1 && groups == 1
    }

    var winogradTilesX: Int { (outWidth + 1) / 2 }
    var winogradTilesY: Int { (outHeight + 1) / 2 }

    /// Tile rows transformed at a time: the block's transformed input and products,
    /// `16·(Cin + Cout)·tiles` floats, are kept near 2 MB so that SGEMM reads them from cache,
    /// but hold at least 256 tiles, below which SGEMM slows down (measured on VGG-16's layers).
    var winogradTileRowsPerBlock: Int {
        let budget = 1 << 19  // floats
        let perRow = 16 * (inChannels + outChannels) * winogradTilesX
        let byBudget = budget / max(perRow, 1)
        let byTiles = (256 + winogradTilesX - 1) / winogradTilesX
        return min(max(1, byBudget, byTiles), winogradTilesY)
    }

    /// Floats of scratch space per sample: the block's V and M, the narrow GEMM's tiles when the
    /// products may run through it, and the transforms' lines.
    public var winogradWorkspaceCount: Int {
        let tiles = winogradTileRowsPerBlock * winogradTilesX
        return 16 * (cnn_winograd_plane_stride(inChannels, tiles) + cnn_winograd_plane_stride(outChannels, tiles))
            + winogradNarrowScratchCount + 4 * (2 * winogradTilesX + 2)
    }

    /// Floats of the narrow GEMM's tiles, for a block of at most 64 tiles (0 for larger ones).
    var winogradNarrowScratchCount: Int {
        let tiles = winogradTileRowsPerBlock * winogradTilesX
        return tiles <= 64 ? cnn_narrow_gemm_scratch(tiles) : 0
    }

    /// Floats of the transformed weights `U[16][Cout][Cin]`.
    public var winogradWeightCount: Int { 16 * outChannels * inChannels }

    /// The kernel the executor multiplies the 16 products with: with AVX-512, CKernels' narrow GEMM
    /// when a block has at most 64 tiles (a 14x14 map: 49), else its packed GEMM when Cin is at most
    /// 1,024; SGEMM otherwise. On one AMD EPYC this took ResNet-50 from about 85 to 76 ms and
    /// VGG-16 from about 220 to 206 ms on one thread.
    public var winogradProducts: WinogradProducts {
        if winogradTileRowsPerBlock * winogradTilesX <= 64 {
            return cnn_narrow_gemm_is_fast() != 0 ? .narrow : .sgemm
        }
        return cnn_packed_gemm_is_fast() != 0 && inChannels <= 1024 ? .packed : .sgemm
    }

    /// Floats of U as `products` takes it: `[16][Cout][Cin]`, or each ξ's `[Cout x Cin]` packed.
    public func winogradWeightCount(for products: WinogradProducts) -> Int {
        switch products {
        case .sgemm: return winogradWeightCount
        case .packed: return 16 * cnn_packed_gemm_count(outChannels, inChannels)
        case .narrow: return 16 * cnn_narrow_gemm_packed_count(outChannels, inChannels)
        }
    }
}

/// How a block's 16 Winograd products `M[ξ] = U[ξ] · V[ξ]` are multiplied: SGEMM on U as
/// transformed, or one of CKernels' AVX-512 GEMMs on U packed for it once
/// (`packWinogradWeights`).
public enum WinogradProducts: String, Sendable {
    case sgemm = "SGEMM"
    case packed = "packed GEMM"
    case narrow = "narrow GEMM"
}

/// Transforms `[Cout, Cin, 3, 3]` weights to U and packs it for `products`, each ξ's `[Cout x Cin]`
/// in turn, into `geometry.winogradWeightCount(for: products)` floats, once per model: 64 filters
/// at a time, so that the plain U of a whole layer (16 MB for 512 channels) is never held beside
/// the packed one.
public func packWinogradWeights(
    _ packed: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, geometry g: ConvGeometry, products: WinogradProducts
) {
    precondition(g.isWinogradShaped, "Winograd F(2x2, 3x3) takes 3x3 stride-1 ungrouped convolutions")
    let (cout, cin) = (g.outChannels, g.inChannels)
    guard products != .sgemm else { return cnn_winograd_f2k3_weights(packed, weight, cout, cin) }
    let each = g.winogradWeightCount(for: products) / 16
    let chunk = 64  // a whole number of both GEMMs' panels (8 and 64 filters)
    let u = UnsafeMutablePointer<Float>.allocate(capacity: 16 * chunk * cin)
    defer { u.deallocate() }
    for first in stride(from: 0, to: cout, by: chunk) {
        let filters = min(chunk, cout - first)
        cnn_winograd_f2k3_weights(u, weight + first * cin * 9, filters, cin)
        for xi in 0..<16 {
            // Filters first..<first+filters of ξ's matrix start at packed row `first` (times K).
            let target = packed + xi * each + first * cin, source = u + xi * filters * cin
            if products == .packed {
                cnn_packed_gemm_pack(target, source, filters, cin)
            } else {
                cnn_narrow_gemm_pack(target, source, filters, cin)
            }
        }
    }
}

/// `U[ξ][o][c] = (G g G^T)[ξ]` for every 3x3 filter `g = weight[o][c]`, done once per model.
///
/// - Parameters:
///   - transformed: `[16, Cout, Cin]`
///   - weight: `[Cout, Cin, 3, 3]`
public func winogradTransformWeights(
    _ transformed: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, geometry g: ConvGeometry
) {
    precondition(g.isWinogradShaped, "Winograd F(2x2, 3x3) takes 3x3 stride-1 ungrouped convolutions")
    cnn_winograd_f2k3_weights(transformed, weight, g.outChannels, g.inChannels)
}

/// A 3x3 stride-1 convolution of one sample through Winograd F(2x2, 3x3).
///
/// With `shares` above 1, the blocks of tile rows are split among up to that many threads, each
/// with its own part of the workspace, the blocks made smaller so that there are as many as shares
/// (or twice as many) while they keep 128 tiles. A map too small for that (28x28 and smaller at
/// ResNet's widths) is one block whose three steps are split instead: the input transform by
/// channels, the 16 products, the output transform by filters. OpenBLAS must be single-threaded
/// (`EngineThreads.withSingleThreadedBLAS`).
///
/// - Parameters:
///   - output: `[Cout, Hout, Wout]`
///   - input: `[Cin, H, W]`
///   - transformedWeight: `[16, Cout, Cin]`, from `winogradTransformWeights`, or packed for
///     `products` by `packWinogradWeights`
///   - bias: `[Cout]` or nil
///   - clamp: a ReLU or ReLU6 applied as the output is written
///   - workspace: `shares` times `geometry.winogradWorkspaceCount` floats
///   - shares: the most threads to split the work among
///   - products: the kernel for the 16 products (`.narrow` only when a block has at most 64 tiles)
public func winogradConv2dForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, transformedWeight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: ConvGeometry, clamp: ActivationClamp = .identity,
    workspace: UnsafeMutablePointer<Float>, shares: Int = 1, products kernel: WinogradProducts = .sgemm
) {
    let (cin, cout, tilesX, tilesY) = (g.inChannels, g.outChannels, g.winogradTilesX, g.winogradTilesY)
    let wanted = worthwhileShares(multiplyAdds: g.multiplyAdds, limit: shares)
    let (blockRows, blocks) = g.winogradBlocks(shares: wanted)
    let region = { (share: Int) in workspace + share * g.winogradWorkspaceCount }
    // Each share's lines for the transforms at the end of its region, the narrow GEMM's tiles before them.
    let lines = { (share: Int) in region(share + 1) - 4 * (2 * tilesX + 2) }
    let narrowTiles = { (share: Int) in lines(share) - g.winogradNarrowScratchCount }
    let weightStride = g.winogradWeightCount(for: kernel) / 16
    precondition(kernel != .narrow || g.winogradNarrowScratchCount > 0, "the narrow GEMM takes blocks of at most 64 tiles")
    /// Block `block` with V and M at `scratch`, its three steps each split into up to `split` shares.
    func run(block: Int, scratch: UnsafeMutablePointer<Float>, share: Int, split: Int) {
        let tileRow = block * blockRows
        let rows = min(blockRows, tilesY - tileRow)
        let tiles = rows * tilesX
        let (inPlane, outPlane) = (cnn_winograd_plane_stride(cin, tiles), cnn_winograd_plane_stride(cout, tiles))
        let transformedInput = scratch
        let products = scratch + 16 * inPlane
        forEachShare(limit: min(split, cin)) { part, count in
            let channels = shareRange(of: cin, share: part, shares: count)
            cnn_winograd_f2k3_input(
                transformedInput + channels.lowerBound * tiles, inPlane, tiles, input + channels.lowerBound * g.inHeight * g.inWidth,
                channels.count, g.inHeight, g.inWidth, g.padTop, g.padLeft, tilesX, tileRow, rows, lines(share + part))
        }
        forEachShare(limit: split) { part, count in
            for xi in shareRange(of: 16, share: part, shares: count) {
                // M[ξ][Cout x tiles] = U[ξ][Cout x Cin] · V[ξ][Cin x tiles]
                let (u, v, m) = (transformedWeight + xi * weightStride, transformedInput + xi * inPlane, products + xi * outPlane)
                switch kernel {
                case .sgemm:
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(cout), Int32(tiles), Int32(cin), 1, u, Int32(cin), v,
                        Int32(tiles), 0, m, Int32(tiles))
                case .packed:
                    cnn_packed_gemm(cout, tiles, cin, u, v, tiles, m, tiles, nil, -.infinity, .infinity)
                case .narrow:
                    cnn_narrow_gemm(cout, tiles, cin, u, v, tiles, m, tiles, nil, -.infinity, .infinity, narrowTiles(share + part))
                }
            }
        }
        forEachShare(limit: min(split, cout)) { part, count in
            let filters = shareRange(of: cout, share: part, shares: count)
            let first = filters.lowerBound
            cnn_winograd_f2k3_output(
                output + first * g.outputPixels, products + first * tiles, outPlane, tiles, bias.map { $0 + first },
                filters.count, g.outHeight, g.outWidth, tilesX, tileRow, rows, clamp.lower, clamp.upper, 0, lines(share + part))
        }
    }
    if blocks >= wanted {
        forEachShare(limit: wanted) { share, count in
            for block in stride(from: share, to: blocks, by: count) {
                run(block: block, scratch: region(share), share: share, split: 1)
            }
        }
    } else {
        for block in 0..<blocks { run(block: block, scratch: workspace, share: 0, split: wanted) }
    }
}

extension ConvGeometry {
    /// Tile rows per block and blocks when split among `shares`: `winogradTileRowsPerBlock`, made
    /// smaller (down to 128 tiles) so that the blocks are as many as the shares, or twice as many.
    func winogradBlocks(shares: Int) -> (rows: Int, blocks: Int) {
        var rows = winogradTileRowsPerBlock
        let blocks = (winogradTilesY + rows - 1) / rows
        let target = balancedBlockCount(blocks, shares: shares)
        if target != blocks {
            let fewer = (winogradTilesY + target - 1) / target
            if fewer * winogradTilesX >= 128 { rows = fewer }
        }
        return (rows, (winogradTilesY + rows - 1) / rows)
    }
}
