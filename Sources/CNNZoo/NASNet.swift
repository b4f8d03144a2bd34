import CNNModel

extension Zoo {
    /// NASNet-A Mobile (4 @ 1056) as Keras builds it (`keras.applications.NASNetMobile`,
    /// `keras/src/applications/nasnet.py`) for its 224x224 input: a 3x3/2 stem conv, two reduction
    /// stem cells, three groups of four normal cells separated by two reduction cells, ReLU, global
    /// average pooling and a 1000-way softmax (5,326,716 parameters as Keras counts them, with the
    /// batchnorm moving statistics).
    ///
    /// Layer names are Keras's. A Keras `SeparableConv2D` is one layer; here it is two, named
    /// `<keras name>_depthwise` and `<keras name>_pointwise`, with the same parameters in total.
    /// Layers Keras leaves unnamed (ReLUs, the adjust path's padding and cropping, one add) get
    /// descriptive local names. Blocks follow Keras's cell ids: `stem_1`, `stem_2`, `cell_0` to
    /// `cell_3`, `reduce_4`, `cell_5` to `cell_8`, `reduce_8`, `cell_9` to `cell_12`.
    ///
    /// Keras fixes the zero padding before each stride-2 convolution and pooling from the map
    /// sizes (`correct_pad`); this graph uses the sizes of the 224x224 input, the only one Keras
    /// accepts with the classifier.
    static let nasnet_mobile = ZooModel(
        name: "nasnet_mobile", title: "NASNet-A Mobile", year: 2017,
        paper: "Zoph, Vasudevan, Shlens and Le, \"Learning Transferable Architectures for Scalable Image Recognition\", CVPR 2018 (arXiv 2017)",
        description: """
            The first ImageNet network whose building blocks were designed by a machine: a recurrent \
            controller trained with reinforcement learning searched, on CIFAR-10, for two cells, a \
            normal cell that keeps the map size and a reduction cell that halves it, each five pairs \
            of operations (separable convolutions, poolings, identities) combined by addition over the \
            two previous cells' outputs and concatenated. Stacking the same cells, more of them and \
            wider, transferred to ImageNet: this mobile version with 5.3 million parameters and about \
            564 million mult-adds beat the hand-designed MobileNet and ShuffleNet at equal cost, and \
            the large one beat the best human designs. Searching for a cell instead of a whole network \
            made architecture search affordable, and led to AmoebaNet, MnasNet and EfficientNet.
            """,
        defaultInput: TensorShape(channels: 3, height: 224, width: 224), labels: .imagenet
    ) { _ in
        let b = GraphBuilder("nasnet_mobile")
        let net = NASNetA(b)
        let input = NASNetA.Tensor(id: b.input(), channels: 3, size: 224)

        // NASNet(penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
        //        skip_reduction=False, filter_multiplier=2)
        let blocks = 4, multiplier = 2
        let filters = 1056 / 24
        var x = net.conv(input, "stem_conv1", filters: 32, kernel: 3, stride: 2, padding: .valid)
        x = net.batchNorm(x, "stem_bn1")

        var p: NASNetA.Tensor? = nil
        (x, p) = net.reductionCell(x, p, filters: filters / (multiplier * multiplier), id: "stem_1")
        (x, p) = net.reductionCell(x, p, filters: filters / multiplier, id: "stem_2")
        var cellFilters = filters
        for group in 0..<3 {
            if group > 0 {
                cellFilters *= multiplier
                // skip_reduction=False: the next normal cell's second input is the reduction
                // cell's own input, which `reductionCell` returns.
                (x, p) = net.reductionCell(x, p, filters: cellFilters, id: "reduce_\(group * blocks)")
            }
            for i in 0..<blocks {
                let id = group == 0 ? i : group * blocks + i + 1
                (x, p) = net.normalCell(x, p!, filters: cellFilters, id: "\(id)")
            }
        }

        x = net.relu(x, "relu")
        var y = b.globalAvgPool(x.id, "global_average_pooling2d", keepDims: false)
        y = b.dense(y, "predictions", 1000, inFeatures: x.channels)
        _ = b.activation(y, "predictions_softmax", .softmax)
        return b.build()
    }
}

/// Builds NASNet-A cells the way `keras/src/applications/nasnet.py` does, tracking channels and
/// (square) map sizes, which depthwise convolutions, `correct_pad` and `_adjust_block` need.
private struct NASNetA {
    struct Tensor {
        let id: Int
        let channels: Int
        let size: Int
    }

    let b: GraphBuilder

    init(_ b: GraphBuilder) {
        self.b = b
    }

    // MARK: Layers

    func conv(
        _ x: Tensor, _ name: String, filters: Int, kernel: Int, stride: Int = 1, padding: Padding = .same,
        groups: Int = 1
    ) -> Tensor {
        let id = b.conv(
            x.id, name, filters: filters, kernel: Size2(kernel), stride: Size2(stride),
            padding: padding, groups: groups, bias: false)
        return Tensor(id: id, channels: filters, size: outputSize(x.size, kernel: kernel, stride: stride, padding: padding))
    }

    /// Keras `BatchNormalization(momentum=0.9997, epsilon=1e-3)`: momentum 0.0003 in PyTorch's convention.
    func batchNorm(_ x: Tensor, _ name: String) -> Tensor {
        Tensor(id: b.batchNorm(x.id, name, epsilon: 1e-3, momentum: 0.0003), channels: x.channels, size: x.size)
    }

    func relu(_ x: Tensor, _ name: String) -> Tensor {
        Tensor(id: b.relu(x.id, name), channels: x.channels, size: x.size)
    }

    func zeroPad(_ x: Tensor, _ name: String, _ pad: Pad4) -> Tensor {
        Tensor(id: b.add(.zeroPad(pad), name, inputs: [x.id]), channels: x.channels, size: x.size + pad.top + pad.bottom)
    }

    func crop(_ x: Tensor, _ name: String, _ crop: Pad4) -> Tensor {
        Tensor(id: b.add(.crop(crop), name, inputs: [x.id]), channels: x.channels, size: x.size - crop.top - crop.bottom)
    }

    func avgPool(_ x: Tensor, _ name: String, kernel: Int, stride: Int, padding: Padding) -> Tensor {
        // Keras's "same" average pooling divides by the pixels inside the map only.
        let id = b.avgPool(
            x.id, name, kernel: Size2(kernel), stride: Size2(stride), padding: padding,
            countIncludePad: false)
        return Tensor(id: id, channels: x.channels, size: outputSize(x.size, kernel: kernel, stride: stride, padding: padding))
    }

    func maxPool(_ x: Tensor, _ name: String, kernel: Int, stride: Int) -> Tensor {
        let id = b.maxPool(x.id, name, kernel: Size2(kernel), stride: Size2(stride), padding: .valid)
        return Tensor(id: id, channels: x.channels, size: outputSize(x.size, kernel: kernel, stride: stride, padding: .valid))
    }

    /// Keras `layers.add`: a layer of its own, so a module here.
    func add(_ xs: [Tensor], _ name: String) -> Tensor {
        Tensor(id: b.sum(xs.map(\.id), name, module: true), channels: xs[0].channels, size: xs[0].size)
    }

    func concat(_ xs: [Tensor], _ name: String) -> Tensor {
        Tensor(id: b.concat(xs.map(\.id), name, module: true), channels: xs.reduce(0) { $0 + $1.channels }, size: xs[0].size)
    }

    private func outputSize(_ n: Int, kernel: Int, stride: Int, padding: Padding) -> Int {
        switch padding {
        case .same: return (n + stride - 1) / stride
        case .valid: return (n - kernel) / stride + 1
        case .explicit(let p): return (n + p.top + p.bottom - kernel) / stride + 1
        }
    }

    /// `imagenet_utils.correct_pad`: the zero padding before a stride-2 `valid` window of `kernel`
    /// on a map of `size` pixels, one pixel less at the top and left when the size is even.
    private func correctPad(_ size: Int, kernel: Int) -> Pad4 {
        let adjust = 1 - size % 2
        let correct = kernel / 2
        return Pad4(top: correct - adjust, bottom: correct, left: correct - adjust, right: correct)
    }

    // MARK: Blocks

    /// A Keras `SeparableConv2D(filters, kernel, use_bias=False)`: a depthwise conv followed by a
    /// 1x1 conv, as two layers.
    private func separableConv(_ x: Tensor, _ name: String, filters: Int, kernel: Int, stride: Int, padding: Padding) -> Tensor {
        let depthwise = conv(
            x, name + "_depthwise", filters: x.channels, kernel: kernel, stride: stride,
            padding: padding, groups: x.channels)
        return conv(depthwise, name + "_pointwise", filters: filters, kernel: 1, padding: .valid)
    }

    /// `_separable_conv_block`: [ReLU, separable conv, batchnorm] twice; the first conv has the
    /// stride, with `correct_pad` zero padding and a `valid` window when it is 2.
    private func separableConvBlock(
        _ ip: Tensor, filters: Int, kernel: Int, stride: Int = 1, id: String, local: String
    ) -> Tensor {
        b.block(local, type: "SeparableConvBlock") {
            var x = relu(ip, "relu_1")
            var padding = Padding.same
            if stride == 2 {
                x = zeroPad(x, "separable_conv_1_pad_\(id)", correctPad(x.size, kernel: kernel))
                padding = .valid
            }
            x = separableConv(x, "separable_conv_1_\(id)", filters: filters, kernel: kernel, stride: stride, padding: padding)
            x = batchNorm(x, "separable_conv_1_bn_\(id)")
            x = relu(x, "relu_2")
            x = separableConv(x, "separable_conv_2_\(id)", filters: filters, kernel: kernel, stride: 1, padding: .same)
            return batchNorm(x, "separable_conv_2_bn_\(id)")
        }
    }

    /// `_adjust_block`: makes the previous cell's output `p` match `ip` — when the map sizes differ,
    /// two 1x1/2 average poolings (the second shifted by one pixel through padding and cropping),
    /// each followed by a 1x1 conv to half the filters, concatenated; when only the channels
    /// differ, a 1x1 projection.
    private func adjust(_ p: Tensor?, _ ip: Tensor, filters: Int, id: String) -> Tensor {
        guard var p else { return ip }
        if p.size != ip.size {
            return b.block("adjust", type: "AdjustReductionBlock") {
                p = relu(p, "adjust_relu_1_\(id)")
                var p1 = avgPool(p, "adjust_avg_pool_1_\(id)", kernel: 1, stride: 2, padding: .valid)
                p1 = conv(p1, "adjust_conv_1_\(id)", filters: filters / 2, kernel: 1)
                var p2 = zeroPad(p, "zero_padding2d", Pad4(top: 0, bottom: 1, left: 0, right: 1))
                p2 = crop(p2, "cropping2d", Pad4(top: 1, bottom: 0, left: 1, right: 0))
                p2 = avgPool(p2, "adjust_avg_pool_2_\(id)", kernel: 1, stride: 2, padding: .valid)
                p2 = conv(p2, "adjust_conv_2_\(id)", filters: filters / 2, kernel: 1)
                let joined = concat([p1, p2], "concatenate")
                return batchNorm(joined, "adjust_bn_\(id)")
            }
        }
        if p.channels != filters {
            return b.block("adjust", type: "AdjustProjectionBlock") {
                p = relu(p, "relu")
                p = conv(p, "adjust_conv_projection_\(id)", filters: filters, kernel: 1)
                return batchNorm(p, "adjust_bn_\(id)")
            }
        }
        return p
    }

    // MARK: Cells

    /// `_normal_a_cell` (Fig. 4 of the paper, left): five additions over the 1x1-projected input
    /// `h` and the adjusted previous output `p`, concatenated with `p`. Returns the cell's output
    /// and its input (the next cell's `p`).
    func normalCell(_ ip: Tensor, _ previous: Tensor, filters: Int, id: String) -> (Tensor, Tensor?) {
        b.block("cell_\(id)", type: "NormalCell") {
            let p = adjust(previous, ip, filters: filters, id: id)
            var h = relu(ip, "relu")
            h = conv(h, "normal_conv_1_\(id)", filters: filters, kernel: 1)
            h = batchNorm(h, "normal_bn_1_\(id)")

            let x1_1 = separableConvBlock(h, filters: filters, kernel: 5, id: "normal_left1_\(id)", local: "normal_left1")
            let x1_2 = separableConvBlock(p, filters: filters, kernel: 3, id: "normal_right1_\(id)", local: "normal_right1")
            let x1 = add([x1_1, x1_2], "normal_add_1_\(id)")

            let x2_1 = separableConvBlock(p, filters: filters, kernel: 5, id: "normal_left2_\(id)", local: "normal_left2")
            let x2_2 = separableConvBlock(p, filters: filters, kernel: 3, id: "normal_right2_\(id)", local: "normal_right2")
            let x2 = add([x2_1, x2_2], "normal_add_2_\(id)")

            var x3 = avgPool(h, "normal_left3_\(id)", kernel: 3, stride: 1, padding: .same)
            x3 = add([x3, p], "normal_add_3_\(id)")

            let x4_1 = avgPool(p, "normal_left4_\(id)", kernel: 3, stride: 1, padding: .same)
            let x4_2 = avgPool(p, "normal_right4_\(id)", kernel: 3, stride: 1, padding: .same)
            let x4 = add([x4_1, x4_2], "normal_add_4_\(id)")

            var x5 = separableConvBlock(h, filters: filters, kernel: 3, id: "normal_left5_\(id)", local: "normal_left5")
            x5 = add([x5, h], "normal_add_5_\(id)")

            return (concat([p, x1, x2, x3, x4, x5], "normal_concat_\(id)"), ip)
        }
    }

    /// `_reduction_a_cell` (Fig. 4 of the paper, right): the same pattern with stride-2 separable
    /// convolutions and poolings, four sums concatenated. Returns the cell's output and its input.
    func reductionCell(_ ip: Tensor, _ previous: Tensor?, filters: Int, id: String) -> (Tensor, Tensor?) {
        b.block(id, type: "ReductionCell") {
            let p = adjust(previous, ip, filters: filters, id: id)
            var h = relu(ip, "relu")
            h = conv(h, "reduction_conv_1_\(id)", filters: filters, kernel: 1)
            h = batchNorm(h, "reduction_bn_1_\(id)")
            let h3 = zeroPad(h, "reduction_pad_1_\(id)", correctPad(h.size, kernel: 3))

            let x1_1 = separableConvBlock(h, filters: filters, kernel: 5, stride: 2, id: "reduction_left1_\(id)", local: "reduction_left1")
            let x1_2 = separableConvBlock(p, filters: filters, kernel: 7, stride: 2, id: "reduction_right1_\(id)", local: "reduction_right1")
            let x1 = add([x1_1, x1_2], "reduction_add_1_\(id)")

            let x2_1 = maxPool(h3, "reduction_left2_\(id)", kernel: 3, stride: 2)
            let x2_2 = separableConvBlock(p, filters: filters, kernel: 7, stride: 2, id: "reduction_right2_\(id)", local: "reduction_right2")
            let x2 = add([x2_1, x2_2], "reduction_add_2_\(id)")

            let x3_1 = avgPool(h3, "reduction_left3_\(id)", kernel: 3, stride: 2, padding: .valid)
            let x3_2 = separableConvBlock(p, filters: filters, kernel: 5, stride: 2, id: "reduction_right3_\(id)", local: "reduction_right3")
            let x3 = add([x3_1, x3_2], "reduction_add3_\(id)")

            var x4 = avgPool(x1, "reduction_left4_\(id)", kernel: 3, stride: 1, padding: .same)
            x4 = add([x2, x4], "add")

            let x5_1 = separableConvBlock(x1, filters: filters, kernel: 3, id: "reduction_left4_\(id)", local: "reduction_left4")
            let x5_2 = maxPool(h3, "reduction_right5_\(id)", kernel: 3, stride: 2)
            let x5 = add([x5_1, x5_2], "reduction_add4_\(id)")

            return (concat([x2, x3, x4, x5], "reduction_concat_\(id)"), ip)
        }
    }
}
