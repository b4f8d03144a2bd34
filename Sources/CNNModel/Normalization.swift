/// Batch normalization over channels (`BatchNorm2d`, or `BatchNorm1d` on a flat vector).
///
/// With `affine`, gamma and beta are trainable (2C); the running mean and variance are
/// non-trainable (2C), as Keras counts them.
public struct BatchNorm: Hashable, Sendable {
    public var epsilon: Double
    /// PyTorch's convention: the weight of the new batch in the running statistics (0.1 by
    /// default). Keras's `momentum=0.9997` is 0.0003 here.
    public var momentum: Double
    public var affine: Bool

    public init(epsilon: Double = 1e-5, momentum: Double = 0.1, affine: Bool = true) {
        self.epsilon = epsilon
        self.momentum = momentum
        self.affine = affine
    }
}

/// Local response normalization across channels (AlexNet, ZFNet, GoogLeNet v1), with PyTorch's
/// and Caffe's convention: `b = a / (k + alpha / size * sum(a^2))^beta` over `size` neighbouring
/// channels.
public struct LocalResponseNorm: Hashable, Sendable {
    public var size: Int
    public var alpha: Double
    public var beta: Double
    public var k: Double

    public init(size: Int, alpha: Double = 1e-4, beta: Double = 0.75, k: Double = 1) {
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k
    }
}

/// Layer normalization over the channels of each position: `(x - mean) / sqrt(var + epsilon)`
/// times a weight plus a bias per channel (PyTorch's `LayerNorm(C)` on a channels-last map).
public struct LayerNorm: Hashable, Sendable {
    public var epsilon: Double

    public init(epsilon: Double = 1e-5) {
        self.epsilon = epsilon
    }
}
