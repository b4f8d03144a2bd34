import CBLAS
import CKernels

/// A fully connected layer of one sample: `y = W·x + b` with PyTorch's weight layout
/// `[out, in]`, as one matrix-vector product, or with `shares` above 1 one per share of the outputs (OpenBLAS
/// single-threaded then; VGG-16's first classifier layer reads 411 MB of weights, which two cores
/// read faster than one).
///
/// - Parameters:
///   - output: `[out]`
///   - input: `[in]`
///   - weight: `[out, in]`
///   - bias: `[out]` or nil
///   - shares: the most threads to split the work among
public func denseForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, inFeatures: Int, outFeatures: Int, shares: Int = 1
) {
    // Each weight is read from memory once: a pass over memory (ResNet-50's classifier, 2M weights,
    // took 0.44 ms on one thread).
    let wanted = worthwhileShares(floats: inFeatures * outFeatures, limit: min(shares, outFeatures))
    forEachShare(limit: wanted) { share, count in
        let own = shareRange(of: outFeatures, share: share, shares: count)
        let (first, end) = (own.lowerBound, own.upperBound)
        if let bias {
            (output + first).update(from: bias + first, count: end - first)
        } else {
            (output + first).update(repeating: 0, count: end - first)
        }
        accumulateMatrixVector(
            rows: end - first, columns: inFeatures, weight: weight + first * inFeatures, vector: input, into: output + first)
    }
}

/// `y += W·x` for a row-major `W [rows, columns]`: CKernels' matrix-vector product with AVX-512
/// (eight rows at a time; 0.21 ms against SGEMV's 0.25 on MobileNetV2's classifier, weights not
/// in cache, one AMD EPYC), SGEMV elsewhere.
func accumulateMatrixVector(
    rows: Int, columns: Int, weight: UnsafePointer<Float>, vector: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
) {
    if cnn_gemv_is_fast() != 0 {
        cnn_gemv(rows, columns, weight, vector, y)
    } else {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(columns), 1, weight, Int32(columns), vector, 1, 1, y, 1)
    }
}
