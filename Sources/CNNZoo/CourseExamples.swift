import CNNModel

/// The course's worked examples: small networks written to illustrate one idea each. Their years
/// are those of the ideas they illustrate.
extension Zoo {
    /// Three conv-BN-ReLU-pool stages and one dense layer, declared for a 224x224 input
    /// (64x28x28 = 50,176 features), so any other input size fails at `classifier`.
    static let simple_cnn = ZooModel(
        name: "simple_cnn", title: "Simple CNN (course example)", year: 2015,
        paper:
            "Course example; batch normalization after Ioffe and Szegedy, \"Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift\", ICML 2015",
        description: """
            A teaching example: the smallest network that shows the modern basic recipe. Three \
            stages of 3x3 convolution, batch normalization, ReLU and 2x2 max pooling double the \
            channels (16, 32, 64) while halving the map (224 to 28), then one dense layer maps the \
            flattened 64x28x28 features to 10 classes. The dense layer is declared for exactly \
            50,176 inputs, as nn.Linear is, which makes the lesson about input sizes concrete: feed \
            it 32x32 images and the flattened vector is 49 times shorter, so the classifier fails. \
            Batch normalization, the ingredient that makes even this plain stack train quickly, is \
            from 2015.
            """,
        defaultInput: TensorShape(channels: 3, height: 224, width: 224)
    ) { _ in
        let b = GraphBuilder("simple_cnn")
        var x = b.input()
        b.block("features") {
            var index = 0
            for filters in [16, 32, 64] {
                x = b.conv(x, String(index), filters: filters, kernel: 3, padding: .symmetric(1))
                x = b.batchNorm(x, String(index + 1))
                x = b.relu(x, String(index + 2))
                x = b.maxPool(x, String(index + 3), kernel: 2, stride: 2)
                index += 4
            }
        }
        x = b.flatten(x)
        _ = b.dense(x, "classifier", 10, inFeatures: 64 * 28 * 28)
        return b.build()
    }

    /// torchvision's VGG-11 (batch norm) features with a global average pool and a 7-class head:
    /// the course's transfer-learning example.
    static let vgg11_course = ZooModel(
        name: "vgg11_course", title: "VGG-11 with a 7-class head (course example)", year: 2014,
        paper: "Course example after Simonyan and Zisserman, \"Very Deep Convolutional Networks for Large-Scale Image Recognition\", ICLR 2015 (arXiv 2014)",
        description: """
            A teaching example of transfer learning: the convolutional part of torchvision's VGG-11 \
            with batch normalization is kept as it is, and the three dense layers of 4096 (over 120 \
            million parameters) are replaced by a global average pool and one dense layer from 512 \
            features to 7 classes. The head shrinks to 3,591 parameters, the pretrained features do \
            the work, and because the pool averages whatever map it gets, the network accepts any \
            input of at least 32x32. It shows how little of VGG is really needed once the features \
            exist.
            """,
        defaultInput: TensorShape(channels: 3, height: 224, width: 224)
    ) { _ in
        let b = GraphBuilder("vgg11_course")
        var x = b.input()
        x = vggFeatures(b, x, .a, batchNorm: true)
        x = b.adaptiveAvgPool(x, "avgpool", 1)
        x = b.flatten(x)
        _ = b.dense(x, "classifier", 7, inFeatures: 512)
        return b.build()
    }

    /// The naive Inception module on a tiny input: 1x1, 3x3 and 5x5 convolutions and a 3x3 max pool
    /// side by side, concatenated (324 parameters).
    static let inception_naive = ZooModel(
        name: "inception_naive", title: "Naive Inception module (course example)", year: 2014,
        paper: "Course example after Szegedy et al., \"Going Deeper with Convolutions\", CVPR 2015 (arXiv 2014)",
        description: """
            A teaching example of the Inception idea in its naive form: instead of choosing one \
            kernel size, run a 1x1, a 3x3 and a 5x5 convolution and a 3x3 max pool side by side on \
            the same input, padded to keep the size, and concatenate their outputs along the \
            channels, so the next layer can pick the scale that fits. On this 3-channel toy it has \
            324 parameters, but the problem shows already: the 5x5 branch holds 228 of them, the \
            pool branch passes all its input channels through so the output only grows, and in a \
            real network with hundreds of channels this module becomes far too expensive. The \
            reduced version fixes that with 1x1 convolutions.
            """,
        defaultInput: TensorShape(channels: 3, height: 32, width: 32)
    ) { _ in
        let b = GraphBuilder("inception_naive")
        let x = b.input()
        let branch1 = b.conv(x, "branch1", filters: 3, kernel: 1)
        let branch2 = b.conv(x, "branch2", filters: 3, kernel: 3, padding: .symmetric(1))
        let branch3 = b.conv(x, "branch3", filters: 3, kernel: 5, padding: .symmetric(2))
        let branch4 = b.maxPool(x, "branch4", kernel: 3, stride: 1, padding: .symmetric(1))
        _ = b.concat([branch1, branch2, branch3, branch4])
        return b.build()
    }

    /// The Inception module with dimension reductions: 1x1 convolutions before the 3x3 and 5x5 and
    /// after the pool.
    static let inception_reduced = ZooModel(
        name: "inception_reduced", title: "Inception module with 1x1 reductions (course example)", year: 2014,
        paper: "Course example after Szegedy et al., \"Going Deeper with Convolutions\", CVPR 2015 (arXiv 2014)",
        description: """
            A teaching example of the Inception module as GoogLeNet actually uses it: the same four \
            branches as the naive module, but 1x1 convolutions first shrink the channels before the \
            expensive 3x3 and 5x5 convolutions, and a 1x1 convolution after the max pool sets how \
            many channels the pool branch contributes. The 1x1 layers, Network In Network's idea, \
            cost little and control both the computation and the width of the concatenated output; \
            on this tiny 3-channel input the saving is small, but with 192 or 480 input channels it \
            is what made a 22-layer network affordable.
            """,
        defaultInput: TensorShape(channels: 3, height: 32, width: 32)
    ) { _ in
        let b = GraphBuilder("inception_reduced")
        let x = b.input()
        let branch1 = b.conv(x, "branch1", filters: 3, kernel: 1)
        let branch2 = b.block("branch2") {
            let y = b.conv(x, "0", filters: 2, kernel: 1)
            return b.conv(y, "1", filters: 3, kernel: 3, padding: .symmetric(1))
        }
        let branch3 = b.block("branch3") {
            let y = b.conv(x, "0", filters: 2, kernel: 1)
            return b.conv(y, "1", filters: 3, kernel: 5, padding: .symmetric(2))
        }
        let branch4 = b.block("branch4") {
            let y = b.maxPool(x, "0", kernel: 3, stride: 1, padding: .symmetric(1))
            return b.conv(y, "1", filters: 3, kernel: 1)
        }
        _ = b.concat([branch1, branch2, branch3, branch4])
        return b.build()
    }

    /// One 5x5 convolution (2 filters) on 3 channels: 152 parameters, receptive field 5.
    static let conv5x5 = ZooModel(
        name: "conv5x5", title: "One 5x5 convolution (course example)", year: 2014,
        paper: "Course example after Simonyan and Zisserman, \"Very Deep Convolutional Networks for Large-Scale Image Recognition\", ICLR 2015 (arXiv 2014)",
        description: """
            A teaching example for VGG's argument, to compare with conv3x3x2: a single 5x5 \
            convolution with 2 filters and a ReLU. Each output pixel sees a 5x5 patch of the input, \
            the 32x32 map shrinks to 28x28, and it costs 2x3x5x5 weights plus 2 biases, 152 \
            parameters, with one non-linearity.
            """,
        defaultInput: TensorShape(channels: 3, height: 32, width: 32)
    ) { _ in
        convStack("conv5x5", kernels: [5])
    }

    /// Two 3x3 convolutions: the same 5x5 field and 28x28 output as `conv5x5` with 94 parameters.
    static let conv3x3x2 = ZooModel(
        name: "conv3x3x2", title: "Two stacked 3x3 convolutions (course example)", year: 2014,
        paper: "Course example after Simonyan and Zisserman, \"Very Deep Convolutional Networks for Large-Scale Image Recognition\", ICLR 2015 (arXiv 2014)",
        description: """
            A teaching example for VGG's argument, to compare with conv5x5: two stacked 3x3 \
            convolutions with 2 filters, each followed by a ReLU. The second layer's pixels see a \
            5x5 patch of the input and the map ends at 28x28, exactly like the single 5x5 layer, but \
            the stack has 56 + 38 = 94 parameters instead of 152 and two non-linearities instead of \
            one.
            """,
        defaultInput: TensorShape(channels: 3, height: 32, width: 32)
    ) { _ in
        convStack("conv3x3x2", kernels: [3, 3])
    }

    /// Three 3x3 convolutions: receptive field 7 with 132 parameters.
    static let conv3x3x3 = ZooModel(
        name: "conv3x3x3", title: "Three stacked 3x3 convolutions (course example)", year: 2014,
        paper: "Course example after Simonyan and Zisserman, \"Very Deep Convolutional Networks for Large-Scale Image Recognition\", ICLR 2015 (arXiv 2014)",
        description: """
            A teaching example for VGG's argument: a third 3x3 convolution on top of conv3x3x2 grows \
            the receptive field to 7x7 for 38 more parameters, 132 in all, where a single 7x7 layer \
            with the same channels would need 2x3x7x7 + 2 = 296, and adds a third ReLU. Each extra \
            3x3 layer widens the field by 2 pixels, which is how VGG reaches large fields with small \
            kernels.
            """,
        defaultInput: TensorShape(channels: 3, height: 32, width: 32)
    ) { _ in
        convStack("conv3x3x3", kernels: [3, 3, 3])
    }
}

/// `conv1, relu1, conv2, relu2, ...`: 2-filter valid convolutions of the given kernel sizes.
private func convStack(_ name: String, kernels: [Int]) -> Graph {
    let b = GraphBuilder(name)
    var x = b.input()
    for (i, k) in kernels.enumerated() {
        x = b.conv(x, "conv\(i + 1)", filters: 2, kernel: Size2(k))
        x = b.relu(x, "relu\(i + 1)")
    }
    return b.build()
}
