import CBLAS
import CKernels

/// Gradients of a convolution over a batch (the backward of `conv2dForward`), accumulated:
/// `gradWeight += Σ gradOutput · columnsᵀ`, `gradBias += Σ gradOutput` over samples and pixels,
/// and `gradInput += col2im(Wᵀ · gradOutput)`; each only when asked for.
///
/// The samples go in chunks whose unfolded inputs are laid side by side, `[k x m·pixels]`, with
/// their output gradients gathered the same way, `[Cout/groups x m·pixels]`, so that each group's
/// weight gradient is one SGEMM over `m·pixels` (the sum over the chunk's samples and pixels at
/// once) rather than one per sample, each reading and writing the whole weight gradient (on
/// ResNet's 4x4 maps, a product over 16 pixels into 9 MB of gradient, per sample).
///
/// - Parameters:
///   - gradInput: `[n, Cin, H, W]`, or nil when the input needs no gradient (the graph's input,
///     or one computed otherwise)
///   - gradWeight: `[Cout, Cin/groups, kH, kW]`, or nil when computed otherwise
///     (`winogradWeightGradient`)
///   - gradBias: `[Cout]` or nil
///   - gradOutput: `[n, Cout, Hout, Wout]`
///   - input: `[n, Cin, H, W]`, what the forward pass read
///   - weight: `[Cout, Cin/groups, kH, kW]`
///   - batch: n
///   - scratch: `geometry.batchScratchCount(batch: n)` floats
///   - samplesPerChunk: at most `geometry.batchSamplesPerChunk(batch: n)`, the default (tests
///     choose smaller chunks)
public func conv2dBackward(
    gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?,
    gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, batch n: Int,
    geometry g: ConvGeometry, scratch: UnsafeMutablePointer<Float>, samplesPerChunk: Int? = nil
) {
    let pixels = g.outputPixels
    let (k, filters) = (g.columnRows, g.groupOutChannels)
    let inCount = g.inChannels * g.inHeight * g.inWidth, outCount = g.outChannels * pixels
    let inPerGroup = g.groupInChannels * g.inHeight * g.inWidth
    if let gradBias { convBiasGradient(gradBias, gradOutput: gradOutput, batch: n, channels: g.outChannels, pixels: pixels) }
    guard gradInput != nil || gradWeight != nil else { return }
    let chunk = min(samplesPerChunk ?? .max, g.batchSamplesPerChunk(batch: n))
    let columns = scratch
    let gathered = scratch + chunk * pixels * k
    forEachUnfoldedChunk(columns: columns, input: input, batch: n, chunk: chunk, geometry: g) { first, m, group in
        let width = m * pixels
        for s in 0..<m {
            let sample = first + s
            for f in 0..<filters {
                (gathered + f * width + s * pixels).update(
                    from: gradOutput + sample * outCount + (group * filters + f) * pixels, count: pixels)
            }
        }
        if let gradWeight {
            // dW[coutG x k] += dY[coutG x m·pixels] · columns[k x m·pixels]ᵀ
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(filters), Int32(k), Int32(width),
                1, gathered, Int32(width), columns, Int32(width), 1, gradWeight + group * filters * k, Int32(k))
        }
        guard let gradInput else { return }
        // dColumns[k x m·pixels] = W[coutG x k]ᵀ · dY[coutG x m·pixels], folded back onto each input.
        cblas_sgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(width), Int32(filters),
            1, weight + group * filters * k, Int32(k), gathered, Int32(width), 0, columns, Int32(width))
        for s in 0..<m {
            col2im(
                gradInput: gradInput + (first + s) * inCount + group * inPerGroup, columns: columns + s * pixels,
                pitch: width, channels: g.groupInChannels, geometry: g)
        }
    }
}

/// `gradBias[c] += Σ gradOutput[s][c]` over the samples and pixels of `[n, channels, pixels]`.
func convBiasGradient(
    _ gradBias: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>, batch n: Int, channels: Int, pixels: Int
) {
    for s in 0..<n {
        for c in 0..<channels {
            let plane = gradOutput + (s * channels + c) * pixels
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
///   - columns: `[channels·kH·kW, pitch]`, of which the first `Hout·Wout` columns are read
func col2im(
    gradInput: UnsafeMutablePointer<Float>, columns: UnsafePointer<Float>, pitch: Int, channels: Int, geometry g: ConvGeometry
) {
    cnn_col2im(
        gradInput, columns, channels, g.inHeight, g.inWidth, g.outHeight, g.outWidth, g.kernelHeight, g.kernelWidth,
        g.strideHeight, g.strideWidth, g.padTop, g.padLeft, g.dilationHeight, g.dilationWidth, pitch)
}
