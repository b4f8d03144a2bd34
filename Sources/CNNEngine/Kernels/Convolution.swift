import CBLAS
import CKernels

/// 2-D convolution of one sample, as im2col + one product per group and block of output rows
/// (PyTorch's weight layout `[Cout, Cin/groups, kH, kW]`): SGEMM, or CKernels' packed-weight
/// GEMM when `packedWeight` is given; 1x1 stride-1 convolutions skip im2col, a kernel as large as
/// its input (LeNet-5's C5) is one matrix-vector product, depthwise ones use a direct kernel. The bias and
/// activation are applied to each block as the packed GEMM stores it, or right after SGEMM while
/// the block is in the cache.
///
/// With `shares` above 1 the blocks (depthwise: the channels; matrix-vector: the filters) are split
/// among up to that many threads (`forEachShare`), each with its own part of the workspace;
/// OpenBLAS must then be single-threaded (`EngineThreads.withSingleThreadedBLAS`).
///
/// - Parameters:
///   - output: `[Cout, Hout, Wout]`
///   - input: `[Cin, H, W]`
///   - weight: `[Cout, Cin/groups, kH, kW]`
///   - bias: `[Cout]` or nil
///   - clamp: a ReLU or ReLU6 applied to the output as it is finished (fusion)
///   - workspace: `shares` times `geometry.workspaceCount` floats
///   - shares: the most threads to split the work among
///   - packedWeight: the weights packed by `packWeights` (ungrouped convolutions on AVX-512
///     machines), to multiply with CKernels' packed-weight GEMM, bias and activation fused in,
///     instead of SGEMM and a bias pass
public func conv2dForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: ConvGeometry, clamp: ActivationClamp = .identity,
    workspace: UnsafeMutablePointer<Float>?, shares: Int = 1, packedWeight: UnsafePointer<Float>? = nil,
    residual: UnsafePointer<Float>? = nil
) {
    precondition(packedWeight == nil || g.groups == 1, "packed weights are for ungrouped convolutions")
    precondition(residual == nil || (packedWeight != nil && !g.isDepthwise && !g.coversWholeInput), "a residual needs the packed GEMM")
    let wanted = worthwhileShares(multiplyAdds: g.multiplyAdds, limit: shares)
    let region = { (share: Int) in workspace.map { $0 + share * g.workspaceCount } }
    if g.isDepthwise {
        forEachShare(limit: min(wanted, g.outChannels)) { share, count in
            let own = shareRange(of: g.outChannels, share: share, shares: count)
            let (first, end) = (own.lowerBound, own.upperBound)
            let taps = g.kernelHeight * g.kernelWidth
            depthwiseConv2dForward(
                output: output + first * g.outputPixels, input: input + first * g.inHeight * g.inWidth,
                weight: weight + first * taps, bias: bias.map { $0 + first }, channels: end - first, geometry: g,
                clamp: clamp, workspace: region(share))
        }
        return
    }
    let pixels = g.outputPixels
    let (k, filters) = (g.columnRows, g.groupOutChannels)
    let inPerGroup = g.groupInChannels * g.inHeight * g.inWidth
    let epilogue = bias != nil || !clamp.isIdentity
    if g.coversWholeInput {
        // One output pixel whose window is the whole (unpadded) input: out[coutG] = W[coutG x k] · input[k],
        // the filters split among the shares.
        forEachShare(limit: min(wanted, g.outChannels)) { share, count in
            let own = shareRange(of: g.outChannels, share: share, shares: count)
            let (first, end) = (own.lowerBound, own.upperBound)
            var filter = first
            while filter < end {
                let group = filter / filters
                let last = min(end, (group + 1) * filters)
                (output + filter).update(repeating: 0, count: last - filter)
                accumulateMatrixVector(
                    rows: last - filter, columns: k, weight: weight + filter * k, vector: input + group * inPerGroup,
                    into: output + filter)
                filter = last
            }
            if epilogue { cnn_bias_clamp(output + first, 1, bias.map { $0 + first }, end - first, 1, clamp.lower, clamp.upper) }
        }
        return
    }
    // Blocks of output columns (1x1) or rows (im2col).
    let span = g.isPointwise ? pixels : g.outHeight
    var size = g.isPointwise ? g.pointwiseColumnsPerBlock : g.rowsPerBlock
    var blocks = g.groups * ((span + size - 1) / size)
    let product = FilterProduct(
        weight: weight, packed: packedWeight, bias: bias, clamp: clamp, k: k, outputPitch: pixels, outputBase: output,
        residual: residual)
    if g.splitsFilters(among: wanted) {
        return conv2dForwardByFilters(output: output, input: input, product: product, geometry: g, workspace: workspace, shares: wanted)
    }
    let target = balancedBlockCount(blocks, shares: wanted)
    if target != blocks {
        // As many blocks as shares (or twice as many), so that the threads finish together.
        let perGroup = (target + g.groups - 1) / g.groups
        size = max(1, (span + perGroup - 1) / perGroup)
    }
    blocks = (span + size - 1) / size
    let items = g.groups * blocks
    forEachShare(limit: min(wanted, items)) { share, count in
        var item = share
        while item < items {
            let (group, start) = (item / blocks, item % blocks * size)
            let length = min(size, span - start)
            let columns: UnsafePointer<Float>, firstColumn: Int, width: Int
            if g.isPointwise {
                // out[coutG x width] = W[coutG x k] · input[k x width], columns start ..< start + length
                (firstColumn, width) = (start, length)
                columns = input + group * inPerGroup + start
            } else if let packed = product.packed {
                // Unfolded and multiplied a band of rows at a time, each band still in L2.
                let first = start * g.outWidth
                cnn_im2col_packed_gemm(
                    region(share)!, g.workspaceCount, input + group * inPerGroup, g.groupInChannels, g.inHeight,
                    g.inWidth, g.outWidth, g.kernelHeight, g.kernelWidth, g.strideHeight, g.strideWidth, g.padTop,
                    g.padLeft, g.dilationHeight, g.dilationWidth, start, length, filters, packed, output + first, pixels,
                    bias, residual.map { $0 + first }, clamp.lower, clamp.upper)
                item += count
                continue
            } else {
                // Unfold the block's rows, then multiply into those output columns.
                (firstColumn, width) = (start * g.outWidth, length * g.outWidth)
                im2col(
                    columns: region(share)!, input: input + group * inPerGroup, channels: g.groupInChannels,
                    geometry: g, firstRow: start, rows: length)
                columns = UnsafePointer(region(share)!)
            }
            product(
                group * filters..<(group + 1) * filters, columns: columns, columnPitch: g.isPointwise ? pixels : width,
                width: width, output: output + group * filters * pixels + firstColumn)
            item += count
        }
    }
}

/// Filters a share of `conv2dForwardByFilters` takes at least, and a multiple of (OpenBLAS's
/// kernels compute 16 or 8 rows at a time; the packed GEMM's panels hold 8).
private let filtersPerShareStep = 16

extension ConvGeometry {
    /// Whether `conv2dForward` splits this convolution among `shares` by runs of filters rather
    /// than by blocks of the map: an ungrouped one (not depthwise, not a matrix-vector product)
    /// whose map has fewer blocks than shares and fewer than 128 pixels per share (ResNet-50 at
    /// 14x14 on two threads), each share then getting at least 16 filters. A block that thin
    /// makes a slow product; but each share packs all of the unfolded input for its own product,
    /// which on larger maps costs more than thin blocks do (ResNet-50's 1x1 256->64 at 56x56 split
    /// by filters took as long on two threads as on one).
    func splitsFilters(among shares: Int) -> Bool {
        guard shares > 1, groups == 1, !isDepthwise, !coversWholeInput, outChannels >= shares * filtersPerShareStep,
            outputPixels < 128 * shares
        else { return false }
        let blocks =
            isPointwise
            ? (outputPixels + pointwiseColumnsPerBlock - 1) / pointwiseColumnsPerBlock
            : (outHeight + rowsPerBlock - 1) / rowsPerBlock
        return blocks < shares
    }
}

/// An ungrouped convolution split among `shares` by runs of filters: the input unfolded once (rows
/// split among the shares; none for 1x1 stride 1), then each share's filters over all the columns,
/// followed by their bias and activation.
///
/// - Parameter workspace: `shares` times `geometry.workspaceCount` floats, which hold the whole
///   unfolded input when the map has fewer blocks of `rowsPerBlock` rows than `shares`
private func conv2dForwardByFilters(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, product: FilterProduct, geometry g: ConvGeometry,
    workspace: UnsafeMutablePointer<Float>?, shares: Int
) {
    let pixels = g.outputPixels
    var columns = input
    if !g.isPointwise {
        let unfolded = workspace!
        precondition(g.outHeight <= shares * g.rowsPerBlock, "the unfolded input must fit the shares' workspace")
        forEachShare(limit: min(shares, g.outHeight)) { share, count in
            let rows = shareRange(of: g.outHeight, share: share, shares: count)
            im2col(
                columns: unfolded + rows.lowerBound * g.outWidth, input: input, channels: g.inChannels, geometry: g,
                firstRow: rows.lowerBound, rows: rows.count, pitch: pixels)
        }
        columns = UnsafePointer(unfolded)
    }
    // One run of filters per thread, not two: each product packs all of the unfolded input again.
    let steps = (g.outChannels + filtersPerShareStep - 1) / filtersPerShareStep
    forEachShare(limit: min(shares, EngineThreads.count, steps)) { share, count in
        let own = shareRange(of: steps, share: share, shares: count)
        let first = own.lowerBound * filtersPerShareStep
        let end = min(own.upperBound * filtersPerShareStep, g.outChannels)
        guard first < end else { return }
        product(first..<end, columns: columns, columnPitch: pixels, width: pixels, output: output + first * pixels)
    }
}

/// The product of a run of filters with columns of the (unfolded) input, and its bias and
/// activation: through CKernels' packed-weight GEMM, which applies them as it stores, when the
/// weights were packed for it; else SGEMM, then a pass over the block while it is in the cache.
private struct FilterProduct {
    let weight: UnsafePointer<Float>
    let packed: UnsafePointer<Float>?
    let bias: UnsafePointer<Float>?
    let clamp: ActivationClamp
    /// The filters' length, `columnRows`.
    let k: Int
    /// Floats from one output channel to the next (the output's pixels).
    let outputPitch: Int
    /// The whole output, and a tensor of its shape added before the clamp (a residual block's
    /// shortcut), or nil.
    let outputBase: UnsafeMutablePointer<Float>
    let residual: UnsafePointer<Float>?

    /// `output[f][x] = Σ_i weight[f][i] · columns[i][x] + bias[f]`, clamped, for the filters `filters`
    /// and `width` columns, `output` pointing at the first filter's first column.
    func callAsFunction(
        _ filters: Range<Int>, columns: UnsafePointer<Float>, columnPitch: Int, width: Int, output: UnsafeMutablePointer<Float>
    ) {
        let first = filters.lowerBound
        if let packed {
            precondition(first % 8 == 0, "the packed weights come in panels of 8 filters")
            cnn_packed_gemm_residual(
                filters.count, width, k, packed + first * k, columns, columnPitch, output, outputPitch, bias.map { $0 + first },
                residual.map { $0 + (output - outputBase) }, clamp.lower, clamp.upper)
            return
        }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(filters.count), Int32(width), Int32(k), 1, weight + first * k,
            Int32(k), columns, Int32(columnPitch), 0, output, Int32(outputPitch))
        if bias != nil || !clamp.isIdentity {
            cnn_bias_clamp(output, outputPitch, bias.map { $0 + first }, filters.count, width, clamp.lower, clamp.upper)
        }
    }
}

/// Packs `[Cout, Cin, kH, kW]` weights for `conv2dForward`'s `packedWeight`, once per model, into
/// `cnn_packed_gemm_count(Cout, Cin·kH·kW)` floats.
public func packWeights(_ packed: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, geometry g: ConvGeometry) {
    precondition(g.groups == 1, "packed weights are for ungrouped convolutions")
    cnn_packed_gemm_pack(packed, weight, g.outChannels, g.columnRows)
}

/// Unfolds the receptive field of output rows `firstRow ..< firstRow + rows` into columns:
/// `columns[(c·kH + i)·kW + j][y·Wout + x] = input[c][(firstRow + y)·sH - pT + i·dH][x·sW - pL + j·dW]`,
/// zero outside the input.
///
/// - Parameters:
///   - columns: `[channels·kH·kW, pitch]`, of which the first `rows·Wout` columns are written
///   - input: `[channels, H, W]`
///   - pitch: floats from one row of `columns` to the next (`rows·Wout` when nil)
func im2col(
    columns: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, channels: Int, geometry g: ConvGeometry,
    firstRow: Int = 0, rows: Int? = nil, pitch: Int? = nil
) {
    let rows = rows ?? g.outHeight
    cnn_im2col(
        columns, input, channels, g.inHeight, g.inWidth, g.outWidth, g.kernelHeight, g.kernelWidth,
        g.strideHeight, g.strideWidth, g.padTop, g.padLeft, g.dilationHeight, g.dilationWidth,
        firstRow, rows, pitch ?? rows * g.outWidth)
}

/// One k x k filter per channel, applied directly (C kernels: with AVX-512 four output rows at a
/// time straight from the input rows; elsewhere each plane copied once, padded, and all taps of
/// 64 outputs at a time summed in vector registers).
///
/// - Parameters:
///   - output: `[channels, Hout, Wout]`
///   - input: `[channels, H, W]`
///   - weight: `[channels, 1, kH, kW]`
///   - bias: `[channels]` or nil
///   - channels: the channels to compute (the geometry's, or a share of them)
///   - clamp: a ReLU or ReLU6 applied as the output is written
///   - workspace: `geometry.workspaceCount` floats, or nil (slower)
func depthwiseConv2dForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, channels: Int, geometry g: ConvGeometry, clamp: ActivationClamp,
    workspace: UnsafeMutablePointer<Float>?
) {
    cnn_depthwise_conv2d(
        output, input, weight, bias, channels, g.inHeight, g.inWidth, g.outHeight, g.outWidth, g.kernelHeight,
        g.kernelWidth, g.strideHeight, g.strideWidth, g.padTop, g.padLeft, g.dilationHeight, g.dilationWidth,
        clamp.lower, clamp.upper, g.workspaceCount > 0 ? workspace : nil)
}

/// The definition, loop by loop: the reference the fast paths are tested against.
public func conv2dReference(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: ConvGeometry
) {
    for oc in 0..<g.outChannels {
        let group = oc / g.groupOutChannels
        for y in 0..<g.outHeight {
            for x in 0..<g.outWidth {
                var sum = Double(bias?[oc] ?? 0)
                for ic in 0..<g.groupInChannels {
                    let c = group * g.groupInChannels + ic
                    for i in 0..<g.kernelHeight {
                        for j in 0..<g.kernelWidth {
                            let iy = y * g.strideHeight - g.padTop + i * g.dilationHeight
                            let ix = x * g.strideWidth - g.padLeft + j * g.dilationWidth
                            guard iy >= 0, iy < g.inHeight, ix >= 0, ix < g.inWidth else { continue }
                            let w = weight[((oc * g.groupInChannels + ic) * g.kernelHeight + i) * g.kernelWidth + j]
                            sum += Double(input[(c * g.inHeight + iy) * g.inWidth + ix]) * Double(w)
                        }
                    }
                }
                output[(oc * g.outHeight + y) * g.outWidth + x] = Float(sum)
            }
        }
    }
}
