import CNNModel

/// An activation that is a clamp, `min(max(x, lower), upper)` (ReLU, ReLU6), so that the layer
/// before it can apply it while writing its output instead of in a pass of its own.
public struct ActivationClamp: Hashable, Sendable {
    public var lower: Float
    public var upper: Float

    public static let identity = ActivationClamp(lower: -.infinity, upper: .infinity)
    public static let relu = ActivationClamp(lower: 0, upper: .infinity)
    public static let relu6 = ActivationClamp(lower: 0, upper: 6)

    /// The clamp an activation is, or nil when it is not one.
    public init?(_ activation: Activation) {
        switch activation {
        case .relu: self = .relu
        case .relu6: self = .relu6
        default: return nil
        }
    }

    public init(lower: Float, upper: Float) {
        self.lower = lower
        self.upper = upper
    }

    public var isIdentity: Bool { self == .identity }
}
