/// Max or average pooling over a window, as `torch.nn.MaxPool2d` / `AvgPool2d` describe it.
public struct Pool2D: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case max, average
    }

    public var kind: Kind
    public var kernel: Size2
    public var stride: Size2
    public var padding: Padding
    /// PyTorch's `ceil_mode`: round the output size up, so a partial last window still counts.
    public var ceilMode: Bool
    /// Average pooling only: whether padded zeros count in the divisor (PyTorch's default true;
    /// Keras's "same" average pooling excludes them).
    public var countIncludePad: Bool

    public init(
        _ kind: Kind, kernel: Size2, stride: Size2? = nil, padding: Padding = .valid,
        ceilMode: Bool = false, countIncludePad: Bool = true
    ) {
        self.kind = kind
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }
}
