import CBLAS
import CKernels

/// 2-D convolution of one sample, as im2col + one SGEMM per group and block of output rows
/// (PyTorch's weight layout `[Cout, Cin/groups, kH, kW]`); 1x1 stride-1 convolutions skip
/// im2col, a kernel as large as its input (LeNet-5's C5) is one SGEMV, depthwise ones use a
/// direct kernel. The bias and activation follow each block while it is in the cache.
///
/// With `shares` above 1 the blocks (depthwise: the channels; SGEMV: the filters) are split
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
public func conv2dForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: ConvGeometry, clamp: ActivationClamp = .identity,
    workspace: UnsafeMutablePointer<Float>?, shares: Int = 1
) {
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
                cblas_sgemv(
                    CblasRowMajor, CblasNoTrans, Int32(last - filter), Int32(k), 1, weight + filter * k, Int32(k),
                    input + group * inPerGroup, 1, 0, output + filter, 1)
                filter = last
            }
            if epilogue { cnn_bias_clamp(output + first, 1, bias.map { $0 + first }, end - first, 1, clamp.lower, clamp.upper) }
        }
        return
    }
    // Blocks of output columns (1x1) or rows (im2col), made smaller when there are fewer of them
    // than threads.
    let span = g.isPointwise ? pixels : g.outHeight
    var size = g.isPointwise ? g.pointwiseColumnsPerBlock : g.rowsPerBlock
    if g.groups * ((span + size - 1) / size) < wanted {
        size = (span + wanted - 1) / wanted
    }
    let blocks = (span + size - 1) / size
    let items = g.groups * blocks
    forEachShare(limit: min(wanted, items)) { share, count in
        var item = share
        while item < items {
            let (group, start) = (item / blocks, item % blocks * size)
            let length = min(size, span - start)
            let groupWeight = weight + group * filters * k
            let groupBias = bias.map { $0 + group * filters }
            let columns: UnsafePointer<Float>, firstColumn: Int, width: Int
            if g.isPointwise {
                // out[coutG x width] = W[coutG x k] · input[k x width], columns start ..< start + length
                (firstColumn, width) = (start, length)
                columns = input + group * inPerGroup + start
            } else {
                // Unfold the block's rows, then multiply into those output columns.
                (firstColumn, width) = (start * g.outWidth, length * g.outWidth)
                im2col(
                    columns: region(share)!, input: input + group * inPerGroup, channels: g.groupInChannels,
                    geometry: g, firstRow: start, rows: length)
                columns = UnsafePointer(region(share)!)
            }
            let groupOutput = output + group * filters * pixels + firstColumn
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(filters), Int32(width), Int32(k), 1, groupWeight,
                Int32(k), columns, Int32(g.isPointwise ? pixels : width), 0, groupOutput, Int32(pixels))
            if epilogue { cnn_bias_clamp(groupOutput, pixels, groupBias, filters, width, clamp.lower, clamp.upper) }
            item += count
        }
    }
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

/// One k x k filter per channel, applied directly (a C kernel per instruction set: each plane
/// copied once, padded, and all taps of 64 outputs at a time summed in vector registers).
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
