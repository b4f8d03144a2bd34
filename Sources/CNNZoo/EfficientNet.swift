import CNNModel

extension Zoo {
    /// EfficientNet-B0 as torchvision builds it (`torchvision/models/efficientnet.py`): a 3x3/2
    /// stem, seven stages of MBConv blocks with squeeze-and-excitation, a 1x1 conv to 1280 channels,
    /// global pooling and a linear classifier (5,288,548 parameters).
    static let efficientnet_b0 = ZooModel(
        name: "efficientnet_b0", title: "EfficientNet-B0", year: 2019,
        paper: "Tan and Le, \"EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks\", ICML 2019",
        description: """
            Instead of making a network deeper, wider or fed with larger images one at a time, \
            EfficientNet scales all three together with one compound coefficient (depth x1.2, width \
            x1.1, resolution x1.15 per step, so each step roughly doubles the mult-adds), starting from \
            this B0 baseline found by architecture search. B0 is a stack of MBConv blocks, the \
            MobileNetV2 inverted residual with a squeeze-and-excitation gate that reweights channels \
            from their global average, using the smooth SiLU (swish) activation and stochastic depth \
            in training. With 5.3 million parameters and about 0.4 billion mult-adds it beats \
            ResNet-50's accuracy, and the scaled-up B7 set the ImageNet state of the art with 8.4x \
            fewer parameters than the previous best (GPipe).
            """,
        defaultInput: TensorShape(channels: 3, height: 224, width: 224), labels: .imagenet
    ) { _ in
        let b = GraphBuilder("efficientnet_b0")
        var x = b.input()
        // expand ratio, kernel, first stride, input channels, output channels, repeats
        let stages: [(t: Int, k: Int, s: Int, cin: Int, cout: Int, n: Int)] = [
            (1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
            (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1),
        ]
        let totalBlocks = stages.reduce(0) { $0 + $1.n }
        b.block("features") {
            x = convNormActivation(b, x, "0", filters: 32, kernel: 3, stride: 2, activation: .silu)
            var blockIndex = 0
            for (i, stage) in stages.enumerated() {
                b.block("\(i + 1)") {
                    for j in 0..<stage.n {
                        let p = 0.2 * Double(blockIndex) / Double(totalBlocks)
                        x = mbConv(
                            b, x, "\(j)", in: j == 0 ? stage.cin : stage.cout, out: stage.cout,
                            expand: stage.t, kernel: stage.k, stride: j == 0 ? stage.s : 1, dropPath: p)
                        blockIndex += 1
                    }
                }
            }
            x = convNormActivation(b, x, "\(stages.count + 1)", filters: 1280, kernel: 1, activation: .silu)
        }
        x = b.adaptiveAvgPool(x, "avgpool", 1)
        x = b.flatten(x)
        b.block("classifier") {
            x = b.dropout(x, "0", 0.2)
            x = b.dense(x, "1", 1000, inFeatures: 1280)
        }
        return b.build()
    }
}

/// `MBConv`: optional 1x1 expand, k x k depthwise, squeeze-and-excitation, linear 1x1 projection
/// (all in `block`); with the residual, `stochastic_depth(block(x)) + x`.
private func mbConv(
    _ b: GraphBuilder, _ x: Int, _ name: String, in inChannels: Int, out: Int, expand: Int,
    kernel: Int, stride: Int, dropPath: Double
) -> Int {
    b.block(name, type: "MBConv") {
        let expanded = inChannels * expand
        var y = x
        b.block("block") {
            var index = 0
            if expanded != inChannels {
                y = convNormActivation(b, y, "\(index)", filters: expanded, kernel: 1, activation: .silu)
                index += 1
            }
            y = convNormActivation(
                b, y, "\(index)", filters: expanded, kernel: kernel, stride: stride, groups: expanded,
                activation: .silu)
            y = squeezeAndExcite(b, y, channels: expanded, squeezed: max(1, inChannels / 4), activation: .silu, name: "\(index + 1)")
            y = convNormActivation(b, y, "\(index + 2)", filters: out, kernel: 1, activation: nil)
        }
        if stride == 1 && inChannels == out {
            y = b.add(.stochasticDepth(dropPath), "stochastic_depth", inputs: [y])
            y = b.sum([y, x])
        }
        return y
    }
}
