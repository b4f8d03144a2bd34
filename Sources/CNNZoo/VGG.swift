import CNNModel

/// One column of the VGG paper's Table 1, as torchvision's `cfgs` writes it: the filters of each
/// 3x3 convolution, with `nil` for a 2x2 max pool.
enum VGGConfig: String, Sendable {
    case a = "A"
    case b = "B"
    case d = "D"
    case e = "E"

    var layers: [Int?] {
        switch self {
        case .a: return [64, nil, 128, nil, 256, 256, nil, 512, 512, nil, 512, 512, nil]
        case .b: return [64, 64, nil, 128, 128, nil, 256, 256, nil, 512, 512, nil, 512, 512, nil]
        case .d: return [64, 64, nil, 128, 128, nil, 256, 256, 256, nil, 512, 512, 512, nil, 512, 512, 512, nil]
        case .e:
            return [
                64, 64, nil, 128, 128, nil, 256, 256, 256, 256, nil,
                512, 512, 512, 512, nil, 512, 512, 512, 512, nil,
            ]
        }
    }

    /// Convolutions plus the three dense layers: the 11, 13, 16 or 19 of the name.
    var depth: Int { layers.compactMap { $0 }.count + 3 }
}

/// torchvision's `make_layers(cfg, batch_norm)`: the `features` Sequential, numbered as PyTorch
/// numbers it (conv, [BatchNorm2d,] ReLU per convolution; MaxPool2d(2, 2) per "M").
/// Shared with the course's VGG-11 example.
func vggFeatures(_ b: GraphBuilder, _ input: Int, _ config: VGGConfig, batchNorm: Bool) -> Int {
    var x = input
    b.block("features") {
        var index = 0
        func next() -> String {
            defer { index += 1 }
            return String(index)
        }
        for filters in config.layers {
            guard let filters else {
                x = b.maxPool(x, next(), kernel: 2, stride: 2)
                continue
            }
            x = b.conv(x, next(), filters: filters, kernel: 3, padding: .symmetric(1))
            if batchNorm { x = b.batchNorm(x, next()) }
            x = b.relu(x, next())
        }
    }
    return x
}

extension Zoo {
    static let vgg11 = vgg(.a, batchNorm: false, params: "132.9 million")
    static let vgg13 = vgg(.b, batchNorm: false, params: "133.0 million")
    static let vgg16 = vgg(.d, batchNorm: false, params: "138,357,544")
    static let vgg19 = vgg(.e, batchNorm: false, params: "143.7 million")
    static let vgg11_bn = vgg(.a, batchNorm: true, params: "132.9 million")
    static let vgg13_bn = vgg(.b, batchNorm: true, params: "133.1 million")
    static let vgg16_bn = vgg(.d, batchNorm: true, params: "138.4 million")
    static let vgg19_bn = vgg(.e, batchNorm: true, params: "143.7 million")

    /// torchvision's `VGG(make_layers(cfgs[config], batch_norm))`: features, `AdaptiveAvgPool2d((7, 7))`,
    /// `torch.flatten`, and the three-layer classifier with dropout.
    private static func vgg(_ config: VGGConfig, batchNorm: Bool, params: String) -> ZooModel {
        let depth = config.depth
        let name = "vgg\(depth)" + (batchNorm ? "_bn" : "")
        let convs = depth - 3
        let variant =
            batchNorm
            ? """
            This is torchvision's variant with batch normalization after every convolution, added \
            after the paper (batch norm is from 2015): it makes the deep plain stack easy to train \
            from scratch, where the paper had to initialize its deeper nets from the shallow \
            configuration A.
            """
            : """
            The paper trained configuration A from scratch and initialized the deeper ones from it, \
            because the plain stack was hard to train.
            """
        let description = """
            VGG asked a simple question: what happens if a CNN uses nothing but 3x3 convolutions \
            (stride 1, padding 1) and 2x2 max pools, and just gets deeper? A stack of two 3x3 \
            convolutions sees a 5x5 window and three see 7x7, yet with C channels in and out two 3x3 \
            layers have 18C² weights where one 5x5 layer has 25C² (three: 27C² against 49C² for \
            7x7), and every layer of the stack adds a ReLU, so the stack is cheaper and more \
            non-linear than the large kernel it replaces. Channels double after each pool, from 64 \
            to 512, while the map halves; AlexNet-style dense layers of 4096 with dropout end the \
            network and hold most of its parameters. Second in ImageNet 2014 classification and \
            first in localization, VGG's uniform design made it the standard backbone for transfer \
            learning, detection and style transfer. VGG-\(depth) is configuration \(config.rawValue): \
            \(convs) convolutions and 3 dense layers, \(params) parameters. \(variant)
            """
        return ZooModel(
            name: name, title: "VGG-\(depth)" + (batchNorm ? " (batch norm)" : ""), year: 2014,
            paper: "Simonyan and Zisserman, \"Very Deep Convolutional Networks for Large-Scale Image Recognition\", ICLR 2015 (arXiv 2014)",
            description: description,
            defaultInput: TensorShape(channels: 3, height: 224, width: 224), labels: .imagenet
        ) { _ in
            let b = GraphBuilder(name)
            var x = b.input()
            x = vggFeatures(b, x, config, batchNorm: batchNorm)
            x = b.adaptiveAvgPool(x, "avgpool", 7)
            x = b.flatten(x)
            b.block("classifier") {
                x = b.dense(x, "0", 4096, inFeatures: 512 * 7 * 7)
                x = b.relu(x, "1")
                x = b.dropout(x, "2", 0.5)
                x = b.dense(x, "3", 4096, inFeatures: 4096)
                x = b.relu(x, "4")
                x = b.dropout(x, "5", 0.5)
                x = b.dense(x, "6", 1000, inFeatures: 4096)
            }
            return b.build()
        }
    }
}
