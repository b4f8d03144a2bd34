/// The forward pass of one lowered layer for one sample, as at inference: batchnorm with its
/// running statistics, dropout as identity, a convolution through the general kernel (im2col +
/// SGEMM, or its pointwise and depthwise shortcuts). The executor runs every layer it does not
/// fuse through this, the trainer every layer it does not batch.
extension Lowering.Step {
    /// - Parameters:
    ///   - output: `outputCount` floats
    ///   - inputs: one pointer per input, `inputCounts[i]` floats each
    ///   - workspace: `shares` times `workspaceCount` floats
    ///   - shares: the most threads a convolution, dense or pooling layer may be split among
    ///     (OpenBLAS single-threaded then)
    public func forward(
        output: UnsafeMutablePointer<Float>, inputs: [UnsafePointer<Float>], workspace: UnsafeMutablePointer<Float>, shares: Int = 1
    ) {
        switch kernel {
        case .input:
            return
        case .conv(let g, let weight, let bias):
            conv2dForward(
                output: output, input: inputs[0], weight: weight.data, bias: bias.map { UnsafePointer($0.data) },
                geometry: g, workspace: workspace, shares: shares)
        case .dense(let inFeatures, let outFeatures, let weight, let bias):
            denseForward(
                output: output, input: inputs[0], weight: weight.data, bias: bias.map { UnsafePointer($0.data) },
                inFeatures: inFeatures, outFeatures: outFeatures, shares: shares)
        case .batchNorm(let bn):
            batchNormForward(
                output: output, input: inputs[0], channels: bn.channels, pixels: bn.pixels,
                gamma: bn.gamma.map { UnsafePointer($0.data) }, beta: bn.beta.map { UnsafePointer($0.data) },
                mean: bn.mean.data, variance: bn.variance.data, epsilon: bn.epsilon)
        case .localResponseNorm(let l, let channels, let pixels):
            localResponseNormForward(output: output, input: inputs[0], channels: channels, pixels: pixels, parameters: l)
        case .layerNorm(let weight, let bias, let epsilon, let channels, let pixels):
            layerNormForward(
                output: output, input: inputs[0], channels: channels, pixels: pixels, weight: weight.data, bias: bias.data, epsilon: epsilon)
        case .channelScale(let weight, let channels, let pixels):
            for c in 0..<channels {
                let w = weight.data[c]
                for p in 0..<pixels { output[c * pixels + p] = inputs[0][c * pixels + p] * w }
            }
        case .channelShift(let bias, let channels, let pixels):
            for c in 0..<channels {
                let b = bias.data[c]
                for p in 0..<pixels { output[c * pixels + p] = inputs[0][c * pixels + p] + b }
            }
        case .affine(let scale, let shift):
            for i in 0..<outputCount { output[i] = inputs[0][i] * scale + shift }
        case .activation(.softmax, let channels, let pixels):
            softmaxForward(output: output, input: inputs[0], channels: channels, pixels: pixels)
        case .activation(let kind, _, _):
            activationForward(kind, output: output, input: inputs[0], count: outputCount)
        case .pool(let kind, let g):
            pool2dForward(kind, output: output, input: inputs[0], geometry: g, scratch: workspace, shares: shares)
        case .adaptiveAvgPool(let channels, let input, let size):
            adaptiveAvgPool2dForward(
                output: output, input: inputs[0], channels: channels,
                inHeight: input.h, inWidth: input.w, outHeight: size.h, outWidth: size.w)
        case .flatten, .dropout, .identity:
            output.update(from: inputs[0], count: outputCount)
        case .concat:
            concatForward(output: output, inputs: inputs, counts: inputCounts)
        case .add:
            addForward(output: output, inputs: inputs, count: outputCount)
        case .multiply(let aShape, let bShape):
            multiplyForward(output: output, a: inputs[0], aShape: aShape, b: inputs[1], bShape: bShape)
        case .subtract:
            for i in 0..<outputCount { output[i] = inputs[0][i] - inputs[1][i] }
        case .channelSlice(let offset):
            output.update(from: inputs[0] + offset, count: outputCount)
        case .channelShuffle(let groups, let channels, let pixels):
            channelShuffleForward(output: output, input: inputs[0], groups: groups, channels: channels, pixels: pixels)
        case .pad(let p, let crop, let channels, let height, let width):
            padForward(output: output, input: inputs[0], channels: channels, height: height, width: width, padding: p, crop: crop)
        }
    }
}
