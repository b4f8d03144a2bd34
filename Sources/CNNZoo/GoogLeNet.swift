import CNNModel

extension Zoo {
    /// GoogLeNet (Inception v1) as torchvision's `googlenet.py` builds it: BasicConv2d blocks
    /// (conv without bias, BatchNorm eps 0.001, functional ReLU), nine Inception modules, global
    /// average pooling and one linear classifier (6,624,904 parameters). torchvision's 5x5 branch
    /// uses a 3x3 kernel, kept for weight compatibility. With `auxClassifiers`, the two training-time
    /// heads `aux1` (after inception4a) and `aux2` (after inception4d) are added.
    static let googlenet = ZooModel(
        name: "googlenet", title: "GoogLeNet", year: 2014,
        paper: """
            Szegedy, Liu, Jia, Sermanet, Reed, Anguelov, Erhan, Vanhoucke and Rabinovich, \
            "Going Deeper with Convolutions", CVPR 2015 (arXiv 2014)
            """,
        description: """
            The ILSVRC 2014 winner, 22 layers deep, built from Inception modules: each one runs 1x1, \
            3x3 and 5x5 convolutions and a 3x3 max pool side by side and concatenates them, so the \
            network can choose the scale of its features. Cheap 1x1 convolutions first reduce the \
            channels in front of the larger kernels (and after the pool), which keeps the cost down: \
            the paper's network has 12 times fewer parameters than AlexNet. Global average pooling \
            replaces the large fully connected layers at the top, and two auxiliary classifiers on \
            intermediate layers add gradient and regularisation while training and are dropped \
            afterwards. This is torchvision's version, with batch normalisation in every conv \
            block and, a known deviation kept for compatibility with its pretrained weights, a 3x3 \
            kernel in the branch where the paper has a 5x5.
            """,
        defaultInput: TensorShape(channels: 3, height: 224, width: 224),
        hasAuxClassifiers: true, labels: .imagenet
    ) { options in
        let b = GraphBuilder("googlenet")
        var x = b.input()
        x = googLeNetConv(b, x, "conv1", 64, kernel: 7, stride: 2, padding: 3)
        x = b.maxPool(x, "maxpool1", kernel: 3, stride: 2, ceilMode: true)
        x = googLeNetConv(b, x, "conv2", 64, kernel: 1)
        x = googLeNetConv(b, x, "conv3", 192, kernel: 3, padding: 1)
        x = b.maxPool(x, "maxpool2", kernel: 3, stride: 2, ceilMode: true)

        x = inception(b, x, "inception3a", 64, 96, 128, 16, 32, 32)
        x = inception(b, x, "inception3b", 128, 128, 192, 32, 96, 64)
        x = b.maxPool(x, "maxpool3", kernel: 3, stride: 2, ceilMode: true)

        x = inception(b, x, "inception4a", 192, 96, 208, 16, 48, 64)
        if options.auxClassifiers { googLeNetAux(b, x, "aux1") }
        x = inception(b, x, "inception4b", 160, 112, 224, 24, 64, 64)
        x = inception(b, x, "inception4c", 128, 128, 256, 24, 64, 64)
        x = inception(b, x, "inception4d", 112, 144, 288, 32, 64, 64)
        if options.auxClassifiers { googLeNetAux(b, x, "aux2") }
        x = inception(b, x, "inception4e", 256, 160, 320, 32, 128, 128)
        x = b.maxPool(x, "maxpool4", kernel: 2, stride: 2, ceilMode: true)

        x = inception(b, x, "inception5a", 256, 160, 320, 32, 128, 128)
        x = inception(b, x, "inception5b", 384, 192, 384, 48, 128, 128)

        x = b.adaptiveAvgPool(x, "avgpool", 1)
        x = b.flatten(x)
        x = b.dropout(x, "dropout", 0.2)
        _ = b.dense(x, "fc", 1000, inFeatures: 1024)
        return b.build()
    }
}

/// torchvision's `BasicConv2d`: conv (no bias), BatchNorm (eps 0.001), functional ReLU.
private func googLeNetConv(
    _ b: GraphBuilder, _ x: Int, _ name: String, _ filters: Int, kernel: Size2, stride: Size2 = 1, padding: Int = 0
) -> Int {
    b.block(name, type: "BasicConv2d") {
        var y = b.conv(
            x, "conv", filters: filters, kernel: kernel, stride: stride,
            padding: .symmetric(padding), bias: false)
        y = b.batchNorm(y, "bn", epsilon: 0.001)
        return b.add(.activation(.relu), "relu", inputs: [y], module: false)
    }
}

/// torchvision's `Inception`: four branches concatenated in order. `ch5x5` is computed with a
/// 3x3 kernel, as in torchvision (pytorch/vision#906).
private func inception(
    _ b: GraphBuilder, _ x: Int, _ name: String,
    _ ch1x1: Int, _ ch3x3red: Int, _ ch3x3: Int, _ ch5x5red: Int, _ ch5x5: Int, _ poolProj: Int
) -> Int {
    b.block(name, type: "Inception") {
        let branch1 = googLeNetConv(b, x, "branch1", ch1x1, kernel: 1)
        let branch2 = b.block("branch2", type: "Sequential") {
            let y = googLeNetConv(b, x, "0", ch3x3red, kernel: 1)
            return googLeNetConv(b, y, "1", ch3x3, kernel: 3, padding: 1)
        }
        let branch3 = b.block("branch3", type: "Sequential") {
            let y = googLeNetConv(b, x, "0", ch5x5red, kernel: 1)
            return googLeNetConv(b, y, "1", ch5x5, kernel: 3, padding: 1)
        }
        let branch4 = b.block("branch4", type: "Sequential") {
            let y = b.maxPool(x, "0", kernel: 3, stride: 1, padding: .symmetric(1), ceilMode: true)
            return googLeNetConv(b, y, "1", poolProj, kernel: 1)
        }
        return b.concat([branch1, branch2, branch3, branch4])
    }
}

/// torchvision's `InceptionAux` for GoogLeNet: a training-time classifier head on an intermediate
/// 14x14 map. Its dropout (p 0.7) is an `nn.Dropout` module in current torchvision.
private func googLeNetAux(_ b: GraphBuilder, _ x: Int, _ name: String) {
    b.block(name, type: "InceptionAux") {
        var y = b.add(.adaptiveAvgPool(4), "adaptive_avg_pool2d", inputs: [x], module: false)
        y = googLeNetConv(b, y, "conv", 128, kernel: 1)
        y = b.flatten(y)
        y = b.dense(y, "fc1", 1024, inFeatures: 2048)
        y = b.add(.activation(.relu), "relu", inputs: [y], module: false)
        y = b.dropout(y, "dropout", 0.7)
        _ = b.dense(y, "fc2", 1000, inFeatures: 1024)
    }
}
