import CNNModel

extension Zoo {
    static let densenet121 = ZooModel(
        name: "densenet121", title: "DenseNet-121", year: 2016,
        paper: "Huang, Liu, van der Maaten and Weinberger, \"Densely Connected Convolutional Networks\", CVPR 2017 (arXiv 2016)",
        description: """
            Dense connectivity: inside a dense block every layer reads the concatenation of all earlier \
            feature maps and adds only 32 new channels (the growth rate), so features are reused instead of \
            relearned and the network stays small. Each layer is a 1x1 bottleneck to 128 channels and a 3x3 \
            conv; transition layers halve the channels with a 1x1 conv and the size with 2x2 average pooling. \
            Blocks of 6, 12, 24 and 16 layers make 121 weight layers with under 8 million parameters.
            """,
        defaultInput: TensorShape(channels: 3, height: 224, width: 224), labels: .imagenet
    ) { _ in densenet("densenet121", blocks: [6, 12, 24, 16]) }
}

/// torchvision's DenseNet (growth 32, bottleneck 4x, 64 initial features, compression 0.5).
func densenet(_ name: String, blocks: [Int], growth: Int = 32, initial: Int = 64, bottleneck: Int = 4) -> Graph {
    let b = GraphBuilder(name)
    var x = b.input()
    var channels = initial
    b.block("features") {
        x = b.conv(x, "conv0", filters: initial, kernel: 7, stride: 2, padding: .symmetric(3), bias: false)
        x = b.batchNorm(x, "norm0")
        x = b.relu(x, "relu0")
        x = b.maxPool(x, "pool0", kernel: 3, stride: 2, padding: .symmetric(1))
        for (i, layers) in blocks.enumerated() {
            b.block("denseblock\(i + 1)", type: "_DenseBlock") {
                var features = [x]
                for j in 1...layers {
                    b.block("denselayer\(j)", type: "_DenseLayer") {
                        // bn_function: the layer reads the concatenation of everything before it.
                        var y = features.count == 1 ? features[0] : b.concat(features)
                        y = b.batchNorm(y, "norm1")
                        y = b.relu(y, "relu1")
                        y = b.conv(y, "conv1", filters: bottleneck * growth, kernel: 1, bias: false)
                        y = b.batchNorm(y, "norm2")
                        y = b.relu(y, "relu2")
                        y = b.conv(y, "conv2", filters: growth, kernel: 3, padding: .symmetric(1), bias: false)
                        features.append(y)
                    }
                }
                x = b.concat(features)
                channels += layers * growth
            }
            if i < blocks.count - 1 {
                b.block("transition\(i + 1)", type: "_Transition") {
                    x = b.batchNorm(x, "norm")
                    x = b.relu(x, "relu")
                    channels /= 2
                    x = b.conv(x, "conv", filters: channels, kernel: 1, bias: false)
                    x = b.avgPool(x, "pool", kernel: 2, stride: 2)
                }
            }
        }
        x = b.batchNorm(x, "norm5")
    }
    // F.relu, F.adaptive_avg_pool2d and torch.flatten are functional in torchvision's forward.
    x = b.add(.activation(.relu), "relu", inputs: [x], module: false)
    x = b.add(.adaptiveAvgPool(1), "avgpool", inputs: [x], module: false)
    x = b.flatten(x)
    _ = b.dense(x, "classifier", 1000, inFeatures: channels)
    return b.build()
}
