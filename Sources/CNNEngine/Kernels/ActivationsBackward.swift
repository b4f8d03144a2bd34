import CKernels
import CNNModel

#if canImport(Glibc)
    import Glibc
#endif

/// The backward of `activationForward`: `gradInput += f'(x) · gradOutput`, from the forward
/// pass's input `x` (and output `y` where the derivative is cheaper from it: tanh, sigmoid).
/// At the kinks (ReLU at 0, ReLU6 at 0 and 6, the hard functions at ±3) the derivative taken is
/// PyTorch's.
///
/// - Parameters:
///   - gradInput: `[count]`, accumulated
///   - gradOutput, input, output: `[count]`
public func activationBackward(
    _ kind: Activation, gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>,
    input: UnsafePointer<Float>, output: UnsafePointer<Float>, count: Int
) {
    switch kind {
    case .relu:
        cnn_clamp_backward(gradInput, gradOutput, input, count, 0, .infinity)
    case .relu6:
        cnn_clamp_backward(gradInput, gradOutput, input, count, 0, 6)
    case .sigmoid:
        for i in 0..<count { gradInput[i] += gradOutput[i] * output[i] * (1 - output[i]) }
    case .tanh:
        for i in 0..<count { gradInput[i] += gradOutput[i] * (1 - output[i] * output[i]) }
    case .silu:
        for i in 0..<count {
            let s = 1 / (1 + expf(-input[i]))
            gradInput[i] += gradOutput[i] * s * (1 + input[i] * (1 - s))
        }
    case .hardSwish:
        for i in 0..<count {
            let x = input[i]
            let d: Float = x < -3 ? 0 : (x > 3 ? 1 : (2 * x + 3) / 6)
            gradInput[i] += gradOutput[i] * d
        }
    case .hardSigmoid:
        for i in 0..<count where input[i] > -3 && input[i] < 3 { gradInput[i] += gradOutput[i] / 6 }
    case .gelu:
        // d/dx x·Φ(x) = Φ(x) + x·φ(x).
        for i in 0..<count {
            let x = input[i]
            let cdf = 0.5 * erfcf(-x * 0.70710678)
            let pdf = expf(-0.5 * x * x) * 0.39894228
            gradInput[i] += gradOutput[i] * (cdf + x * pdf)
        }
    case .leakyRelu(let slope):
        // PyTorch takes the slope at 0 itself (`x > 0 ? 1 : slope`).
        let a = Float(slope)
        for i in 0..<count { gradInput[i] += input[i] > 0 ? gradOutput[i] : a * gradOutput[i] }
    case .softmax:
        preconditionFailure("softmax normalizes across channels: use softmaxBackward")
    }
}

/// The backward of `softmaxForward` over channels: `gradInput += y ⊙ (gradOutput - Σ_c y·gradOutput)`.
///
/// - Parameters:
///   - gradInput: `[C, pixels]`, accumulated
///   - gradOutput, output: `[C, pixels]`
public func softmaxBackward(
    gradInput: UnsafeMutablePointer<Float>, gradOutput: UnsafePointer<Float>, output: UnsafePointer<Float>, channels: Int, pixels: Int
) {
    for p in 0..<pixels {
        var dot: Float = 0
        for c in 0..<channels { dot += output[c * pixels + p] * gradOutput[c * pixels + p] }
        for c in 0..<channels { gradInput[c * pixels + p] += output[c * pixels + p] * (gradOutput[c * pixels + p] - dot) }
    }
}

/// Softmax cross-entropy of a batch of logits against class labels, averaged over the batch
/// (PyTorch's `cross_entropy`, mean reduction). Writes `gradLogits = (softmax - onehot) / n` and
/// returns the loss and how many samples the largest logit classifies correctly.
///
/// - Parameters:
///   - gradLogits: `[n, classes]`
///   - logits: `[n, classes]`
public func softmaxCrossEntropy(
    gradLogits: UnsafeMutablePointer<Float>?, logits: UnsafePointer<Float>, labels: [Int], classes: Int
) -> (loss: Double, correct: Int) {
    var loss = 0.0, correct = 0
    let n = labels.count
    for s in 0..<n {
        let row = logits + s * classes
        var top = -Float.infinity, best = 0
        for c in 0..<classes where row[c] > top {
            top = row[c]
            best = c
        }
        if best == labels[s] { correct += 1 }
        var sum = 0.0
        for c in 0..<classes { sum += exp(Double(row[c] - top)) }
        loss += log(sum) - Double(row[labels[s]] - top)
        if let gradLogits {
            let grad = gradLogits + s * classes
            for c in 0..<classes {
                let p = exp(Double(row[c] - top)) / sum
                grad[c] = Float((p - (c == labels[s] ? 1 : 0)) / Double(n))
            }
        }
    }
    return (loss / Double(max(n, 1)), correct)
}
