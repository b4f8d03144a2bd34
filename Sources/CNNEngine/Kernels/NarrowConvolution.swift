import CKernels

/// Convolutions onto maps of few pixels (ResNet's last stage: 7x7), where the matrix product is
/// `[Cout x K] · [K x 49]`: with AVX-512 the executor runs them through CKernels' narrow GEMM,
/// with weights packed once, instead of OpenBLAS's SGEMM, which is slow on such thin matrices.
extension ConvGeometry {
    /// Ungrouped, at most 64 output pixels, and enough filters and inputs to fill the kernel's
    /// 64-channel panels.
    public var suitsNarrowGEMM: Bool {
        groups == 1 && !isDepthwise && !coversWholeInput && outputPixels <= 64 && outChannels >= 64 && columnRows >= 64
    }

    /// Floats of scratch space per sample: the im2col matrix (none for 1x1 stride-1) and the
    /// kernel's tiles.
    public var narrowWorkspaceCount: Int {
        (isPointwise ? 0 : columnRows * outputPixels) + cnn_narrow_gemm_scratch(outputPixels)
    }

    /// Floats of the packed weights.
    public var narrowWeightCount: Int { cnn_narrow_gemm_packed_count(outChannels, columnRows) }
}

/// Packs `[Cout, Cin, kH, kW]` weights for `conv2dNarrowForward`, once per model.
public func packNarrowWeights(_ packed: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, geometry g: ConvGeometry) {
    cnn_narrow_gemm_pack(packed, weight, g.outChannels, g.columnRows)
}

/// A convolution of one sample as im2col (skipped for 1x1 stride-1) and the narrow GEMM, with
/// the bias and a ReLU applied as the output is written.
///
/// - Parameters:
///   - output: `[Cout, Hout, Wout]`
///   - input: `[Cin, H, W]`
///   - packedWeight: `geometry.narrowWeightCount` floats from `packNarrowWeights`
///   - bias: `[Cout]` or nil
///   - workspace: `geometry.narrowWorkspaceCount` floats
public func conv2dNarrowForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, packedWeight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: ConvGeometry, clamp: ActivationClamp = .identity,
    workspace: UnsafeMutablePointer<Float>
) {
    precondition(g.groups == 1, "the narrow GEMM takes ungrouped convolutions")
    let pixels = g.outputPixels
    var columns = UnsafePointer(input)
    var scratch = workspace
    if !g.isPointwise {
        // Unfolded channel by channel, the channels split among the threads.
        let taps = g.kernelHeight * g.kernelWidth
        forEachShare(limit: g.inChannels) { share, shares in
            let channels = shareRange(of: g.inChannels, share: share, shares: shares)
            im2col(
                columns: workspace + channels.lowerBound * taps * pixels, input: input + channels.lowerBound * g.inHeight * g.inWidth,
                channels: channels.count, geometry: g)
        }
        columns = UnsafePointer(workspace)
        scratch = workspace + g.columnRows * pixels
    }
    // With several threads, each takes a run of the 64-channel panels, with tiles of its own.
    let panels = (g.outChannels + 63) / 64
    let input = columns
    forEachShare(limit: panels) { share, shares in
        let own = shareRange(of: panels, share: share, shares: shares)
        let first = own.lowerBound * 64, end = min(own.upperBound * 64, g.outChannels)
        guard first < end else { return }
        let run = { (tiles: UnsafeMutablePointer<Float>) in
            cnn_narrow_gemm(
                end - first, pixels, g.columnRows, packedWeight + first * g.columnRows, input, pixels, output + first * pixels,
                pixels, bias.map { $0 + first }, clamp.lower, clamp.upper, tiles)
        }
        if share == 0 { return run(scratch) }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: cnn_narrow_gemm_scratch(pixels)) { run($0.baseAddress!) }
    }
}
