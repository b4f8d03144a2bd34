import CBLAS

/// A fully connected layer over a batch, as one SGEMM: `Y = X·Wᵀ + b`.
///
/// - Parameters:
///   - output: `[n, out]`
///   - input: `[n, in]`
///   - weight: `[out, in]`
///   - bias: `[out]` or nil
public func denseBatchForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, batch n: Int, inFeatures: Int, outFeatures: Int
) {
    for s in 0..<n {
        if let bias {
            (output + s * outFeatures).update(from: bias, count: outFeatures)
        } else {
            (output + s * outFeatures).update(repeating: 0, count: outFeatures)
        }
    }
    cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(outFeatures), Int32(inFeatures),
        1, input, Int32(inFeatures), weight, Int32(inFeatures), 1, output, Int32(outFeatures))
}

/// The backward of `denseBatchForward`, accumulated: `dW += dYᵀ·X`, `db += Σ dY`, `dX += dY·W`.
///
/// - Parameters:
///   - gradInput: `[n, in]` or nil
///   - gradWeight: `[out, in]`
///   - gradBias: `[out]` or nil
///   - gradOutput: `[n, out]`
///   - input: `[n, in]`
///   - weight: `[out, in]`
public func denseBackward(
    gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
    gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    batch n: Int, inFeatures: Int, outFeatures: Int
) {
    cblas_sgemm(
        CblasRowMajor, CblasTrans, CblasNoTrans, Int32(outFeatures), Int32(inFeatures), Int32(n),
        1, gradOutput, Int32(outFeatures), input, Int32(inFeatures), 1, gradWeight, Int32(inFeatures))
    if let gradBias {
        for s in 0..<n {
            for o in 0..<outFeatures { gradBias[o] += gradOutput[s * outFeatures + o] }
        }
    }
    if let gradInput {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(inFeatures), Int32(outFeatures),
            1, gradOutput, Int32(outFeatures), weight, Int32(inFeatures), 1, gradInput, Int32(inFeatures))
    }
}
