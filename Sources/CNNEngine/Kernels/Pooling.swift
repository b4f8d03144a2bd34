import CKernels
import CNNModel

/// The window geometry of a pooling layer, from the analysis.
public struct PoolGeometry: Hashable, Sendable {
    public var channels, inHeight, inWidth, outHeight, outWidth: Int
    public var kernelHeight, kernelWidth, strideHeight, strideWidth: Int
    public var padding: Pad4
    public var countIncludePad: Bool

    public init(_ pool: Pool2D, input: TensorShape, output: TensorShape, padding: Pad4) {
        (channels, inHeight, inWidth) = (input.channels, input.height, input.width)
        (outHeight, outWidth) = (output.height, output.width)
        (kernelHeight, kernelWidth) = (pool.kernel.h, pool.kernel.w)
        (strideHeight, strideWidth) = (pool.stride.h, pool.stride.w)
        self.padding = padding
        countIncludePad = pool.countIncludePad
    }

    /// Floats of scratch space `pool2dForward` needs: the divisors of each output row and column,
    /// and one padded input line.
    public var scratchCount: Int {
        outHeight + outWidth + cnn_pool2d_scratch(outWidth, kernelWidth, strideWidth)
    }

    /// PyTorch's divisor of an average window, per output row (`isRow`) or column: the window
    /// clipped to the padded input with `countIncludePad`, else the input pixels it covers. The
    /// divisor of output (y, x) is the product of the two.
    func divisorFactor(_ index: Int, isRow: Bool) -> Int {
        let (stride, kernel, size, before, after) =
            isRow
            ? (strideHeight, kernelHeight, inHeight, padding.top, padding.bottom)
            : (strideWidth, kernelWidth, inWidth, padding.left, padding.right)
        let start = index * stride - before
        let paddedEnd = min(start + kernel, size + after)
        return countIncludePad ? paddedEnd - start : max(min(paddedEnd, size) - max(start, 0), 0)
    }
}

/// Max or average pooling of one sample (the fast path: a vertical pass over each window's rows,
/// then a horizontal one, vectorized in CKernels); the same results as `maxPool2dReference` and
/// `avgPool2dReference`. With `shares` above 1 a large input's channels are split among threads.
///
/// - Parameters:
///   - output: `[C, Hout, Wout]`
///   - input: `[C, H, W]`
///   - scratch: `shares` times `geometry.scratchCount` floats
///   - shares: the most threads to split the work among
public func pool2dForward(
    _ kind: Pool2D.Kind, output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, geometry g: PoolGeometry,
    scratch: UnsafeMutablePointer<Float>, shares: Int = 1
) {
    let (inPlane, outPlane) = (g.inHeight * g.inWidth, g.outHeight * g.outWidth)
    let wanted = worthwhileShares(floats: g.channels * inPlane, limit: min(shares, g.channels))
    forEachShare(limit: wanted) { share, count in
        let channels = shareRange(of: g.channels, share: share, shares: count)
        let scratch = scratch + share * g.scratchCount
        let rowCount = scratch, columnCount = scratch + g.outHeight
        if kind == .average {
            for y in 0..<g.outHeight { rowCount[y] = Float(g.divisorFactor(y, isRow: true)) }
            for x in 0..<g.outWidth { columnCount[x] = Float(g.divisorFactor(x, isRow: false)) }
        }
        cnn_pool2d(
            output + channels.lowerBound * outPlane, input + channels.lowerBound * inPlane, channels.count, g.inHeight,
            g.inWidth, g.outHeight, g.outWidth, g.kernelHeight, g.kernelWidth, g.strideHeight, g.strideWidth,
            g.padding.top, g.padding.left, kind == .max ? 1 : 0, rowCount, columnCount, scratch + g.outHeight + g.outWidth)
    }
}

/// Max over each window, loop by loop (the definition the fast path is tested against); padding
/// never wins (PyTorch pads with -inf).
///
/// - Parameters:
///   - output: `[C, Hout, Wout]`
///   - input: `[C, H, W]`
public func maxPool2dReference(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, geometry g: PoolGeometry) {
    for c in 0..<g.channels {
        let plane = input + c * g.inHeight * g.inWidth
        let out = output + c * g.outHeight * g.outWidth
        for y in 0..<g.outHeight {
            let y0 = max(y * g.strideHeight - g.padding.top, 0)
            let y1 = min(y * g.strideHeight - g.padding.top + g.kernelHeight, g.inHeight)
            for x in 0..<g.outWidth {
                let x0 = max(x * g.strideWidth - g.padding.left, 0)
                let x1 = min(x * g.strideWidth - g.padding.left + g.kernelWidth, g.inWidth)
                var best = -Float.infinity
                for iy in y0..<max(y1, y0) {
                    for ix in x0..<max(x1, x0) { best = max(best, plane[iy * g.inWidth + ix]) }
                }
                out[y * g.outWidth + x] = best
            }
        }
    }
}

/// Mean over each window, loop by loop (the definition the fast path is tested against), with
/// PyTorch's divisor: with `countIncludePad` the window clipped to
/// the padded input (so ceil-mode windows past the padding count less), otherwise only the
/// input pixels it covers.
///
/// - Parameters:
///   - output: `[C, Hout, Wout]`
///   - input: `[C, H, W]`
public func avgPool2dReference(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, geometry g: PoolGeometry) {
    for c in 0..<g.channels {
        let plane = input + c * g.inHeight * g.inWidth
        let out = output + c * g.outHeight * g.outWidth
        for y in 0..<g.outHeight {
            let start = y * g.strideHeight - g.padding.top
            let paddedEnd = min(start + g.kernelHeight, g.inHeight + g.padding.bottom)
            let y0 = max(start, 0), y1 = min(paddedEnd, g.inHeight)
            for x in 0..<g.outWidth {
                let startX = x * g.strideWidth - g.padding.left
                let paddedEndX = min(startX + g.kernelWidth, g.inWidth + g.padding.right)
                let x0 = max(startX, 0), x1 = min(paddedEndX, g.inWidth)
                var sum: Float = 0
                for iy in y0..<max(y1, y0) {
                    for ix in x0..<max(x1, x0) { sum += plane[iy * g.inWidth + ix] }
                }
                let divisor =
                    g.countIncludePad
                    ? (paddedEnd - start) * (paddedEndX - startX)
                    : max(y1 - y0, 0) * max(x1 - x0, 0)
                out[y * g.outWidth + x] = divisor > 0 ? sum / Float(divisor) : 0
            }
        }
    }
}

/// PyTorch's `AdaptiveAvgPool2d`: output cell (i, j) averages rows `floor(i·H/Ho) ..< ceil((i+1)·H/Ho)`
/// and the same for columns. With a 1x1 output it is global average pooling.
///
/// - Parameters:
///   - output: `[C, Ho, Wo]`
///   - input: `[C, H, W]`
public func adaptiveAvgPool2dForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
    channels: Int, inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int
) {
    if outHeight == 1 && outWidth == 1 {  // global: one vectorized mean per channel
        cnn_channel_means(output, input, channels, inHeight * inWidth)
        return
    }
    for c in 0..<channels {
        let plane = input + c * inHeight * inWidth
        let out = output + c * outHeight * outWidth
        for i in 0..<outHeight {
            let y0 = (i * inHeight) / outHeight
            let y1 = ((i + 1) * inHeight + outHeight - 1) / outHeight
            for j in 0..<outWidth {
                let x0 = (j * inWidth) / outWidth
                let x1 = ((j + 1) * inWidth + outWidth - 1) / outWidth
                var sum: Float = 0
                for iy in y0..<y1 {
                    for ix in x0..<x1 { sum += plane[iy * inWidth + ix] }
                }
                out[i * outWidth + j] = sum / Float((y1 - y0) * (x1 - x0))
            }
        }
    }
}
