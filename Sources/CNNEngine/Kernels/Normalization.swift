import CNNModel

#if canImport(Glibc)
    import Glibc
#endif

/// Batch normalization at inference: `y = (x - mean) / sqrt(var + eps) · gamma + beta`, applied
/// as one scale and shift per channel.
///
/// - Parameters:
///   - output: `[C, pixels]` (may equal input)
///   - input: `[C, pixels]`
///   - gamma, beta, mean, variance: `[C]` (gamma/beta nil when not affine)
public func batchNormForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, channels: Int, pixels: Int,
    gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?, mean: UnsafePointer<Float>,
    variance: UnsafePointer<Float>, epsilon: Float
) {
    for c in 0..<channels {
        let scale = (gamma?[c] ?? 1) / sqrtf(variance[c] + epsilon)
        let shift = (beta?[c] ?? 0) - mean[c] * scale
        let x = input + c * pixels, y = output + c * pixels
        for p in 0..<pixels { y[p] = x[p] * scale + shift }
    }
}

/// Local response normalization across channels, PyTorch's definition:
/// `b_c = a_c / (k + alpha/n · Σ a_j²)^beta` over the `n` channels `c - n/2 ... c + (n-1)/2`
/// (missing channels count as zero).
///
/// - Parameters:
///   - output: `[C, pixels]`
///   - input: `[C, pixels]`
public func localResponseNormForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, channels: Int, pixels: Int,
    parameters l: LocalResponseNorm
) {
    let before = l.size / 2, after = (l.size - 1) / 2
    let alpha = Float(l.alpha) / Float(l.size), beta = Float(l.beta), k = Float(l.k)
    for p in 0..<pixels {
        for c in 0..<channels {
            var sum: Float = 0
            for j in max(0, c - before)...min(channels - 1, c + after) {
                let a = input[j * pixels + p]
                sum += a * a
            }
            output[c * pixels + p] = input[c * pixels + p] / powf(k + alpha * sum, beta)
        }
    }
}

/// Layer normalization over the channels at each pixel: `(x - mean) / sqrt(var + epsilon)` with
/// the biased variance, as PyTorch's `LayerNorm` on a channels-last map computes it, then
/// `* weight[c] + bias[c]`. Mean and variance are accumulated in double precision.
///
/// - Parameters:
///   - output: `[C, pixels]`
///   - input: `[C, pixels]`
///   - weight: `[C]`
///   - bias: `[C]`
public func layerNormForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, channels: Int, pixels: Int, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>, epsilon: Float
) {
    guard channels > 0 else { return }
    var mean = [Double](repeating: 0, count: pixels)
    var squares = [Double](repeating: 0, count: pixels)
    for c in 0..<channels {
        let row = input + c * pixels
        for p in 0..<pixels { mean[p] += Double(row[p]) }
    }
    for p in 0..<pixels { mean[p] /= Double(channels) }
    for c in 0..<channels {
        let row = input + c * pixels
        for p in 0..<pixels {
            let d = Double(row[p]) - mean[p]
            squares[p] += d * d
        }
    }
    let inverse = squares.map { Float(1 / ($0 / Double(channels) + Double(epsilon)).squareRoot()) }
    let means = mean.map(Float.init)
    for c in 0..<channels {
        let (row, out, w, b) = (input + c * pixels, output + c * pixels, weight[c], bias[c])
        for p in 0..<pixels { out[p] = (row[p] - means[p]) * inverse[p] * w + b }
    }
}
