/// The backward of max pooling (`maxPool2dReference`): each window's gradient goes to the input pixel that won it
/// (the first maximum, as PyTorch picks), accumulated.
///
/// - Parameters:
///   - gradInput: `[C, H, W]`, accumulated
///   - gradOutput: `[C, Hout, Wout]`
///   - input: `[C, H, W]`, what the forward pass read
public func maxPool2dBackward(
    gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, geometry g: PoolGeometry
) {
    for c in 0..<g.channels {
        let plane = input + c * g.inHeight * g.inWidth
        let gradPlane = gradInput + c * g.inHeight * g.inWidth
        let gradOut = gradOutput + c * g.outHeight * g.outWidth
        for y in 0..<g.outHeight {
            let y0 = max(y * g.strideHeight - g.padding.top, 0)
            let y1 = min(y * g.strideHeight - g.padding.top + g.kernelHeight, g.inHeight)
            for x in 0..<g.outWidth {
                let x0 = max(x * g.strideWidth - g.padding.left, 0)
                let x1 = min(x * g.strideWidth - g.padding.left + g.kernelWidth, g.inWidth)
                var best = -Float.infinity, winner = -1
                for iy in y0..<max(y1, y0) {
                    for ix in x0..<max(x1, x0) where plane[iy * g.inWidth + ix] > best || winner < 0 {
                        best = plane[iy * g.inWidth + ix]
                        winner = iy * g.inWidth + ix
                    }
                }
                if winner >= 0 { gradPlane[winner] += gradOut[y * g.outWidth + x] }
            }
        }
    }
}

/// The backward of average pooling (`avgPool2dReference`): each window's gradient, divided by the same divisor,
/// spread over the input pixels it covers, accumulated.
///
/// - Parameters:
///   - gradInput: `[C, H, W]`, accumulated
///   - gradOutput: `[C, Hout, Wout]`
public func avgPool2dBackward(gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>, geometry g: PoolGeometry) {
    for c in 0..<g.channels {
        let gradPlane = gradInput + c * g.inHeight * g.inWidth
        let gradOut = gradOutput + c * g.outHeight * g.outWidth
        for y in 0..<g.outHeight {
            let start = y * g.strideHeight - g.padding.top
            let paddedEnd = min(start + g.kernelHeight, g.inHeight + g.padding.bottom)
            let y0 = max(start, 0), y1 = min(paddedEnd, g.inHeight)
            for x in 0..<g.outWidth {
                let startX = x * g.strideWidth - g.padding.left
                let paddedEndX = min(startX + g.kernelWidth, g.inWidth + g.padding.right)
                let x0 = max(startX, 0), x1 = min(paddedEndX, g.inWidth)
                let divisor =
                    g.countIncludePad
                    ? (paddedEnd - start) * (paddedEndX - startX)
                    : max(y1 - y0, 0) * max(x1 - x0, 0)
                guard divisor > 0 else { continue }
                let share = gradOut[y * g.outWidth + x] / Float(divisor)
                for iy in y0..<max(y1, y0) {
                    for ix in x0..<max(x1, x0) { gradPlane[iy * g.inWidth + ix] += share }
                }
            }
        }
    }
}

/// The backward of `adaptiveAvgPool2dForward`, accumulated.
///
/// - Parameters:
///   - gradInput: `[C, H, W]`, accumulated
///   - gradOutput: `[C, Ho, Wo]`
public func adaptiveAvgPool2dBackward(
    gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>,
    channels: Int, inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int
) {
    for c in 0..<channels {
        let gradPlane = gradInput + c * inHeight * inWidth
        let gradOut = gradOutput + c * outHeight * outWidth
        for i in 0..<outHeight {
            let y0 = (i * inHeight) / outHeight
            let y1 = ((i + 1) * inHeight + outHeight - 1) / outHeight
            for j in 0..<outWidth {
                let x0 = (j * inWidth) / outWidth
                let x1 = ((j + 1) * inWidth + outWidth - 1) / outWidth
                let share = gradOut[i * outWidth + j] / Float((y1 - y0) * (x1 - x0))
                for iy in y0..<y1 {
                    for ix in x0..<x1 { gradPlane[iy * inWidth + ix] += share }
                }
            }
        }
    }
}
