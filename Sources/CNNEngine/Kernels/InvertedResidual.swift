import CKernels

/// A 1x1 convolution run inside an inverted residual block's fused kernel: MobileNetV2's and
/// EfficientNet's expansion (to 6x the channels, batchnorm folded, its activation applied as
/// written, and EfficientNet's SiLU after it) or projection.
struct FusedPointwise {
    /// The 1x1 convolution's geometry, its weights packed for the packed GEMM, bias and activation.
    var geometry: ConvGeometry
    var packedWeight: Tensor
    var bias: Tensor?
    var clamp: ActivationClamp
    /// SiLU after the clamp (EfficientNet's expansions).
    var silu = false

    /// Whether `step` is a 1x1 convolution the fused kernel can run: ungrouped, on the packed GEMM.
    static func of(_ step: Executor.ConvStep, silu: Bool = false) -> FusedPointwise? {
        guard let packed = step.packedWeight, step.geometry.isPointwise, step.geometry.groups == 1,
            step.winogradWeight == nil, step.narrowWeight == nil, step.block == nil
        else { return nil }
        return FusedPointwise(geometry: step.geometry, packedWeight: packed, bias: step.bias, clamp: step.clamp, silu: silu)
    }

    /// The C description of the channels from `first` (a multiple of 8) on.
    func c(from first: Int = 0) -> cnn_pointwise {
        cnn_pointwise(
            packed: UnsafePointer(packedWeight.data + first * geometry.inChannels),
            bias: bias.map { UnsafePointer($0.data + first) }, lower: clamp.lower, upper: clamp.upper, silu: silu ? 1 : 0,
            channels: geometry.outChannels - first)
    }
}

/// A depthwise convolution computed together with the 1x1 convolution before it, the one after
/// it, or both, so that neither the expanded map (4.8 MB at MobileNetV2's second block) nor the
/// depthwise output is written whole: the rows each tile of four output rows needs are made just
/// before it, in the share's workspace (`cnn_inverted_residual`).
struct InvertedResidual {
    var expand: FusedPointwise?
    var depthwise: ConvGeometry
    var weight: Tensor
    var bias: Tensor?
    var clamp: ActivationClamp
    var project: FusedPointwise?

    /// The smallest depthwise input (height x width) worth fusing: MobileNetV2's and EfficientNet's
    /// maps of 112x112 to 28x28. On 14x14 and 7x7 maps the products of four rows are short (56 and
    /// 28 columns) and the maps stay in the caches anyway: fusing those too took MobileNetV2 from
    /// 0.97x ONNX Runtime's time to 0.98x, EfficientNet-B0 from 0.96x to 0.99x (Benchmarks/engine.sh).
    static let minimumPixels = 28 * 28

    /// Whether a depthwise convolution of geometry `d` can run fused on this machine.
    static func suits(_ d: ConvGeometry) -> Bool {
        d.isDepthwise && d.inHeight * d.inWidth >= minimumPixels
            && cnn_pointwise_depthwise_suits(
                d.kernelHeight, d.kernelWidth, d.strideHeight, d.strideWidth, d.dilationHeight, d.dilationWidth, d.padTop,
                d.padLeft) != 0
    }

    /// Floats of workspace one share needs.
    var workspaceCount: Int {
        cnn_inverted_residual_scratch(
            depthwise.outChannels, depthwise.inWidth, depthwise.outWidth, depthwise.kernelWidth, depthwise.strideWidth,
            expand == nil ? 0 : 1, project == nil ? 0 : 1)
    }

    /// Runs the block: `input` is the expansion's input (the depthwise convolution's without one),
    /// `output` the projection's output (the depthwise convolution's without one). Without a
    /// projection the channels are split among the shares (in runs of 8, the packed weights'
    /// panels); with one, the rows (in tiles of 4), every share making its own expanded rows.
    ///
    /// - Parameter workspace: `shares` x `workspacePerShare` floats
    func forward(
        output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, workspace: UnsafeMutablePointer<Float>,
        workspacePerShare: Int, shares: Int
    ) {
        let d = depthwise
        let inChannels = expand?.geometry.inChannels ?? d.inChannels
        let macs =
            d.outChannels * d.outputPixels * (d.kernelHeight * d.kernelWidth + (project?.geometry.outChannels ?? 0))
            + (expand.map { $0.geometry.outChannels * $0.geometry.outputPixels * inChannels } ?? 0)
        let taps = d.kernelHeight * d.kernelWidth
        if let projection = project?.c() {
            let tiles = (d.outHeight + 3) / 4
            let wanted = min(tiles, worthwhileShares(multiplyAdds: macs, limit: shares))
            forEachShare(limit: wanted) { share, count in
                let own = shareRange(of: tiles, share: share, shares: count)
                guard !own.isEmpty else { return }
                var (e, p) = (expand?.c(), projection)
                withOptionalPointer(&e) { e in
                    cnn_inverted_residual(
                        output, input, inChannels, d.inHeight, d.inWidth, e, d.outChannels, weight.data, bias.map { UnsafePointer($0.data) },
                        d.kernelWidth, d.strideWidth, clamp.lower, clamp.upper, d.outHeight, d.outWidth, &p,
                        own.lowerBound * 4, min(d.outHeight, own.upperBound * 4), workspace + share * workspacePerShare)
                }
            }
            return
        }
        let panels = (d.outChannels + 7) / 8
        let wanted = min(panels, worthwhileShares(multiplyAdds: macs, limit: shares))
        forEachShare(limit: wanted) { share, count in
            let own = shareRange(of: panels, share: share, shares: count)
            let first = own.lowerBound * 8
            let end = min(d.outChannels, own.upperBound * 8)
            guard first < end else { return }
            var e = expand?.c(from: first)
            e?.channels = end - first
            let source = expand == nil ? input + first * d.inHeight * d.inWidth : input
            withOptionalPointer(&e) { e in
                cnn_inverted_residual(
                    output + first * d.outputPixels, source, expand == nil ? end - first : inChannels, d.inHeight, d.inWidth, e,
                    end - first, weight.data + first * taps, bias.map { UnsafePointer($0.data + first) }, d.kernelWidth,
                    d.strideWidth, clamp.lower, clamp.upper, d.outHeight, d.outWidth, nil, 0, d.outHeight,
                    workspace + share * workspacePerShare)
            }
        }
    }
}

/// Calls `body` with a pointer to `value`, or nil when there is none.
private func withOptionalPointer<T, R>(_ value: inout T?, _ body: (UnsafePointer<T>?) -> R) -> R {
    guard var unwrapped = value else { return body(nil) }
    return withUnsafePointer(to: &unwrapped) { body($0) }
}
