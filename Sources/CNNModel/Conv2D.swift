/// A 2-D convolution, as `torch.nn.Conv2d` describes it (input channels are inferred).
///
/// Depthwise convolution is `groups == input channels`; a Keras `SeparableConv2D` is a depthwise
/// conv followed by a 1x1 conv.
public struct Conv2D: Hashable, Sendable {
    public var filters: Int
    public var kernel: Size2
    public var stride: Size2
    public var padding: Padding
    public var dilation: Size2
    public var groups: Int
    public var bias: Bool

    public init(
        filters: Int, kernel: Size2, stride: Size2 = 1, padding: Padding = .valid,
        dilation: Size2 = 1, groups: Int = 1, bias: Bool = true
    ) {
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        self.bias = bias
    }

    /// The window's extent on the input, `dilation * (kernel - 1) + 1` per axis.
    public var span: Size2 {
        Size2(dilation.h * (kernel.h - 1) + 1, dilation.w * (kernel.w - 1) + 1)
    }
}

/// A fully connected layer (`torch.nn.Linear`, Keras `Dense`).
public struct Dense: Hashable, Sendable {
    public var outFeatures: Int
    /// The input size the layer was declared with (as `nn.Linear(in, out)`); nil to accept any.
    /// A mismatch is a shape error, as it is in PyTorch.
    public var inFeatures: Int?
    public var bias: Bool
    /// Applied to the channels at each position of a map (a `Linear` on a channels-last map, as
    /// in ConvNeXt; Keras's `Dense` on a 4-D tensor): a 1x1 convolution, counted as a linear layer.
    public var perPosition: Bool

    public init(outFeatures: Int, inFeatures: Int? = nil, bias: Bool = true, perPosition: Bool = false) {
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
        self.bias = bias
        self.perPosition = perPosition
    }
}
