import CNNModel

extension Zoo {
    static let se_resnet50 = ZooModel(
        name: "se_resnet50", title: "SE-ResNet-50", year: 2017,
        paper: "Hu, Shen and Sun, \"Squeeze-and-Excitation Networks\", CVPR 2018 (arXiv 2017)",
        description: """
            Squeeze-and-excitation lets a block reweigh its own channels: global average pooling squeezes \
            each channel to one number, two small fully connected layers (reduction 16) with a sigmoid turn \
            those into per-channel weights, and the block's output is scaled by them before the residual add. \
            It adds about 10% parameters and almost no computation to ResNet-50 and won ILSVRC 2017. The \
            excitation sees the whole image, so every output unit's receptive field becomes global.
            """,
        defaultInput: TensorShape(channels: 3, height: 224, width: 224), labels: .imagenet
    ) { _ in resnet("se_resnet50", block: .bottleneck, stages: [3, 4, 6, 3], squeezeExcitation: true) }
}
