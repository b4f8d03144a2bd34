import CNNModel

extension Zoo {
    /// Inception v3 as torchvision's `inception.py` builds it (`transform_input` off): a stem of
    /// BasicConv2d blocks, three InceptionA (35x35), the InceptionB grid reduction, four InceptionC
    /// with factorized 7x7 convolutions (17x17), the InceptionD reduction, two InceptionE (8x8),
    /// global average pooling, dropout and a linear classifier. Pooling inside the Inception blocks
    /// is functional (`F.avg_pool2d`, `F.max_pool2d`). With `auxClassifiers`, the training-time head
    /// `AuxLogits` reads Mixed_6e's output.
    static let inception_v3 = ZooModel(
        name: "inception_v3", title: "Inception v3", year: 2015,
        paper: """
            Szegedy, Vanhoucke, Ioffe, Shlens and Wojna, \
            "Rethinking the Inception Architecture for Computer Vision", CVPR 2016 (arXiv 2015)
            """,
        description: """
            The redesign of GoogLeNet around a few rules for scaling a network up cheaply. Large \
            convolutions are factorized: a 5x5 becomes two stacked 3x3s (the same receptive field \
            for 28% fewer weights), and an n x n becomes a 1xn followed by an nx1, which the \
            17x17 modules use with n = 7. The grid is shrunk by reduction modules that run a strided \
            convolution and a pooling side by side and concatenate them, instead of pooling first \
            (a representational bottleneck) or convolving first (costly). Batch normalisation \
            everywhere, label smoothing and a batch-normalised auxiliary classifier act as \
            regularisers. On 299x299 inputs it reached 21.2% top-1 error in a single crop for about \
            5 billion multiply-adds, and its modules became the template for Inception-v4 and Xception.
            """,
        defaultInput: TensorShape(channels: 3, height: 299, width: 299),
        hasAuxClassifiers: true, labels: .imagenet
    ) { options in
        let b = GraphBuilder("inception_v3")
        var x = b.input()
        x = v3Conv(b, x, "Conv2d_1a_3x3", 32, kernel: 3, stride: 2)
        x = v3Conv(b, x, "Conv2d_2a_3x3", 32, kernel: 3)
        x = v3Conv(b, x, "Conv2d_2b_3x3", 64, kernel: 3, padding: .symmetric(1))
        x = b.maxPool(x, "maxpool1", kernel: 3, stride: 2)
        x = v3Conv(b, x, "Conv2d_3b_1x1", 80, kernel: 1)
        x = v3Conv(b, x, "Conv2d_4a_3x3", 192, kernel: 3)
        x = b.maxPool(x, "maxpool2", kernel: 3, stride: 2)

        x = inceptionA(b, x, "Mixed_5b", poolFeatures: 32)
        x = inceptionA(b, x, "Mixed_5c", poolFeatures: 64)
        x = inceptionA(b, x, "Mixed_5d", poolFeatures: 64)
        x = inceptionB(b, x, "Mixed_6a")
        x = inceptionC(b, x, "Mixed_6b", channels7x7: 128)
        x = inceptionC(b, x, "Mixed_6c", channels7x7: 160)
        x = inceptionC(b, x, "Mixed_6d", channels7x7: 160)
        x = inceptionC(b, x, "Mixed_6e", channels7x7: 192)
        if options.auxClassifiers { inceptionAux(b, x, "AuxLogits") }
        x = inceptionD(b, x, "Mixed_7a")
        x = inceptionE(b, x, "Mixed_7b")
        x = inceptionE(b, x, "Mixed_7c")

        x = b.adaptiveAvgPool(x, "avgpool", 1)
        x = b.dropout(x, "dropout", 0.5)
        x = b.flatten(x)
        _ = b.dense(x, "fc", 1000, inFeatures: 2048)
        return b.build()
    }
}

/// torchvision's `BasicConv2d`: conv (no bias), BatchNorm (eps 0.001), functional ReLU.
private func v3Conv(
    _ b: GraphBuilder, _ x: Int, _ name: String, _ filters: Int, kernel: Size2, stride: Size2 = 1,
    padding: Padding = .valid
) -> Int {
    b.block(name, type: "BasicConv2d") {
        var y = b.conv(x, "conv", filters: filters, kernel: kernel, stride: stride, padding: padding, bias: false)
        y = b.batchNorm(y, "bn", epsilon: 0.001)
        return b.add(.activation(.relu), "relu", inputs: [y], module: false)
    }
}

/// PyTorch's `padding=(pH, pW)` for the factorized 1xn and nx1 convolutions.
private func pad(_ h: Int, _ w: Int) -> Padding {
    .explicit(Pad4(h: h, w: w))
}

/// `F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)`: padded zeros count in the mean.
private func functionalAvgPool3(_ b: GraphBuilder, _ x: Int) -> Int {
    b.add(
        .pool(Pool2D(.average, kernel: 3, stride: 1, padding: .symmetric(1), countIncludePad: true)),
        "avg_pool2d", inputs: [x], module: false)
}

/// `F.max_pool2d(x, kernel_size=3, stride=2)`.
private func functionalMaxPool3s2(_ b: GraphBuilder, _ x: Int) -> Int {
    b.add(.pool(Pool2D(.max, kernel: 3, stride: 2)), "max_pool2d", inputs: [x], module: false)
}

/// 35x35 module: 1x1, 5x5, double 3x3 and pool branches.
private func inceptionA(_ b: GraphBuilder, _ x: Int, _ name: String, poolFeatures: Int) -> Int {
    b.block(name, type: "InceptionA") {
        let branch1x1 = v3Conv(b, x, "branch1x1", 64, kernel: 1)

        var branch5x5 = v3Conv(b, x, "branch5x5_1", 48, kernel: 1)
        branch5x5 = v3Conv(b, branch5x5, "branch5x5_2", 64, kernel: 5, padding: .symmetric(2))

        var branch3x3dbl = v3Conv(b, x, "branch3x3dbl_1", 64, kernel: 1)
        branch3x3dbl = v3Conv(b, branch3x3dbl, "branch3x3dbl_2", 96, kernel: 3, padding: .symmetric(1))
        branch3x3dbl = v3Conv(b, branch3x3dbl, "branch3x3dbl_3", 96, kernel: 3, padding: .symmetric(1))

        var branchPool = functionalAvgPool3(b, x)
        branchPool = v3Conv(b, branchPool, "branch_pool", poolFeatures, kernel: 1)

        return b.concat([branch1x1, branch5x5, branch3x3dbl, branchPool])
    }
}

/// Grid reduction 35x35 -> 17x17: strided 3x3, strided double 3x3 and max pool side by side.
private func inceptionB(_ b: GraphBuilder, _ x: Int, _ name: String) -> Int {
    b.block(name, type: "InceptionB") {
        let branch3x3 = v3Conv(b, x, "branch3x3", 384, kernel: 3, stride: 2)

        var branch3x3dbl = v3Conv(b, x, "branch3x3dbl_1", 64, kernel: 1)
        branch3x3dbl = v3Conv(b, branch3x3dbl, "branch3x3dbl_2", 96, kernel: 3, padding: .symmetric(1))
        branch3x3dbl = v3Conv(b, branch3x3dbl, "branch3x3dbl_3", 96, kernel: 3, stride: 2)

        let branchPool = functionalMaxPool3s2(b, x)

        return b.concat([branch3x3, branch3x3dbl, branchPool])
    }
}

/// 17x17 module: 7x7 convolutions factorized into 1x7 and 7x1.
private func inceptionC(_ b: GraphBuilder, _ x: Int, _ name: String, channels7x7 c7: Int) -> Int {
    b.block(name, type: "InceptionC") {
        let branch1x1 = v3Conv(b, x, "branch1x1", 192, kernel: 1)

        var branch7x7 = v3Conv(b, x, "branch7x7_1", c7, kernel: 1)
        branch7x7 = v3Conv(b, branch7x7, "branch7x7_2", c7, kernel: Size2(1, 7), padding: pad(0, 3))
        branch7x7 = v3Conv(b, branch7x7, "branch7x7_3", 192, kernel: Size2(7, 1), padding: pad(3, 0))

        var branch7x7dbl = v3Conv(b, x, "branch7x7dbl_1", c7, kernel: 1)
        branch7x7dbl = v3Conv(b, branch7x7dbl, "branch7x7dbl_2", c7, kernel: Size2(7, 1), padding: pad(3, 0))
        branch7x7dbl = v3Conv(b, branch7x7dbl, "branch7x7dbl_3", c7, kernel: Size2(1, 7), padding: pad(0, 3))
        branch7x7dbl = v3Conv(b, branch7x7dbl, "branch7x7dbl_4", c7, kernel: Size2(7, 1), padding: pad(3, 0))
        branch7x7dbl = v3Conv(b, branch7x7dbl, "branch7x7dbl_5", 192, kernel: Size2(1, 7), padding: pad(0, 3))

        var branchPool = functionalAvgPool3(b, x)
        branchPool = v3Conv(b, branchPool, "branch_pool", 192, kernel: 1)

        return b.concat([branch1x1, branch7x7, branch7x7dbl, branchPool])
    }
}

/// Grid reduction 17x17 -> 8x8.
private func inceptionD(_ b: GraphBuilder, _ x: Int, _ name: String) -> Int {
    b.block(name, type: "InceptionD") {
        var branch3x3 = v3Conv(b, x, "branch3x3_1", 192, kernel: 1)
        branch3x3 = v3Conv(b, branch3x3, "branch3x3_2", 320, kernel: 3, stride: 2)

        var branch7x7x3 = v3Conv(b, x, "branch7x7x3_1", 192, kernel: 1)
        branch7x7x3 = v3Conv(b, branch7x7x3, "branch7x7x3_2", 192, kernel: Size2(1, 7), padding: pad(0, 3))
        branch7x7x3 = v3Conv(b, branch7x7x3, "branch7x7x3_3", 192, kernel: Size2(7, 1), padding: pad(3, 0))
        branch7x7x3 = v3Conv(b, branch7x7x3, "branch7x7x3_4", 192, kernel: 3, stride: 2)

        let branchPool = functionalMaxPool3s2(b, x)

        return b.concat([branch3x3, branch7x7x3, branchPool])
    }
}

/// 8x8 module with expanded filter banks: the 3x3 branches split into parallel 1x3 and 3x1
/// convolutions whose outputs are concatenated before the block's own concat.
private func inceptionE(_ b: GraphBuilder, _ x: Int, _ name: String) -> Int {
    b.block(name, type: "InceptionE") {
        let branch1x1 = v3Conv(b, x, "branch1x1", 320, kernel: 1)

        let branch3x3In = v3Conv(b, x, "branch3x3_1", 384, kernel: 1)
        let branch3x3 = b.concat([
            v3Conv(b, branch3x3In, "branch3x3_2a", 384, kernel: Size2(1, 3), padding: pad(0, 1)),
            v3Conv(b, branch3x3In, "branch3x3_2b", 384, kernel: Size2(3, 1), padding: pad(1, 0)),
        ])

        var branch3x3dblIn = v3Conv(b, x, "branch3x3dbl_1", 448, kernel: 1)
        branch3x3dblIn = v3Conv(b, branch3x3dblIn, "branch3x3dbl_2", 384, kernel: 3, padding: .symmetric(1))
        let branch3x3dbl = b.concat([
            v3Conv(b, branch3x3dblIn, "branch3x3dbl_3a", 384, kernel: Size2(1, 3), padding: pad(0, 1)),
            v3Conv(b, branch3x3dblIn, "branch3x3dbl_3b", 384, kernel: Size2(3, 1), padding: pad(1, 0)),
        ])

        var branchPool = functionalAvgPool3(b, x)
        branchPool = v3Conv(b, branchPool, "branch_pool", 192, kernel: 1)

        return b.concat([branch1x1, branch3x3, branch3x3dbl, branchPool])
    }
}

/// torchvision's `InceptionAux` for Inception v3: a training-time classifier on Mixed_6e's
/// 17x17 map.
private func inceptionAux(_ b: GraphBuilder, _ x: Int, _ name: String) {
    b.block(name, type: "InceptionAux") {
        var y = b.add(.pool(Pool2D(.average, kernel: 5, stride: 3)), "avg_pool2d", inputs: [x], module: false)
        y = v3Conv(b, y, "conv0", 128, kernel: 1)
        y = v3Conv(b, y, "conv1", 768, kernel: 5)
        y = b.add(.adaptiveAvgPool(1), "adaptive_avg_pool2d", inputs: [y], module: false)
        y = b.flatten(y)
        _ = b.dense(y, "fc", 1000, inFeatures: 768)
    }
}
