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

    /// The algorithm the executor runs this convolution with: F(4x4, 3x3) on maps of at least
    /// 12x12 outputs (on smaller ones 4x4 tiles hang far over the map) with at most 128 x 128
    /// channels, F(2x2, 3x3) otherwise. On one AMD EPYC, ResNet-50's 3x3 convolutions took
    /// 1.2-1.4 ms at 56x56 (F(2x2, 3x3): 1.4-1.6), about 1.0 at 28x28 (1.3-1.5) and 1.1-1.2 at
    /// 14x14 (1.25-1.3), and VGG-16's pass went from 180 to 140 ms. But F(4x4, 3x3)'s transformed
    /// weights take 36 floats per filter pair (F(2x2, 3x3)'s 16, the filter's own 9), which on
    /// VGG-16's 256- and 512-channel layers took its peak memory from 693 to 822 MB.
    public var winogradTile: WinogradTile {
        outHeight >= 12 && outWidth >= 12 && inChannels * outChannels <= 128 * 128 ? .f4 : .f2
    }

    func winogradTilesX(_ tile: WinogradTile) -> Int { (outWidth + tile.outputs - 1) / tile.outputs }
    func winogradTilesY(_ tile: WinogradTile) -> Int { (outHeight + tile.outputs - 1) / tile.outputs }
    /// F(2x2, 3x3)'s (training's).
    var winogradTilesX: Int { winogradTilesX(.f2) }
    var winogradTilesY: Int { winogradTilesY(.f2) }

    /// Tile rows transformed at a time: the block's transformed input and products,
    /// `points·(Cin + Cout)·tiles` floats, are kept near 2 MB so that the products read them from
    /// cache, but hold at least 112 tiles, below which the products' kernels slow down. In F(4x4,
    /// 3x3), with its transforms vectorized, VGG-16's 64- and 128-channel layers went from 21.7-22.5
    /// to 19.2 ms on two threads (one thread: the same within the noise) when their blocks went from
    /// 196-280 tiles to 112. In F(2x2, 3x3) (256 tiles before), its 28x28 and 56x56 layers of 256
    /// and 512 channels, through the narrow GEMM at 112 tiles: 18.2-18.7 -> 16.4-17.2 ms each on one
    /// thread, 9.4-11.1 -> 8.2-9.3 on two (best of two profiles, interleaved, one AMD EPYC); with
    /// OpenBLAS's SGEMM (AVX2, Haswell kernel) the four took 98-106 ms in 256 tiles, 100-106 in 112.
    func winogradTileRowsPerBlock(_ tile: WinogradTile = .f2) -> Int {
        let budget = 1 << 19  // floats
        let perRow = tile.points * (inChannels + outChannels) * winogradTilesX(tile)
        let byBudget = budget / max(perRow, 1)
        let minimumTiles = 112
        let byTiles = (minimumTiles + winogradTilesX(tile) - 1) / winogradTilesX(tile)
        return min(max(1, byBudget, byTiles), winogradTilesY(tile))
    }

    /// Floats of scratch space per sample: the block's V and M, the narrow GEMM's tiles when the
    /// products may run through it, and the transforms' scratch space.
    public func winogradWorkspaceCount(_ tile: WinogradTile = .f2) -> Int {
        let tiles = winogradTileRowsPerBlock(tile) * winogradTilesX(tile)
        return tile.points * (cnn_winograd_plane_stride(inChannels, tiles) + cnn_winograd_plane_stride(outChannels, tiles))
            + winogradNarrowScratchCount(tile) + transformScratchCount(tile)
    }

    /// Floats of the transforms' scratch space.
    func transformScratchCount(_ tile: WinogradTile) -> Int {
        tile.scratchFloats(tilesX: winogradTilesX(tile), tileRows: winogradTileRowsPerBlock(tile))
    }

    /// Floats of the narrow GEMM's tiles, for a block it takes (`winogradNarrowFits`; 0 for others).
    func winogradNarrowScratchCount(_ tile: WinogradTile = .f2) -> Int {
        let tiles = winogradTileRowsPerBlock(tile) * winogradTilesX(tile)
        return winogradNarrowFits(tiles: tiles) ? cnn_narrow_gemm_scratch(tiles) : 0
    }

    /// Whether a block of `tiles` tiles goes through the narrow GEMM (where it is fast): up to 64
    /// tiles, or up to 128 when Cin is at least 256. Its epilogue transposes the products, a cost a
    /// long K pays for: VGG-16's 64-channel 224x224 layer in blocks of 112 tiles took 14.3 ms on one
    /// thread through the packed GEMM, 15.2-15.5 through the narrow one; its 256- and 512-channel
    /// layers were faster through the narrow one (`winogradTileRowsPerBlock`).
    func winogradNarrowFits(tiles: Int) -> Bool { tiles <= 64 || (tiles <= 128 && inChannels >= 256) }

    /// Floats of the transformed weights `U[points][Cout][Cin]`.
    public func winogradWeightCount(_ tile: WinogradTile = .f2) -> Int { tile.points * outChannels * inChannels }

    /// The kernel the executor multiplies the products with: with AVX-512, CKernels' narrow GEMM
    /// when it takes the blocks (a 14x14 map in 2x2 tiles: 49), else its packed GEMM when
    /// Cin is at most 1,024; SGEMM otherwise. On one AMD EPYC this took ResNet-50 from about 85 to
    /// 76 ms and VGG-16 from about 220 to 206 ms on one thread (F(2x2, 3x3) then).
    public func winogradProducts(_ tile: WinogradTile = .f2) -> WinogradProducts {
        if winogradNarrowFits(tiles: winogradTileRowsPerBlock(tile) * winogradTilesX(tile)) {
            return cnn_narrow_gemm_is_fast() != 0 ? .narrow : .sgemm
        }
        return cnn_packed_gemm_is_fast() != 0 && inChannels <= 1024 ? .packed : .sgemm
    }

    /// Floats of U as `products` takes it: `[points][Cout][Cin]`, or each ξ's `[Cout x Cin]` packed.
    public func winogradWeightCount(for products: WinogradProducts, tile: WinogradTile = .f2) -> Int {
        switch products {
        case .sgemm: return winogradWeightCount(tile)
        case .packed: return tile.points * cnn_packed_gemm_count(outChannels, inChannels)
        case .narrow: return tile.points * cnn_narrow_gemm_packed_count(outChannels, inChannels)
        }
    }
}

/// Winograd's minimal filtering of a 3x3 convolution, by the outputs of each tile: F(2x2, 3x3)
/// (16 products per tile, 2.25x fewer multiplications than the definition, the transforms
/// additions only; training uses it) or F(4x4, 3x3) (36 per tile, 4x fewer, the transforms with
/// coefficients up to 8 and 1/24).
public enum WinogradTile: Int, Sendable {
    case f2 = 2
    case f4 = 4

    /// Outputs per tile along each axis.
    public var outputs: Int { rawValue }
    /// The products per tile, `(outputs + 2)²`.
    public var points: Int { (rawValue + 2) * (rawValue + 2) }
    /// "F(2x2, 3x3)", "F(4x4, 3x3)".
    public var name: String { "F(\(rawValue)x\(rawValue), 3x3)" }
    /// Floats of the transforms' scratch space for blocks of at most `tileRows` rows of `tilesX` tiles (`CKernels.h`).
    func scratchFloats(tilesX: Int, tileRows: Int) -> Int {
        switch self {
        case .f2: return cnn_winograd_f2k3_scratch(tilesX, tileRows)
        case .f4: return cnn_winograd_f4k3_scratch(tilesX, tileRows)
        }
    }
}

/// How a block's Winograd products `M[ξ] = U[ξ] · V[ξ]` are multiplied: SGEMM on U as
/// transformed, or one of CKernels' AVX-512 GEMMs on U packed for it once
/// (`packWinogradWeights`).
public enum WinogradProducts: String, Sendable {
    case sgemm = "SGEMM"
    case packed = "packed GEMM"
    case narrow = "narrow GEMM"

    /// The rows of U's panels (`CKernels.h`): a run of filters starting at a multiple of them is
    /// multiplied from where it starts in the packed U.
    var panelRows: Int {
        switch self {
        case .sgemm: return 1
        case .packed: return 8
        case .narrow: return 64
        }
    }
}

/// Transforms `[Cout, Cin, 3, 3]` weights to U for `tile` and packs it for `products`, each ξ's
/// `[Cout x Cin]` in turn, into `geometry.winogradWeightCount(for: products, tile: tile)` floats,
/// once per model: 64 filters at a time, so that the plain U of a whole layer (16 MB for 512
/// channels in F(2x2, 3x3)) is never held beside the packed one.
public func packWinogradWeights(
    _ packed: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, geometry g: ConvGeometry, products: WinogradProducts,
    tile: WinogradTile = .f2
) {
    precondition(g.isWinogradShaped, "Winograd's F(m x m, 3x3) takes 3x3 stride-1 ungrouped convolutions")
    let (cout, cin) = (g.outChannels, g.inChannels)
    guard products != .sgemm else { return transformWinogradWeights(packed, weight, cout, cin, tile) }
    let each = g.winogradWeightCount(for: products, tile: tile) / tile.points
    let chunk = 64  // a whole number of both GEMMs' panels (8 and 64 filters)
    let u = UnsafeMutablePointer<Float>.allocate(capacity: tile.points * chunk * cin)
    defer { u.deallocate() }
    for first in stride(from: 0, to: cout, by: chunk) {
        let filters = min(chunk, cout - first)
        transformWinogradWeights(u, weight + first * cin * 9, filters, cin, tile)
        for xi in 0..<tile.points {
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

/// `U[ξ][o][c] = (G g Gᵀ)[ξ]` of `tile` for `cout` filters of `cin` 3x3 kernels.
private func transformWinogradWeights(
    _ u: UnsafeMutablePointer<Float>, _ weight: UnsafePointer<Float>, _ cout: Int, _ cin: Int, _ tile: WinogradTile
) {
    switch tile {
    case .f2: cnn_winograd_f2k3_weights(u, weight, cout, cin)
    case .f4: cnn_winograd_f4k3_weights(u, weight, cout, cin)
    }
}

/// `U[ξ][o][c] = (G g G^T)[ξ]` of F(2x2, 3x3) for every 3x3 filter `g = weight[o][c]`, done once per model.
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

/// A 3x3 stride-1 convolution of one sample through Winograd's F(2x2, 3x3) or F(4x4, 3x3).
///
/// With `shares` above 1, the blocks of tile rows are split among up to that many threads, each
/// with its own part of the workspace, the blocks made smaller so that there are as many as shares
/// (or twice as many) while they keep 128 tiles, or as many as the threads while they keep 96. A
/// map too small for that (28x28 and smaller at ResNet's widths) is one block whose steps are
/// split instead: the input transform by channels, then the products and the output transform by
/// runs of filters. OpenBLAS must be single-threaded (`EngineThreads.withSingleThreadedBLAS`).
///
/// - Parameters:
///   - output: `[Cout, Hout, Wout]`
///   - input: `[Cin, H, W]`
///   - transformedWeight: `[16, Cout, Cin]` from `winogradTransformWeights` (F(2x2, 3x3), SGEMM),
///     or U transformed for `tile` and packed for `products` by `packWinogradWeights`
///   - bias: `[Cout]` or nil
///   - clamp: a ReLU or ReLU6 applied as the output is written
///   - workspace: `shares` times `geometry.winogradWorkspaceCount(tile)` floats
///   - shares: the most threads to split the work among
///   - products: the kernel for the products (`.narrow` only for blocks it takes: `winogradNarrowFits`)
///   - tile: the algorithm
public func winogradConv2dForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, transformedWeight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: ConvGeometry, clamp: ActivationClamp = .identity,
    workspace: UnsafeMutablePointer<Float>, shares: Int = 1, products kernel: WinogradProducts = .sgemm,
    tile: WinogradTile = .f2
) {
    let (cin, cout, tilesX, tilesY) = (g.inChannels, g.outChannels, g.winogradTilesX(tile), g.winogradTilesY(tile))
    let points = tile.points
    let wanted = worthwhileShares(multiplyAdds: g.multiplyAdds, limit: shares)
    let threads = min(EngineThreads.count, wanted)
    let (blockRows, blocks, cut) = g.winogradBlocks(shares: wanted, threads: threads, tile: tile)
    let pieces = blocks + cut * (threads - 1)
    let region = { (share: Int) in workspace + share * g.winogradWorkspaceCount(tile) }
    // Each share's lines for the transforms at the end of its region, the narrow GEMM's tiles before them.
    let lines = { (share: Int) in region(share + 1) - g.transformScratchCount(tile) }
    let narrowTiles = { (share: Int) in lines(share) - g.winogradNarrowScratchCount(tile) }
    let weightStride = g.winogradWeightCount(for: kernel, tile: tile) / points
    precondition(kernel != .narrow || g.winogradNarrowScratchCount(tile) > 0, "blocks too large for the narrow GEMM")
    /// Block `block` with V and M at `scratch`, split into up to `split` shares: the input transform
    /// by channels, then the products and output transform by filters.
    func run(piece: Int, scratch: UnsafeMutablePointer<Float>, share: Int, split: Int) {
        let (tileRow, rows) = g.winogradPiece(piece, rows: blockRows, blocks: blocks, cut: cut, threads: threads, tilesY: tilesY)
        let tiles = rows * tilesX
        let (inPlane, outPlane) = (cnn_winograd_plane_stride(cin, tiles), cnn_winograd_plane_stride(cout, tiles))
        let transformedInput = scratch
        let products = scratch + points * inPlane
        forEachShare(limit: min(split, cin)) { part, count in
            let channels = shareRange(of: cin, share: part, shares: count)
            let (v, x) = (transformedInput + channels.lowerBound * tiles, input + channels.lowerBound * g.inHeight * g.inWidth)
            switch tile {
            case .f2:
                cnn_winograd_f2k3_input(
                    v, inPlane, tiles, x, channels.count, g.inHeight, g.inWidth, g.padTop, g.padLeft, tilesX, tileRow, rows,
                    lines(share + part))
            case .f4:
                cnn_winograd_f4k3_input(
                    v, inPlane, tiles, x, channels.count, g.inHeight, g.inWidth, g.padTop, g.padLeft, tilesX, tileRow, rows,
                    lines(share + part))
            }
        }
        // Each share multiplies and transforms back its own run of filters (whole panels of the
        // products kernel): one hand-over after the input transform, not one per step.
        let panels = (cout + kernel.panelRows - 1) / kernel.panelRows
        forEachShare(limit: min(split, panels)) { part, count in
            let own = shareRange(of: panels, share: part, shares: count)
            let first = own.lowerBound * kernel.panelRows, filters = min(own.upperBound * kernel.panelRows, cout) - first
            guard filters > 0 else { return }
            for xi in 0..<points {
                // M[ξ][filters x tiles] = U[ξ][filters x Cin] · V[ξ][Cin x tiles]
                let u = transformedWeight + xi * weightStride + first * cin
                let (v, m) = (transformedInput + xi * inPlane, products + xi * outPlane + first * tiles)
                switch kernel {
                case .sgemm:
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(filters), Int32(tiles), Int32(cin), 1, u, Int32(cin), v,
                        Int32(tiles), 0, m, Int32(tiles))
                case .packed:
                    cnn_packed_gemm(filters, tiles, cin, u, v, tiles, m, tiles, nil, -.infinity, .infinity)
                case .narrow:
                    cnn_narrow_gemm(filters, tiles, cin, u, v, tiles, m, tiles, nil, -.infinity, .infinity, narrowTiles(share + part))
                }
            }
            let (y, m) = (output + first * g.outputPixels, products + first * tiles)
            switch tile {
            case .f2:
                cnn_winograd_f2k3_output(
                    y, m, outPlane, tiles, bias.map { $0 + first }, filters, g.outHeight, g.outWidth, tilesX, tileRow, rows,
                    clamp.lower, clamp.upper, 0, lines(share + part))
            case .f4:
                cnn_winograd_f4k3_output(
                    y, m, outPlane, tiles, bias.map { $0 + first }, filters, g.outHeight, g.outWidth, tilesX, tileRow, rows,
                    clamp.lower, clamp.upper, lines(share + part))
            }
        }
    }
    if pieces >= wanted || (pieces > 1 && pieces == threads) {  // blocks for each share, or one for each thread
        forEachShare(limit: min(wanted, pieces)) { share, count in
            for piece in stride(from: share, to: pieces, by: count) {
                run(piece: piece, scratch: region(share), share: share, split: 1)
            }
        }
    } else {
        for piece in 0..<pieces { run(piece: piece, scratch: workspace, share: 0, split: wanted) }
    }
}

extension ConvGeometry {
    /// Tile rows per block and blocks when split among `shares` on `threads` threads:
    /// `winogradTileRowsPerBlock(tile)`, made smaller (down to 128 tiles) so that the blocks are as
    /// many as the shares, or twice as many; else (down to 96 tiles) as many as the threads, one
    /// each. ResNet-50's first 3x3s (56x56, 64 channels, two blocks of 98 tiles in F(4x4, 3x3))
    /// thus run a block on each of two threads rather than each block's steps split between them.
    /// Blocks that would not divide evenly among the threads are made lower until they do (down to
    /// half their height: an earlier session took VGG-16's 112x112 layers from 7 blocks of 4 tile
    /// rows to 14 of 2, from 6.9-8.1 to 6.4-8.2 ms and 3.9-4.6 to 3.6-4.9 ms on two threads); where
    /// only half their height would do, equal blocks more than the threads keep their height and
    /// the last `cut` of them are cut into a piece per thread (`winogradPiece`): VGG-16's 112x112
    /// layers and its 56x56 layer of 128 input channels as 6 blocks of 4 rows and 2 pieces of 2, on
    /// two threads 14.0-20.0 ms for the three (median 15.3) against 15.2-19.2 (median 18.4) in 14
    /// rows of 2, eight interleaved profiles each.
    func winogradBlocks(shares: Int, threads: Int = 1, tile: WinogradTile = .f2) -> (rows: Int, blocks: Int, cut: Int) {
        var rows = winogradTileRowsPerBlock(tile)
        let (tilesX, tilesY) = (winogradTilesX(tile), winogradTilesY(tile))
        let blocks = (tilesY + rows - 1) / rows
        let target = balancedBlockCount(blocks, shares: shares)
        if target != blocks {
            let fewer = (tilesY + target - 1) / target
            // At most `rows` when the blocks are at most the threads, so the workspace holds them.
            let each = (tilesY + threads - 1) / max(threads, 1)
            if fewer * tilesX >= 128 {
                rows = fewer
            } else if threads > 1 && blocks <= threads && each * tilesX >= 96 && (tilesY + each - 1) / each == threads {
                rows = each
            }
        }
        // Blocks that do not divide among the threads: lower ones that do, down to half their
        // height; but if only half does and the blocks are equal and more than the threads, the
        // last ones cut into a piece per thread instead, so that most of the work keeps its blocks.
        let count = (tilesY + rows - 1) / rows
        if threads > 1 && count % threads != 0 {
            let lower = stride(from: rows - 1, through: max(1, rows / 2), by: -1).first {
                tilesY % $0 == 0 && (tilesY / $0) % threads == 0
            }
            if tilesY % rows == 0 && count > threads && rows >= threads && (lower ?? 0) * 2 <= rows {
                return (rows, count, count % threads)
            }
            if let lower { rows = lower }
        }
        return (rows, (tilesY + rows - 1) / rows, 0)
    }

    /// The first tile row and the rows of piece `piece` of `winogradBlocks`' blocks: the blocks in
    /// turn, the last `cut` of them in `threads` pieces each.
    func winogradPiece(_ piece: Int, rows: Int, blocks: Int, cut: Int, threads: Int, tilesY: Int) -> (row: Int, rows: Int) {
        let whole = blocks - cut
        guard piece >= whole else { return (piece * rows, min(rows, tilesY - piece * rows)) }
        let block = whole + (piece - whole) / threads
        let part = shareRange(of: rows, share: (piece - whole) % threads, shares: threads)
        return (block * rows + part.lowerBound, part.count)
    }
}
