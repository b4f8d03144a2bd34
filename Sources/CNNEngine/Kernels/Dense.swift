import CBLAS

/// A fully connected layer of one sample: `y = W·x + b` with PyTorch's weight layout
/// `[out, in]`, as one SGEMV.
///
/// - Parameters:
///   - output: `[out]`
///   - input: `[in]`
///   - weight: `[out, in]`
///   - bias: `[out]` or nil
public func denseForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, inFeatures: Int, outFeatures: Int
) {
    if let bias {
        output.update(from: bias, count: outFeatures)
    } else {
        output.update(repeating: 0, count: outFeatures)
    }
    cblas_sgemv(
        CblasRowMajor, CblasNoTrans, Int32(outFeatures), Int32(inFeatures),
        1, weight, Int32(inFeatures), input, 1, 1, output, 1)
}
