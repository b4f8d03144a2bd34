import CNNModel

/// A tensor a model defines itself (rather than learns): the classic image kernels.
public struct ConstantTensor: Hashable, Sendable {
    public let shape: [Int]
    public let values: [Float]

    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }
}

extension Zoo {
    /// The kernels of the course notes on what a convolution does to an image, in output order.
    public static let classicKernels: [(name: String, weights: [Float])] = [
        ("identity", [0, 0, 0, 0, 1, 0, 0, 0, 0]),
        ("box blur", [Float](repeating: 1.0 / 9, count: 9)),
        ("sharpen", [0, -1, 0, -1, 5, -1, 0, -1, 0]),
        ("emboss", [-2, -1, 0, -1, 1, 1, 0, 1, 2]),
        ("outline", [-1, -1, -1, -1, 8, -1, -1, -1, -1]),
        ("Sobel x", [-1, 0, 1, -2, 0, 2, -1, 0, 1]),
        ("Sobel y", [-1, -2, -1, 0, 0, 0, 1, 2, 1]),
    ]

    static let filters = ZooModel(
        name: "filters", title: "Classic image kernels", year: 1968,
        paper: "Sobel and Feldman, \"A 3x3 Isotropic Gradient Operator for Image Processing\" (1968), and the image-kernel examples of the course notes",
        description: """
            Not a trained network: one convolution layer whose seven fixed 3x3 kernels are the ones \
            image processing used long before CNNs, so you can see what a kernel does to a picture: \
            identity, box blur (every weight 1/9), sharpen, emboss, outline, and the Sobel x and Sobel y \
            edge detectors. A CNN's first layer learns kernels that look much like these. Feed it any \
            sample (it sees a gray 64x64 version) and compare the seven maps.
            """,
        defaultInput: TensorShape(channels: 1, height: 64, width: 64),
        constants: ["conv.weight": ConstantTensor(shape: [7, 1, 3, 3], values: classicKernels.flatMap(\.weights))],
        channelNames: ["conv": classicKernels.map(\.name)]
    ) { _ in
        let b = GraphBuilder("filters")
        let x = b.input()
        _ = b.conv(x, "conv", filters: 7, kernel: 3, padding: .symmetric(1), bias: false)
        return b.build()
    }
}
