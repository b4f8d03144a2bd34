import CNNModel

extension Zoo {
    /// Network In Network, the paper's CIFAR-10 model: three mlpconv blocks (a spatial convolution
    /// followed by two 1x1 convolutions), max then average pooling with dropout between blocks, and
    /// global average pooling over ten class maps instead of dense layers.
    static let nin = ZooModel(
        name: "nin", title: "Network In Network", year: 2013,
        paper: "Lin, Chen and Yan, \"Network In Network\", ICLR 2014 (arXiv 2013)",
        description: """
            Network In Network replaced the linear filter of a convolution with a small multilayer \
            perceptron slid over the image, the "mlpconv" layer: a normal convolution followed by two \
            1x1 convolutions with ReLUs, a micro network that mixes channels at every position and can \
            model more complex local patterns at little cost. Its second idea removed the dense \
            classifier altogether: the last mlpconv outputs one map per class, and global average \
            pooling turns each map into a score, so there are no 4096-wide layers to overfit and each \
            map reads as a confidence map for its class. Both ideas became standard equipment: 1x1 \
            convolutions are the bottlenecks of GoogLeNet and ResNet, and global average pooling ends \
            nearly every CNN since. This is the paper's CIFAR-10 model on 32x32 images.
            """,
        defaultInput: TensorShape(channels: 3, height: 32, width: 32), labels: .cifar10
    ) { _ in
        let b = GraphBuilder("nin")
        var x = b.input()
        x = mlpconv(b, x, "block1", [192, 160, 96], kernel: 5)
        x = b.maxPool(x, "pool1", kernel: 3, stride: 2, ceilMode: true)
        x = b.dropout(x, "drop1", 0.5)
        x = mlpconv(b, x, "block2", [192, 192, 192], kernel: 5)
        x = b.avgPool(x, "pool2", kernel: 3, stride: 2, ceilMode: true)
        x = b.dropout(x, "drop2", 0.5)
        x = mlpconv(b, x, "block3", [192, 192, 10], kernel: 3)
        x = b.adaptiveAvgPool(x, "gap", 1)
        _ = b.flatten(x)
        return b.build()
    }
}

/// An mlpconv layer: a k x k convolution followed by two 1x1 convolutions (the "micro network"),
/// each with a ReLU, as modules `0` ... `5` of a Sequential.
private func mlpconv(_ b: GraphBuilder, _ input: Int, _ name: String, _ filters: [Int], kernel: Int) -> Int {
    var x = input
    b.block(name) {
        for (i, f) in filters.enumerated() {
            let k = i == 0 ? kernel : 1
            x = b.conv(x, String(2 * i), filters: f, kernel: Size2(k), padding: .symmetric((k - 1) / 2))
            x = b.relu(x, String(2 * i + 1))
        }
    }
    return x
}
