import CKernels

/// A 1x1 convolution run by the layer that reads it: MobileNetV2's and EfficientNet's expansion
/// (a 1x1 convolution to 6x the channels, batchnorm folded, its activation applied as written)
/// and the depthwise convolution after it, computed together so that the expanded map (4.8 MB at
/// MobileNetV2's second block) is never written whole: the rows each tile of the depthwise
/// filter reads are made just before it, into the share's workspace.
struct PointwiseInput {
    /// The 1x1 convolution's geometry, its weights packed for the packed GEMM, bias and activation.
    var geometry: ConvGeometry
    var packedWeight: Tensor
    var bias: Tensor?
    var clamp: ActivationClamp
    /// SiLU after the clamp (EfficientNet's expansions).
    var silu = false

    /// The smallest expanded map (height x width) worth it: on MobileNetV2's and EfficientNet's
    /// 112x112 and 56x56 maps; at 28x28 and less the map stays in the caches anyway, and the
    /// products of a few rows are too short (`Benchmarks/depthwise.sh`).
    static let minimumPixels = 56 * 56

    /// Whether `pointwise` followed by `depthwise` can run fused on this machine.
    static func suits(_ pointwise: ConvGeometry, packed: Bool, _ depthwise: ConvGeometry) -> Bool {
        let d = depthwise
        return packed && pointwise.isPointwise && pointwise.groups == 1 && d.isDepthwise
            && pointwise.outChannels == d.inChannels && pointwise.outHeight * pointwise.outWidth >= minimumPixels
            && cnn_pointwise_depthwise_suits(
                d.kernelHeight, d.kernelWidth, d.strideHeight, d.strideWidth, d.dilationHeight, d.dilationWidth,
                d.padTop, d.padLeft) != 0
    }

    /// Floats of workspace a share of at most `channels` channels needs.
    static func workspaceCount(channels: Int, depthwise d: ConvGeometry) -> Int {
        cnn_pointwise_depthwise_scratch(channels, d.inWidth, d.kernelWidth, d.strideWidth)
    }
}

/// The fused pair: `output = depthwise(clamp(pointwise(input)))`, channels split among the shares
/// in runs of 8 (the packed weights' panels).
///
/// - Parameters:
///   - output: `[channels, Hout, Wout]`
///   - input: the 1x1 convolution's input, `[Cin, H, W]`
///   - workspace: `shares` x `workspacePerShare` floats
func pointwiseDepthwiseForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, pointwise p: PointwiseInput,
    depthwiseWeight: UnsafePointer<Float>, depthwiseBias: UnsafePointer<Float>?, depthwise d: ConvGeometry,
    clamp: ActivationClamp, workspace: UnsafeMutablePointer<Float>, workspacePerShare: Int, shares: Int
) {
    let channels = d.outChannels
    let panels = (channels + 7) / 8
    let macs = channels * d.inHeight * d.inWidth * p.geometry.inChannels
    let wanted = min(panels, worthwhileShares(multiplyAdds: macs, limit: shares))
    forEachShare(limit: wanted) { share, count in
        let own = shareRange(of: panels, share: share, shares: count)
        let first = own.lowerBound * 8
        let end = min(channels, own.upperBound * 8)
        guard first < end else { return }
        let taps = d.kernelHeight * d.kernelWidth
        cnn_pointwise_depthwise(
            output + first * d.outHeight * d.outWidth, input, p.geometry.inChannels, d.inHeight, d.inWidth,
            p.packedWeight.data + first * p.geometry.inChannels, p.bias.map { UnsafePointer($0.data) + first },
            p.clamp.lower, p.clamp.upper, p.silu ? 1 : 0, end - first, depthwiseWeight + first * taps, depthwiseBias.map { $0 + first },
            d.outHeight, d.outWidth, d.kernelWidth, d.strideWidth, clamp.lower, clamp.upper,
            workspace + share * workspacePerShare)
    }
}
