import CNNModel

/// The residual families, as torchvision's `resnet.py` builds them, and the plain baseline of
/// the ResNet paper.
enum ResidualBlock: Sendable {
    /// Two 3x3 convolutions (ResNet-18/34), stride on the first.
    case basic
    /// 1x1 reduce, 3x3, 1x1 expand by 4 (ResNet-50/101/152), stride on the 3x3 (ResNet v1.5).
    case bottleneck
    /// The basic block without its shortcut: the paper's plain network.
    case plain

    var expansion: Int { self == .bottleneck ? 4 : 1 }

    var typeName: String {
        switch self {
        case .basic: return "BasicBlock"
        case .bottleneck: return "Bottleneck"
        case .plain: return "PlainBlock"
        }
    }
}

/// torchvision's ResNet: stem, four stages of residual blocks, global average pooling and fc.
/// With `squeezeExcitation`, every bottleneck scales bn3's output by an SE module of reduction 16
/// before the add (SE-ResNet).
/// With `cifarStem`, the stem is one 3x3 stride-1 convolution and no max pooling (32x32 images
/// keep their resolution into layer1), and the classifier has `classes` outputs.
func resnet(
    _ name: String, block: ResidualBlock, stages: [Int], squeezeExcitation: Bool = false,
    cifarStem: Bool = false, classes: Int = 1000
) -> Graph {
    let b = GraphBuilder(name)
    var x = b.input()
    if cifarStem {
        x = b.conv(x, "conv1", filters: 64, kernel: 3, padding: .symmetric(1), bias: false)
    } else {
        x = b.conv(x, "conv1", filters: 64, kernel: 7, stride: 2, padding: .symmetric(3), bias: false)
    }
    x = b.batchNorm(x, "bn1")
    x = b.relu(x, "relu")
    if cifarStem {
        x = b.add(.identity, "maxpool", inputs: [x])  // as in the usual PyTorch recipe: nn.Identity()
    } else {
        x = b.maxPool(x, "maxpool", kernel: 3, stride: 2, padding: .symmetric(1))
    }
    var channels = 64
    for (stage, count) in stages.enumerated() {
        let width = 64 << stage
        b.block("layer\(stage + 1)") {
            for i in 0..<count {
                let stride = (stage > 0 && i == 0) ? 2 : 1
                b.block(String(i), type: squeezeExcitation ? "SEBottleneck" : block.typeName) {
                    x = residualBlock(
                        b, x, block: block, inChannels: channels, width: width, stride: stride,
                        squeezeExcitation: squeezeExcitation)
                }
                channels = width * block.expansion
            }
        }
    }
    x = b.adaptiveAvgPool(x, "avgpool", 1)
    x = b.flatten(x)
    _ = b.dense(x, "fc", classes, inFeatures: channels)
    return b.build()
}

/// One block's layers, in the order torchvision's `forward` runs them: the main path, then the
/// downsample on the shortcut, the add, and the shared `relu` once more.
private func residualBlock(
    _ b: GraphBuilder, _ input: Int, block: ResidualBlock, inChannels: Int, width: Int, stride: Int,
    squeezeExcitation: Bool
) -> Int {
    var x = input
    let out = width * block.expansion
    switch block {
    case .basic, .plain:
        x = b.conv(x, "conv1", filters: width, kernel: 3, stride: Size2(stride), padding: .symmetric(1), bias: false)
        x = b.batchNorm(x, "bn1")
        x = b.relu(x, "relu")
        x = b.conv(x, "conv2", filters: width, kernel: 3, padding: .symmetric(1), bias: false)
        x = b.batchNorm(x, "bn2")
        if block == .plain { return b.relu(x, "relu") }
    case .bottleneck:
        x = b.conv(x, "conv1", filters: width, kernel: 1, bias: false)
        x = b.batchNorm(x, "bn1")
        x = b.relu(x, "relu")
        x = b.conv(x, "conv2", filters: width, kernel: 3, stride: Size2(stride), padding: .symmetric(1), bias: false)
        x = b.batchNorm(x, "bn2")
        x = b.relu(x, "relu")
        x = b.conv(x, "conv3", filters: out, kernel: 1, bias: false)
        x = b.batchNorm(x, "bn3")
        if squeezeExcitation { x = squeezeAndExcite(b, x, channels: out, squeezed: out / 16, activation: .relu) }
    }
    var shortcut = input
    if stride != 1 || inChannels != out {
        b.block("downsample") {
            shortcut = b.conv(input, "0", filters: out, kernel: 1, stride: Size2(stride), bias: false)
            shortcut = b.batchNorm(shortcut, "1")
        }
    }
    x = b.sum([x, shortcut])
    return b.relu(x, "relu")
}

/// torchvision's `SqueezeExcitation` as a block named `se`: global average pool, 1x1 conv down to
/// `squeezed` channels, activation, 1x1 conv back up, sigmoid, and the channel-wise product.
func squeezeAndExcite(_ b: GraphBuilder, _ x: Int, channels: Int, squeezed: Int, activation: Activation, name: String = "se") -> Int {
    b.block(name, type: "SqueezeExcitation") {
        var s = b.adaptiveAvgPool(x, "avgpool", 1)
        s = b.conv(s, "fc1", filters: squeezed, kernel: 1)
        s = b.activation(s, "activation", activation)
        s = b.conv(s, "fc2", filters: channels, kernel: 1)
        s = b.activation(s, "scale_activation", .sigmoid)
        return b.multiply(x, s)
    }
}

extension Zoo {
    static let resnet18 = resnetModel("resnet18", "ResNet-18", .basic, [2, 2, 2, 2])
    static let resnet34 = resnetModel("resnet34", "ResNet-34", .basic, [3, 4, 6, 3])
    static let resnet50 = resnetModel("resnet50", "ResNet-50", .bottleneck, [3, 4, 6, 3])
    static let resnet101 = resnetModel("resnet101", "ResNet-101", .bottleneck, [3, 4, 23, 3])
    static let resnet152 = resnetModel("resnet152", "ResNet-152", .bottleneck, [3, 8, 36, 3])

    static let residualPaper =
        "He, Zhang, Ren and Sun, \"Deep Residual Learning for Image Recognition\", CVPR 2016 (arXiv 2015)"

    private static func resnetModel(_ name: String, _ title: String, _ block: ResidualBlock, _ stages: [Int]) -> ZooModel {
        let blockText =
            block == .basic
            ? "basic blocks of two 3x3 convolutions"
            : "bottleneck blocks (a 1x1 conv reduces the channels, a 3x3 works at the narrow width, a 1x1 expands them four times)"
        return ZooModel(
            name: name, title: title, year: 2015, paper: residualPaper,
            description: """
                Residual learning: each block learns a correction F(x) that is added to its input, y = F(x) + x, \
                through an identity shortcut (a strided 1x1 convolution where the shape changes). Gradients flow \
                through the shortcuts, so networks of 50 to 152 layers train where plain ones degrade. \
                \(title) stacks \(stages.map(String.init).joined(separator: "-")) \(blockText) after a 7x7/2 stem and \
                max pooling, then global average pooling and one dense layer; it won ILSVRC 2015. \
                This is torchvision's layout (stride on the 3x3 of a bottleneck, "ResNet v1.5").
                """,
            defaultInput: TensorShape(channels: 3, height: 224, width: 224), labels: .imagenet
        ) { _ in resnet(name, block: block, stages: stages) }
    }

    static let resnet18_cifar = ZooModel(
        name: "resnet18_cifar", title: "ResNet-18 (CIFAR stem)", year: 2015, paper: residualPaper,
        description: """
            ResNet-18 as it is usually trained on 32x32 CIFAR-10 images: the 7x7/2 stem and the max \
            pooling would shrink a 32x32 image to 8x8 before the first residual stage, so the stem is a \
            single 3x3 stride-1 convolution and layer1 works at full resolution; the four stages then \
            reduce 32 to 4 and a 10-way classifier follows global average pooling. The residual stages are \
            exactly resnet18's.
            """,
        defaultInput: TensorShape(channels: 3, height: 32, width: 32), labels: .cifar10
    ) { _ in resnet("resnet18_cifar", block: .basic, stages: [2, 2, 2, 2], cifarStem: true, classes: 10) }

    static let plain34 = ZooModel(
        name: "plain34", title: "Plain-34", year: 2015, paper: residualPaper,
        description: """
            The ResNet paper's control experiment: ResNet-34's layers without the shortcuts. The plain 34-layer \
            net has a higher training error than the plain 18-layer one, although it could copy it and add \
            identities: deeper plain nets degrade because they are hard to optimize, not because they overfit. \
            Adding the shortcuts (resnet34) fixes it at the same depth and almost the same parameter count.
            """,
        defaultInput: TensorShape(channels: 3, height: 224, width: 224), labels: .imagenet
    ) { _ in resnet("plain34", block: .plain, stages: [3, 4, 6, 3]) }
}
