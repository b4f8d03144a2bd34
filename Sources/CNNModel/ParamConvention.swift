/// Whose rules a parameter count follows. PyTorch's tools and Keras disagree on a batchnorm's
/// running mean and variance: buffers to PyTorch (not parameters, so not in torchinfo's
/// "Total params" nor in `sum(p.numel() for p in model.parameters())`), weights to Keras
/// (non-trainable ones, in `count_params()` and `model.summary()`'s "Total params"). A ResNet-50
/// has 25,557,032 parameters to torchinfo and 25,610,152 to Keras: 53,120 running statistics.
public enum ParamConvention: String, CaseIterable, Sendable {
    case torchinfo
    case keras

    /// The tool's name as its users write it.
    public var title: String {
        switch self {
        case .torchinfo: "torchinfo"
        case .keras: "Keras"
        }
    }

    /// What the count takes in, for footnotes.
    public var meaning: String {
        switch self {
        case .torchinfo: "the parameters (weights and biases; batchnorm's gamma and beta)"
        case .keras: "the weights, with batchnorm's running mean and variance as non-trainable ones"
        }
    }

    /// The parameters of a layer or block under this convention.
    public func params(_ cost: LayerCost) -> Int {
        self == .torchinfo ? cost.trainableParams : cost.params
    }

    /// The non-trainable ones among them: Keras's batchnorm statistics; none to torchinfo.
    public func nonTrainableParams(_ cost: LayerCost) -> Int {
        self == .torchinfo ? 0 : cost.nonTrainableParams
    }

    /// The other convention.
    public var other: ParamConvention { self == .torchinfo ? .keras : .torchinfo }
}

extension ModelAnalysis {
    /// The model's parameters under `convention`.
    public func params(_ convention: ParamConvention) -> Int {
        convention.params(LayerCost(trainableParams: trainableParams, nonTrainableParams: nonTrainableParams, macs: macs))
    }
}

extension LayerAnalysis {
    /// The layer's parameters under `convention`.
    public func params(_ convention: ParamConvention) -> Int { convention.params(cost) }
}
