/// The shape of one sample's activation tensor, without the batch dimension:
/// `[C, H, W]` for feature maps, `[N]` for flat vectors (after flatten or dense).
///
/// Shapes are written `CxHxW`, as PyTorch and torchinfo print them.
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    public var dims: [Int]

    public init(_ dims: [Int]) {
        self.dims = dims
    }

    public init(channels: Int, height: Int, width: Int) {
        self.dims = [channels, height, width]
    }

    public init(features: Int) {
        self.dims = [features]
    }

    /// A feature map (`C x H x W`) rather than a flat vector.
    public var isSpatial: Bool { dims.count == 3 }

    /// Channels of a feature map, or the length of a flat vector.
    public var channels: Int { dims[0] }
    public var height: Int { isSpatial ? dims[1] : 1 }
    public var width: Int { isSpatial ? dims[2] : 1 }
    public var spatial: Size2 { Size2(height, width) }

    /// Number of elements, or nil when it does not fit in an `Int`.
    public var elementCount: Int? { checkedProduct(dims) }

    public var description: String {
        dims.map(String.init).joined(separator: "x")
    }

    /// Parses `CxHxW` (also `C,H,W` or `C H W`); returns nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(whereSeparator: { $0 == "x" || $0 == "X" || $0 == "," || $0 == " " })
        let values = parts.compactMap { Int($0) }
        guard values.count == parts.count, values.count == 3, values.allSatisfy({ $0 > 0 }) else {
            return nil
        }
        self.dims = values
    }
}
