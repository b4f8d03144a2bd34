/// A pair of values for the two spatial axes, height first (as PyTorch's `(kH, kW)`).
public struct Size2: Hashable, Sendable, CustomStringConvertible {
    public var h: Int
    public var w: Int

    public init(_ h: Int, _ w: Int) {
        self.h = h
        self.w = w
    }

    /// The same value on both axes.
    public init(_ both: Int) {
        self.init(both, both)
    }

    public var isSquare: Bool { h == w }

    /// `3` for a square pair, `1x7` otherwise.
    public var description: String { isSquare ? "\(h)" : "\(h)x\(w)" }
}

extension Size2: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) {
        self.init(value)
    }
}

/// Padding on the four sides of a feature map, in pixels.
public struct Pad4: Hashable, Sendable, CustomStringConvertible {
    public var top: Int
    public var bottom: Int
    public var left: Int
    public var right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }

    /// The same padding on every side (PyTorch's `padding=p`).
    public init(_ all: Int) {
        self.init(top: all, bottom: all, left: all, right: all)
    }

    /// Symmetric padding per axis (PyTorch's `padding=(pH, pW)`).
    public init(h: Int, w: Int) {
        self.init(top: h, bottom: h, left: w, right: w)
    }

    public static let zero = Pad4(0)

    public var isZero: Bool { self == .zero }
    public var isSymmetric: Bool { top == bottom && left == right }
    public var isUniform: Bool { isSymmetric && top == left }

    /// `1`, `1x2`, or `t0 b1 l0 r1` for asymmetric padding.
    public var description: String {
        if isUniform { return "\(top)" }
        if isSymmetric { return "\(top)x\(left)" }
        return "t\(top) b\(bottom) l\(left) r\(right)"
    }
}

/// How a convolution or pooling window is padded.
public enum Padding: Hashable, Sendable, CustomStringConvertible {
    /// No padding.
    case valid
    /// TensorFlow/Keras "same": the output is `ceil(input / stride)`; when the total padding is odd,
    /// the extra pixel goes to the bottom and right (PyTorch's `padding="same"` agrees for stride 1).
    case same
    /// Explicit padding per side.
    case explicit(Pad4)

    /// PyTorch's `padding=p`.
    public static func symmetric(_ p: Int) -> Padding { .explicit(Pad4(p)) }

    /// The padding in pixels for an input of `input` pixels along one axis.
    /// - Parameters:
    ///   - span: the window's effective extent, `dilation * (kernel - 1) + 1`.
    func resolve(input: Size2, span: Size2, stride: Size2) -> Pad4 {
        switch self {
        case .valid:
            return .zero
        case .explicit(let pad):
            return pad
        case .same:
            func total(_ n: Int, _ k: Int, _ s: Int) -> Int {
                let out = (n + s - 1) / s
                return max((out - 1) * s + k - n, 0)
            }
            let th = total(input.h, span.h, stride.h)
            let tw = total(input.w, span.w, stride.w)
            return Pad4(top: th / 2, bottom: th - th / 2, left: tw / 2, right: tw - tw / 2)
        }
    }

    public var description: String {
        switch self {
        case .valid: return "valid"
        case .same: return "same"
        case .explicit(let pad): return pad.description
        }
    }
}
