import CBLAS
import CKernels

// Convolutions over a training batch: the samples in chunks, unfolded side by side, so that each
// chunk is one product (`conv2dBatchForward` here, `conv2dBackward` beside it).

extension ConvGeometry {
    /// Samples whose unfolded columns `conv2dBatchForward` and `conv2dBackward` lay side by side
    /// for one product: up to 4 million floats of columns (16 MB), at least one sample.
    public func batchSamplesPerChunk(batch: Int) -> Int {
        max(1, min(batch, (1 << 22) / max(columnRows * outputPixels, 1)))
    }

    /// Floats of scratch space `conv2dBatchForward` and `conv2dBackward` need for a batch: the
    /// chunk's columns, and its products or output gradients, side by side.
    public func batchScratchCount(batch: Int) -> Int {
        batchSamplesPerChunk(batch: batch) * outputPixels * (columnRows + groupOutChannels)
    }
}

/// For each chunk of `chunk` samples (the last one shorter) and each group: the chunk's samples
/// unfolded side by side into `columns` (`unfoldSideBySide`), then `body(first, m, group)` for
/// samples `first ..< first + m`.
func forEachUnfoldedChunk(
    columns: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, batch n: Int, chunk: Int, geometry g: ConvGeometry,
    _ body: (_ first: Int, _ m: Int, _ group: Int) -> Void
) {
    var first = 0
    while first < n {
        let m = min(chunk, n - first)
        for group in 0..<g.groups {
            unfoldSideBySide(columns: columns, input: input, samples: first..<first + m, group: group, geometry: g)
            body(first, m, group)
        }
        first += m
    }
}

/// im2col of samples `samples` (one group's channels), side by side: sample `first + s` in
/// columns `s·pixels ..< (s + 1)·pixels` of `[columnRows x samples.count·pixels]`.
func unfoldSideBySide(
    columns: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, samples: Range<Int>, group: Int, geometry g: ConvGeometry
) {
    let inCount = g.inChannels * g.inHeight * g.inWidth, inPerGroup = g.groupInChannels * g.inHeight * g.inWidth
    for (s, sample) in samples.enumerated() {
        im2col(
            columns: columns + s * g.outputPixels, input: input + sample * inCount + group * inPerGroup,
            channels: g.groupInChannels, geometry: g, pitch: samples.count * g.outputPixels)
    }
}

/// A convolution of a batch (what `conv2dForward` does for one sample), for training: the
/// samples in chunks unfolded side by side, one SGEMM per chunk and group,
/// `[Cout/groups x k] · [k x m·pixels]`, whose columns then go back to each sample with the bias.
/// On ResNet's 4x4 maps one product over 16 pixels per sample becomes one over 16·m. Not for
/// depthwise convolutions (their direct kernel goes sample by sample).
///
/// - Parameters:
///   - output: `[n, Cout, Hout, Wout]`
///   - input: `[n, Cin, H, W]`
///   - weight: `[Cout, Cin/groups, kH, kW]`
///   - bias: `[Cout]` or nil
///   - batch: n
///   - scratch: `geometry.batchScratchCount(batch: n)` floats
///   - samplesPerChunk: at most `geometry.batchSamplesPerChunk(batch: n)`, the default
public func conv2dBatchForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    batch n: Int, geometry g: ConvGeometry, scratch: UnsafeMutablePointer<Float>, samplesPerChunk: Int? = nil
) {
    let pixels = g.outputPixels
    let (k, filters) = (g.columnRows, g.groupOutChannels)
    let outCount = g.outChannels * pixels
    precondition(!g.isDepthwise, "depthwise convolutions run through their direct kernel, sample by sample")
    let chunk = min(samplesPerChunk ?? .max, g.batchSamplesPerChunk(batch: n))
    let columns = scratch
    let products = scratch + chunk * pixels * k
    forEachUnfoldedChunk(columns: columns, input: input, batch: n, chunk: chunk, geometry: g) { first, m, group in
        let width = m * pixels
        // Y[coutG x m·pixels] = W[coutG x k] · columns[k x m·pixels]
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(filters), Int32(width), Int32(k),
            1, weight + group * filters * k, Int32(k), columns, Int32(width), 0, products, Int32(width))
        for s in 0..<m {
            for f in 0..<filters {
                let channel = group * filters + f
                let b = bias?[channel] ?? 0
                let source = products + f * width + s * pixels
                let target = output + (first + s) * outCount + channel * pixels
                for p in 0..<pixels { target[p] = source[p] + b }
            }
        }
    }
}
