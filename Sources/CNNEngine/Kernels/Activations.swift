import CKernels
import CNNModel

#if canImport(Glibc)
    import Glibc
#endif

/// Element-wise activations, in place or out of place (`output` may equal `input`).
///
/// - Parameters:
///   - output: `[count]`
///   - input: `[count]`
public func activationForward(
    _ kind: Activation, output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int
) {
    switch kind {
    case .relu:
        for i in 0..<count { output[i] = max(input[i], 0) }
    case .relu6:
        for i in 0..<count { output[i] = min(max(input[i], 0), 6) }
    case .sigmoid:
        cnn_sigmoid(output, input, count)
    case .tanh:
        cnn_tanh(output, input, count)
    case .silu:
        cnn_silu(output, input, count)
    case .hardSwish:
        for i in 0..<count { output[i] = input[i] * min(max(input[i] + 3, 0), 6) / 6 }
    case .hardSigmoid:
        for i in 0..<count { output[i] = min(max(input[i] + 3, 0), 6) / 6 }
    case .gelu:
        // Φ(x) as erfc(-x/√2)/2, not (1 + erf(x/√2))/2: no cancellation for negative x.
        for i in 0..<count { output[i] = 0.5 * input[i] * erfcf(-input[i] * 0.70710678) }
    case .leakyRelu(let slope):
        let a = Float(slope)
        for i in 0..<count { output[i] = input[i] > 0 ? input[i] : a * input[i] }
    case .softmax:
        preconditionFailure("softmax normalizes across channels: use softmaxForward")
    }
}

/// Softmax over the channels of each pixel (over the features of a flat vector, where pixels = 1),
/// shifted by the maximum for stability.
///
/// - Parameters:
///   - output: `[C, pixels]`
///   - input: `[C, pixels]`
public func softmaxForward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, channels: Int, pixels: Int) {
    for p in 0..<pixels {
        var top = -Float.infinity
        for c in 0..<channels { top = max(top, input[c * pixels + p]) }
        var sum: Float = 0
        for c in 0..<channels {
            let e = expf(input[c * pixels + p] - top)
            output[c * pixels + p] = e
            sum += e
        }
        for c in 0..<channels { output[c * pixels + p] /= sum }
    }
}
