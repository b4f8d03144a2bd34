import CNNModel

extension Zoo {
    /// ZFNet: AlexNet with a 7x7/2 first convolution and a strided 5x5 second one, on one GPU
    /// (no groups); pools with `ceil_mode` so the maps are 110, 55, 26, 13, 13 and 6 pixels wide.
    static let zfnet = ZooModel(
        name: "zfnet", title: "ZFNet", year: 2013,
        paper: "Zeiler and Fergus, \"Visualizing and Understanding Convolutional Networks\", ECCV 2014 (arXiv 2013)",
        description: """
            The ImageNet 2013 winner, and the first paper to look inside a CNN: a deconvolutional \
            network projected each layer's strongest activations back to pixels, showing edges and \
            colours in layer 1 growing into textures, parts and whole objects deeper up. Those pictures \
            also exposed AlexNet's flaws, an 11x11 stride-4 first layer that aliased and left dead \
            filters, and the fix is this network: a 7x7 first convolution with stride 2 and a strided \
            5x5 second one, so early layers keep more detail. The rest (LRN, overlapping 3x3/2 pooling, \
            two dropout dense layers of 4096) follows AlexNet, without the two-GPU split. It showed \
            that visualisation can guide architecture design rather than trial and error alone.
            """,
        defaultInput: TensorShape(channels: 3, height: 224, width: 224), labels: .imagenet
    ) { _ in
        let b = GraphBuilder("zfnet")
        var x = b.input()
        b.block("features") {
            x = b.conv(x, "0", filters: 96, kernel: 7, stride: 2, padding: .symmetric(1))
            x = b.relu(x, "1")
            x = b.lrn(x, "2", size: 5, alpha: 1e-4, beta: 0.75, k: 2)
            x = b.maxPool(x, "3", kernel: 3, stride: 2, ceilMode: true)
            x = b.conv(x, "4", filters: 256, kernel: 5, stride: 2)
            x = b.relu(x, "5")
            x = b.lrn(x, "6", size: 5, alpha: 1e-4, beta: 0.75, k: 2)
            x = b.maxPool(x, "7", kernel: 3, stride: 2, ceilMode: true)
            x = b.conv(x, "8", filters: 384, kernel: 3, padding: .symmetric(1))
            x = b.relu(x, "9")
            x = b.conv(x, "10", filters: 384, kernel: 3, padding: .symmetric(1))
            x = b.relu(x, "11")
            x = b.conv(x, "12", filters: 256, kernel: 3, padding: .symmetric(1))
            x = b.relu(x, "13")
            x = b.maxPool(x, "14", kernel: 3, stride: 2, ceilMode: true)
        }
        _ = alexNetClassifier(b, b.flatten(x))
        return b.build()
    }
}
