import CNNModel

extension Zoo {
    /// LeNet-5 with the paper's layer names (C1, S2, C3, S4, C5, F6, output), tanh activations and
    /// average-pooling subsampling; C3 fully connected to S2 (61,706 parameters).
    static let lenet5 = ZooModel(
        name: "lenet5", title: "LeNet-5", year: 1998,
        paper: "LeCun, Bottou, Bengio and Haffner, \"Gradient-Based Learning Applied to Document Recognition\", Proc. IEEE 1998",
        description: """
            The network that made convolutional nets practical: two rounds of 5x5 convolution and \
            subsampling learn local features with shared weights, then small fully connected layers \
            classify the digit. It read bank cheques in the 1990s and fixed the conv-pool-dense \
            pattern every later CNN builds on. This version keeps the paper's names (C1...F6) and tanh, \
            with C3 connected to all six S2 maps.
            """,
        defaultInput: TensorShape(channels: 1, height: 32, width: 32), labels: .digits,
        shippedWeights: "lenet5-mnist.safetensors"
    ) { _ in
        let b = GraphBuilder("lenet5")
        var x = b.input()
        x = b.conv(x, "c1", filters: 6, kernel: 5)
        x = b.activation(x, "act1", .tanh)
        x = b.avgPool(x, "s2", kernel: 2)
        x = b.conv(x, "c3", filters: 16, kernel: 5)
        x = b.activation(x, "act3", .tanh)
        x = b.avgPool(x, "s4", kernel: 2)
        x = b.conv(x, "c5", filters: 120, kernel: 5)
        x = b.activation(x, "act5", .tanh)
        x = b.flatten(x)
        x = b.dense(x, "f6", 84, inFeatures: 120)
        x = b.activation(x, "act6", .tanh)
        _ = b.dense(x, "output", 10, inFeatures: 84)
        return b.build()
    }
}
