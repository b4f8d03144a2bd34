/// The VGG argument: `n` stacked k x k convolutions (stride 1, "same" padding, C channels in and
/// out) see as far as one convolution of size `n(k-1)+1`, with fewer weights and more
/// non-linearities. Two 3x3 see 5x5 with 18C² + 2C instead of 25C² + C parameters.
public struct KernelStackComparison: Hashable, Sendable {
    public struct Side: Hashable, Sendable {
        /// How many convolutions, and their kernel size.
        public let count: Int
        public let kernel: Int
        public let receptiveField: Int
        public let params: Int
        public let macs: Int
        /// One ReLU after each convolution.
        public var nonLinearities: Int { count }
        /// The receptive field after each layer of the stack: 3, 5, 7 for three 3x3.
        public let growth: [Int]
        public let output: TensorShape
    }

    public let channels: Int
    public let size: Size2
    public let stack: Side
    public let single: Side

    /// Compares `count` k x k convolutions with the one kernel of equal receptive field.
    public init(count: Int, kernel: Int, channels: Int, size: Size2, bias: Bool = true) throws(AnalysisError) {
        guard count >= 1, kernel >= 1, channels >= 1 else {
            throw AnalysisError(layer: nil, op: nil, reason: "count, kernel and channels must be positive")
        }
        self.channels = channels
        self.size = size
        let input = TensorShape(channels: channels, height: size.h, width: size.w)
        self.stack = try Self.side(count: count, kernel: kernel, input: input, bias: bias)
        self.single = try Self.side(count: 1, kernel: count * (kernel - 1) + 1, input: input, bias: bias)
    }

    private static func side(count: Int, kernel: Int, input: TensorShape, bias: Bool) throws(AnalysisError) -> Side {
        let b = GraphBuilder("stack")
        var x = b.input()
        for i in 1...count {
            x = b.conv(x, "conv\(i)", filters: input.channels, kernel: Size2(kernel), padding: .same, bias: bias)
            x = b.relu(x, "relu\(i)")
        }
        let analysis = try ModelAnalysis(graph: b.build(), input: input)
        let convs = analysis.graph.layers.filter(\.op.isWeightLayer).map { analysis.layers[$0.id] }
        return Side(
            count: count, kernel: kernel,
            receptiveField: convs.last!.receptiveField.size.h,
            params: analysis.trainableParams, macs: analysis.macs,
            growth: convs.map(\.receptiveField.size.h),
            output: analysis.layers.last!.outputShape)
    }

    /// The classic pairs: one 5x5 against two 3x3, one 7x7 against three 3x3.
    public static func classic(channels: Int, size: Size2) throws(AnalysisError) -> [KernelStackComparison] {
        [
            try KernelStackComparison(count: 2, kernel: 3, channels: channels, size: size),
            try KernelStackComparison(count: 3, kernel: 3, channels: channels, size: size),
        ]
    }
}
