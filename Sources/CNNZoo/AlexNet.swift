import CNNModel

extension Zoo {
    /// AlexNet as the 2012 paper describes it (not torchvision's single-GPU variant): 96-256-384-384-256
    /// filters, local response normalization after the first two convolutions, and the two-GPU split
    /// kept as `groups=2` on conv2, conv4 and conv5 (60,965,224 parameters on a 3x227x227 input).
    static let alexnet = ZooModel(
        name: "alexnet", title: "AlexNet", year: 2012,
        paper: "Krizhevsky, Sutskever and Hinton, \"ImageNet Classification with Deep Convolutional Neural Networks\", NIPS 2012",
        description: """
            The network that won ImageNet 2012 by a wide margin and started the deep-learning era in \
            vision. It scaled LeNet's recipe up to 60 million parameters and made that trainable: ReLU \
            instead of tanh (several times faster to train), local response normalization (LRN) after \
            the first two convolutions, overlapping max pooling (3x3 windows with stride 2), and dropout \
            (p=0.5) in the two 4096-unit dense layers against overfitting. The model did not fit on one \
            3 GB GPU, so it was split across two: conv2, conv4 and conv5 only see the half of the \
            previous layer's maps on their own GPU, which is what groups=2 expresses here. About 96% of \
            the parameters sit in the three dense layers, while over 90% of the computation is in the \
            five convolutions.
            """,
        defaultInput: TensorShape(channels: 3, height: 227, width: 227), labels: .imagenet
    ) { _ in
        let b = GraphBuilder("alexnet")
        var x = b.input()
        b.block("features") {
            x = b.conv(x, "0", filters: 96, kernel: 11, stride: 4)
            x = b.relu(x, "1")
            x = b.lrn(x, "2", size: 5, alpha: 1e-4, beta: 0.75, k: 2)
            x = b.maxPool(x, "3", kernel: 3, stride: 2)
            x = b.conv(x, "4", filters: 256, kernel: 5, padding: .symmetric(2), groups: 2)
            x = b.relu(x, "5")
            x = b.lrn(x, "6", size: 5, alpha: 1e-4, beta: 0.75, k: 2)
            x = b.maxPool(x, "7", kernel: 3, stride: 2)
            x = b.conv(x, "8", filters: 384, kernel: 3, padding: .symmetric(1))
            x = b.relu(x, "9")
            x = b.conv(x, "10", filters: 384, kernel: 3, padding: .symmetric(1), groups: 2)
            x = b.relu(x, "11")
            x = b.conv(x, "12", filters: 256, kernel: 3, padding: .symmetric(1), groups: 2)
            x = b.relu(x, "13")
            x = b.maxPool(x, "14", kernel: 3, stride: 2)
        }
        _ = alexNetClassifier(b, b.flatten(x))
        return b.build()
    }
}

/// The 2012 classifier, shared with ZFNet: dropout, 9216 -> 4096, ReLU, dropout, 4096 -> 4096,
/// ReLU, 4096 -> 1000, as modules `classifier.0` ... `classifier.6`.
func alexNetClassifier(_ b: GraphBuilder, _ input: Int) -> Int {
    var x = input
    b.block("classifier") {
        x = b.dropout(x, "0", 0.5)
        x = b.dense(x, "1", 4096, inFeatures: 9216)
        x = b.relu(x, "2")
        x = b.dropout(x, "3", 0.5)
        x = b.dense(x, "4", 4096, inFeatures: 4096)
        x = b.relu(x, "5")
        x = b.dense(x, "6", 1000, inFeatures: 4096)
    }
    return x
}
