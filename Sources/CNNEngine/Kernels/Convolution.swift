import CBLAS
import CKernels

/// 2-D convolution of one sample, as im2col + one SGEMM per group (PyTorch's weight layout
/// `[Cout, Cin/groups, kH, kW]`); 1x1 stride-1 convolutions skip im2col, a kernel as large as
/// its input (LeNet-5's C5) is one SGEMV, depthwise ones use a direct kernel.
///
/// - Parameters:
///   - output: `[Cout, Hout, Wout]`
///   - input: `[Cin, H, W]`
///   - weight: `[Cout, Cin/groups, kH, kW]`
///   - bias: `[Cout]` or nil
///   - clamp: a ReLU or ReLU6 applied to the output as it is finished (fusion)
///   - workspace: `geometry.workspaceCount` floats
public func conv2dForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: ConvGeometry, clamp: ActivationClamp = .identity,
    workspace: UnsafeMutablePointer<Float>?
) {
    if g.isDepthwise {
        depthwiseConv2dForward(
            output: output, input: input, weight: weight, bias: bias, geometry: g, clamp: clamp, workspace: workspace)
        return
    }
    let pixels = g.outputPixels
    let k = g.columnRows
    let inPerGroup = g.groupInChannels * g.inHeight * g.inWidth
    for group in 0..<g.groups {
        let groupInput = input + group * inPerGroup
        let groupWeight = weight + group * g.groupOutChannels * k
        let groupOutput = output + group * g.groupOutChannels * pixels
        if g.coversWholeInput {
            // One output pixel whose window is the whole (unpadded) input: out[coutG] = W[coutG x k] · input[k].
            cblas_sgemv(
                CblasRowMajor, CblasNoTrans, Int32(g.groupOutChannels), Int32(k), 1, groupWeight, Int32(k),
                groupInput, 1, 0, groupOutput, 1)
            continue
        }
        if g.isPointwise {
            // out[coutG x pixels] = W[coutG x k] · input[k x pixels], by blocks of columns whose
            // output stays in the cache for the bias and the activation.
            let block = g.pointwiseColumnsPerBlock
            var column = 0
            while column < pixels {
                let width = min(block, pixels - column)
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(g.groupOutChannels), Int32(width), Int32(k),
                    1, groupWeight, Int32(k), groupInput + column, Int32(pixels), 0, groupOutput + column, Int32(pixels))
                if bias != nil || !clamp.isIdentity {
                    cnn_bias_clamp(
                        groupOutput + column, pixels, bias.map { $0 + group * g.groupOutChannels }, g.groupOutChannels,
                        width, clamp.lower, clamp.upper)
                }
                column += width
            }
            continue
        }
        // Block by block of output rows: unfold, then multiply into those output columns.
        var row = 0
        while row < g.outHeight {
            let rows = min(g.rowsPerBlock, g.outHeight - row)
            let width = rows * g.outWidth
            im2col(
                columns: workspace!, input: groupInput, channels: g.groupInChannels, geometry: g,
                firstRow: row, rows: rows)
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(g.groupOutChannels), Int32(width), Int32(k),
                1, groupWeight, Int32(k), workspace!, Int32(width),
                0, groupOutput + row * g.outWidth, Int32(pixels))
            row += rows
        }
    }
    // (The 1x1 products applied it block by block.)
    let appliedByBlocks = g.isPointwise && !g.coversWholeInput
    if (bias != nil || !clamp.isIdentity) && !appliedByBlocks {
        cnn_bias_clamp(output, pixels, bias, g.outChannels, pixels, clamp.lower, clamp.upper)
    }
}

/// Unfolds the receptive field of output rows `firstRow ..< firstRow + rows` into columns:
/// `columns[(c·kH + i)·kW + j][y·Wout + x] = input[c][(firstRow + y)·sH - pT + i·dH][x·sW - pL + j·dW]`,
/// zero outside the input.
///
/// - Parameters:
///   - columns: `[channels·kH·kW, rows·Wout]`
///   - input: `[channels, H, W]`
func im2col(
    columns: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, channels: Int, geometry g: ConvGeometry,
    firstRow: Int = 0, rows: Int? = nil
) {
    cnn_im2col(
        columns, input, channels, g.inHeight, g.inWidth, g.outWidth, g.kernelHeight, g.kernelWidth,
        g.strideHeight, g.strideWidth, g.padTop, g.padLeft, g.dilationHeight, g.dilationWidth,
        firstRow, rows ?? g.outHeight)
}

/// One k x k filter per channel, applied directly (a C kernel per instruction set: each plane
/// copied once, padded, and all taps of 32 outputs at a time summed in vector registers).
///
/// - Parameters:
///   - output: `[C, Hout, Wout]`
///   - input: `[C, H, W]`
///   - weight: `[C, 1, kH, kW]`
///   - bias: `[C]` or nil
///   - clamp: a ReLU or ReLU6 applied as the output is written
///   - workspace: `geometry.workspaceCount` floats, or nil (slower)
func depthwiseConv2dForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: ConvGeometry, clamp: ActivationClamp, workspace: UnsafeMutablePointer<Float>?
) {
    cnn_depthwise_conv2d(
        output, input, weight, bias, g.outChannels, g.inHeight, g.inWidth, g.outHeight, g.outWidth, g.kernelHeight,
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
