import CBLAS

/// Gradients of a convolution of one sample (the backward of `conv2dForward`), accumulated:
/// `gradWeight += gradOutput · columnsᵀ`, `gradBias += Σ gradOutput` over pixels, and
/// `gradInput += col2im(Wᵀ · gradOutput)`, one SGEMM per group.
///
/// - Parameters:
///   - gradInput: `[Cin, H, W]`, or nil when the input needs no gradient (the graph's input)
///   - gradWeight: `[Cout, Cin/groups, kH, kW]`
///   - gradBias: `[Cout]` or nil
///   - gradOutput: `[Cout, Hout, Wout]`
///   - input: `[Cin, H, W]`, what the forward pass read
///   - weight: `[Cout, Cin/groups, kH, kW]`
///   - columns: `geometry.columnRows · geometry.outputPixels` floats of scratch space
public func conv2dBackward(
    gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
    gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    geometry g: ConvGeometry, columns: UnsafeMutablePointer<Float>
) {
    let pixels = g.outputPixels
    let k = g.columnRows
    let inPerGroup = g.groupInChannels * g.inHeight * g.inWidth
    for group in 0..<g.groups {
        let groupInput = input + group * inPerGroup
        let groupGradOutput = gradOutput + group * g.groupOutChannels * pixels
        let groupWeight = weight + group * g.groupOutChannels * k
        im2col(columns: columns, input: groupInput, channels: g.groupInChannels, geometry: g)
        // dW[coutG x k] += dY[coutG x pixels] · columns[k x pixels]ᵀ
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(g.groupOutChannels), Int32(k), Int32(pixels),
            1, groupGradOutput, Int32(pixels), columns, Int32(pixels), 1, gradWeight + group * g.groupOutChannels * k, Int32(k))
        guard let gradInput else { continue }
        // dColumns[k x pixels] = W[coutG x k]ᵀ · dY[coutG x pixels], folded back onto the input.
        cblas_sgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(pixels), Int32(g.groupOutChannels),
            1, groupWeight, Int32(k), groupGradOutput, Int32(pixels), 0, columns, Int32(pixels))
        col2im(gradInput: gradInput + group * inPerGroup, columns: columns, channels: g.groupInChannels, geometry: g)
    }
    if let gradBias {
        for c in 0..<g.outChannels {
            let plane = gradOutput + c * pixels
            var sum: Float = 0
            for p in 0..<pixels { sum += plane[p] }
            gradBias[c] += sum
        }
    }
}

/// The adjoint of `im2col` over the whole output: adds each column entry back onto the input
/// pixel it was copied from (entries that came from the zero padding are dropped).
///
/// - Parameters:
///   - gradInput: `[channels, H, W]`, accumulated
///   - columns: `[channels·kH·kW, Hout·Wout]`
func col2im(gradInput: UnsafeMutablePointer<Float>, columns: UnsafePointer<Float>, channels: Int, geometry g: ConvGeometry) {
    let width = g.outputPixels
    var row = 0
    for c in 0..<channels {
        let plane = gradInput + c * g.inHeight * g.inWidth
        for i in 0..<g.kernelHeight {
            for j in 0..<g.kernelWidth {
                let column = columns + row * width
                let offset = j * g.dilationWidth - g.padLeft
                for y in 0..<g.outHeight {
                    let iy = y * g.strideHeight - g.padTop + i * g.dilationHeight
                    guard iy >= 0 && iy < g.inHeight else { continue }
                    let line = column + y * g.outWidth
                    let target = plane + iy * g.inWidth
                    for x in 0..<g.outWidth {
                        let ix = x * g.strideWidth + offset
                        if ix >= 0 && ix < g.inWidth { target[ix] += line[x] }
                    }
                }
                row += 1
            }
        }
    }
}
