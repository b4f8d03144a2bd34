import CNNModel

extension Zoo {
    /// MobileNetV2 as torchvision builds it (`torchvision/models/mobilenetv2.py`, width 1.0):
    /// a 3x3/2 stem, 17 inverted residual blocks, a 1x1 conv to 1280 channels and a linear
    /// classifier (3,504,872 parameters).
    static let mobilenet_v2 = ZooModel(
        name: "mobilenet_v2", title: "MobileNetV2", year: 2018,
        paper: "Sandler, Howard, Zhu, Zhmoginov and Chen, \"MobileNetV2: Inverted Residuals and Linear Bottlenecks\", CVPR 2018",
        description: """
            A network for phones built from inverted residual blocks: a 1x1 conv expands a thin \
            bottleneck six times, a 3x3 depthwise conv filters each channel on its own, and a linear \
            1x1 conv (no ReLU, which would destroy information in so few channels) projects back to \
            the bottleneck, where the shortcut joins thin tensors instead of wide ones. Splitting a \
            3x3 conv into depthwise and pointwise parts costs about 1/9 + 1/C_out of the \
            multiply-adds of a full conv, so the whole model needs about 300 million mult-adds and \
            3.5 million parameters for ImageNet accuracy close to much larger nets; it became the \
            standard mobile backbone for detection and segmentation.
            """,
        defaultInput: TensorShape(channels: 3, height: 224, width: 224), labels: .imagenet
    ) { _ in
        let b = GraphBuilder("mobilenet_v2")
        var x = b.input()
        // t (expansion), c (output channels), n (repeats), s (first stride)
        let settings: [(t: Int, c: Int, n: Int, s: Int)] = [
            (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
            (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
        ]
        b.block("features") {
            x = convNormActivation(b, x, "0", filters: 32, kernel: 3, stride: 2, activation: .relu6)
            var channels = 32
            var index = 1
            for (t, c, n, s) in settings {
                for i in 0..<n {
                    x = invertedResidual(b, x, "\(index)", in: channels, out: c, stride: i == 0 ? s : 1, expand: t)
                    channels = c
                    index += 1
                }
            }
            x = convNormActivation(b, x, "\(index)", filters: 1280, kernel: 1, activation: .relu6)
        }
        x = b.add(.adaptiveAvgPool(1), "adaptive_avg_pool2d", inputs: [x], module: false)
        x = b.flatten(x)
        b.block("classifier") {
            x = b.dropout(x, "0", 0.2)
            x = b.dense(x, "1", 1000, inFeatures: 1280)
        }
        return b.build()
    }
}

/// `InvertedResidual`: 1x1 expand (unless t = 1), 3x3 depthwise, linear 1x1 projection and
/// BatchNorm in `conv`; `x + conv(x)` when the stride is 1 and the channels are unchanged.
private func invertedResidual(
    _ b: GraphBuilder, _ x: Int, _ name: String, in inChannels: Int, out: Int, stride: Int, expand: Int
) -> Int {
    b.block(name, type: "InvertedResidual") {
        let hidden = inChannels * expand
        var y = x
        b.block("conv") {
            var index = 0
            if expand != 1 {
                y = convNormActivation(b, y, "\(index)", filters: hidden, kernel: 1, activation: .relu6)
                index += 1
            }
            y = convNormActivation(b, y, "\(index)", filters: hidden, kernel: 3, stride: stride, groups: hidden, activation: .relu6)
            y = b.conv(y, "\(index + 1)", filters: out, kernel: 1, bias: false)
            y = b.batchNorm(y, "\(index + 2)")
        }
        if stride == 1 && inChannels == out {
            y = b.sum([x, y])
        }
        return y
    }
}
