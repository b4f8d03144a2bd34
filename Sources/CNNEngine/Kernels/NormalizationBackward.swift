#if canImport(Glibc)
    import Glibc
#endif

/// Batch normalization in training mode over a batch: normalizes with the batch's own mean and
/// (biased) variance per channel, and updates the running statistics as PyTorch does
/// (`running = (1 - momentum)·running + momentum·batch`, the variance unbiased there).
///
/// - Parameters:
///   - output: `[n, C, pixels]`
///   - input: `[n, C, pixels]`
///   - gamma, beta: `[C]`, nil when not affine
///   - runningMean, runningVariance: `[C]`, updated
///   - savedMean, savedInverseStd: `[C]`, written for the backward pass
public func batchNormTrainingForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, batch n: Int, channels: Int, pixels: Int,
    gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
    runningMean: UnsafeMutablePointer<Float>, runningVariance: UnsafeMutablePointer<Float>,
    savedMean: UnsafeMutablePointer<Float>, savedInverseStd: UnsafeMutablePointer<Float>,
    epsilon: Float, momentum: Float
) {
    let m = Double(n * pixels)
    for c in 0..<channels {
        var sum = 0.0, squares = 0.0
        for s in 0..<n {
            let x = input + (s * channels + c) * pixels
            for p in 0..<pixels {
                sum += Double(x[p])
                squares += Double(x[p]) * Double(x[p])
            }
        }
        let mean = sum / m
        let variance = max(squares / m - mean * mean, 0)
        let inverseStd = Float(1 / (variance + Double(epsilon)).squareRoot())
        savedMean[c] = Float(mean)
        savedInverseStd[c] = inverseStd
        let unbiased = m > 1 ? variance * m / (m - 1) : variance
        runningMean[c] = (1 - momentum) * runningMean[c] + momentum * Float(mean)
        runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * Float(unbiased)
        let scale = (gamma?[c] ?? 1) * inverseStd
        let shift = (beta?[c] ?? 0) - Float(mean) * scale
        for s in 0..<n {
            let x = input + (s * channels + c) * pixels, y = output + (s * channels + c) * pixels
            for p in 0..<pixels { y[p] = x[p] * scale + shift }
        }
    }
}

/// The backward of `batchNormTrainingForward`, with `x̂ = (x - mean)·invstd`:
/// `dgamma += Σ dy·x̂`, `dbeta += Σ dy`, and
/// `dx += gamma·invstd·(dy - mean(dy) - x̂·mean(dy·x̂))`, the means over batch and pixels.
///
/// - Parameters:
///   - gradInput: `[n, C, pixels]`, accumulated
///   - gradGamma, gradBeta: `[C]`, accumulated (nil when not affine)
///   - gradOutput, input: `[n, C, pixels]`
public func batchNormTrainingBackward(
    gradInput: UnsafeMutablePointer<Float>?, gradGamma: UnsafeMutablePointer<Float>?, gradBeta: UnsafeMutablePointer<Float>?,
    gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, batch n: Int, channels: Int, pixels: Int,
    gamma: UnsafePointer<Float>?, savedMean: UnsafePointer<Float>, savedInverseStd: UnsafePointer<Float>
) {
    let m = Double(n * pixels)
    for c in 0..<channels {
        let mean = savedMean[c], inverseStd = savedInverseStd[c]
        var sumGrad = 0.0, sumGradXhat = 0.0
        for s in 0..<n {
            let x = input + (s * channels + c) * pixels, dy = gradOutput + (s * channels + c) * pixels
            for p in 0..<pixels {
                sumGrad += Double(dy[p])
                sumGradXhat += Double(dy[p]) * Double((x[p] - mean) * inverseStd)
            }
        }
        gradGamma?[c] += Float(sumGradXhat)
        gradBeta?[c] += Float(sumGrad)
        guard let gradInput else { continue }
        let scale = (gamma?[c] ?? 1) * inverseStd
        let meanGrad = Float(sumGrad / m), meanGradXhat = Float(sumGradXhat / m)
        for s in 0..<n {
            let x = input + (s * channels + c) * pixels, dy = gradOutput + (s * channels + c) * pixels
            let dx = gradInput + (s * channels + c) * pixels
            for p in 0..<pixels {
                let xhat = (x[p] - mean) * inverseStd
                dx[p] += scale * (dy[p] - meanGrad - xhat * meanGradXhat)
            }
        }
    }
}

/// The backward of batchnorm in inference mode, `y = γ (x − μ) / √(σ² + ε) + β` with the running
/// statistics fixed: `dx = γ dy / √(σ² + ε)`, `dγ = Σ dy (x − μ) / √(σ² + ε)`, `dβ = Σ dy`, all
/// accumulated (for explanations of a trained network, whose batchnorms are fixed).
///
/// - Parameters:
///   - gradInput: `[n, C, pixels]`, or nil
///   - gradGamma, gradBeta: `[C]`, or nil
///   - gradOutput, input: `[n, C, pixels]`
public func batchNormInferenceBackward(
    gradInput: UnsafeMutablePointer<Float>?, gradGamma: UnsafeMutablePointer<Float>?, gradBeta: UnsafeMutablePointer<Float>?,
    gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, batch n: Int, parameters bn: Lowering.BatchNormParameters
) {
    let (channels, pixels) = (bn.channels, bn.pixels)
    for c in 0..<channels {
        let inverse = 1 / (bn.variance.data[c] + bn.epsilon).squareRoot()
        let (gamma, mean) = (bn.gamma?.data[c] ?? 1, bn.mean.data[c])
        var (sumX, sum): (Float, Float) = (0, 0)
        for s in 0..<n {
            let base = (s * channels + c) * pixels
            for p in 0..<pixels {
                let dy = gradOutput[base + p]
                gradInput?[base + p] += gamma * inverse * dy
                sumX += dy * (input[base + p] - mean) * inverse
                sum += dy
            }
        }
        gradGamma?[c] += sumX
        gradBeta?[c] += sum
    }
}
