/// What a layer computes. Shape, parameter, mult-add and receptive-field rules for each case
/// live in `Op+Shape.swift`, `Op+Cost.swift` and `Op+Window.swift`.
public enum Op: Hashable, Sendable {
    /// The graph's input; its shape is given when the graph is analysed.
    case input
    case conv2d(Conv2D)
    case batchNorm(BatchNorm)
    case localResponseNorm(LocalResponseNorm)
    /// Layer normalization over the channels at each position (ConvNeXt's `LayerNorm` on a
    /// channels-last map, over the features of a flat vector), with a per-channel weight and bias.
    case layerNorm(LayerNorm)
    /// Each channel times a weight of its own (ConvNeXt's layer scale; a division by a constant
    /// per channel, as an input normalization's `/ std`).
    case channelScale
    /// Each channel plus a value of its own (an input normalization's `- mean`, read from a file).
    case channelShift
    /// `x * scale + shift` with two fixed numbers (`(x - 0.5) / 0.25`): no parameters.
    case affine(scale: Double, shift: Double)
    case activation(Activation)
    case pool(Pool2D)
    /// Average over the whole map: `C x 1 x 1` with `keepDims` (PyTorch `AdaptiveAvgPool2d(1)`),
    /// a flat `C` without (Keras `GlobalAveragePooling2D`).
    case globalAvgPool(keepDims: Bool)
    /// The largest value of each channel over the whole map (Keras `GlobalMaxPooling2D`, ONNX
    /// `GlobalMaxPool`), shaped like `globalAvgPool`.
    case globalMaxPool(keepDims: Bool)
    /// PyTorch's `AdaptiveAvgPool2d(output)`.
    case adaptiveAvgPool(Size2)
    case flatten
    /// The same values in order under another shape of as many elements (PyTorch's `view`):
    /// a flat `C` as `C x 1 x 1` for a squeeze-and-excitation written with dense layers.
    case reshape(TensorShape)
    case dense(Dense)
    /// Dropout with probability p; identity at inference.
    case dropout(Double)
    /// Stochastic depth (drop path) with probability p; identity at inference.
    case stochasticDepth(Double)
    /// Concatenation along channels.
    case concat
    /// Element-wise sum (residual connections).
    case add
    /// Element-wise product with broadcasting over size-1 axes (squeeze-and-excitation scaling).
    case multiply
    /// The first input minus the second, of the same shape.
    case subtract
    /// Channels `start..<end` of the input (ShuffleNet's `chunk`, an ONNX `Split` along channels).
    case channelSlice(start: Int, end: Int)
    /// ShuffleNet's channel shuffle: the channels seen as `groups` rows, read column by column
    /// (channel `i * (C / groups) + j` goes to `j * groups + i`).
    case channelShuffle(groups: Int)
    case zeroPad(Pad4)
    /// Removes rows and columns from the sides (Keras `Cropping2D`).
    case crop(Pad4)
    case identity

    /// The class name torchinfo (or Keras, for ops PyTorch lacks) prints for this op.
    public var typeName: String {
        switch self {
        case .input: return "Input"
        case .conv2d: return "Conv2d"
        case .batchNorm: return "BatchNorm2d"
        case .localResponseNorm: return "LocalResponseNorm"
        case .layerNorm: return "LayerNorm"
        case .channelScale: return "LayerScale"
        case .channelShift: return "Shift"
        case .affine: return "Affine"
        case .activation(let a): return a.typeName
        case .pool(let p): return p.kind == .max ? "MaxPool2d" : "AvgPool2d"
        case .globalAvgPool: return "GlobalAvgPool2d"
        case .globalMaxPool: return "GlobalMaxPool2d"
        case .adaptiveAvgPool: return "AdaptiveAvgPool2d"
        case .flatten: return "Flatten"
        case .reshape: return "Reshape"
        case .dense: return "Linear"
        case .dropout: return "Dropout"
        case .stochasticDepth: return "StochasticDepth"
        case .concat: return "Concat"
        case .add: return "Add"
        case .multiply: return "Mul"
        case .subtract: return "Sub"
        case .channelSlice: return "ChannelSlice"
        case .channelShuffle: return "ChannelShuffle"
        case .zeroPad: return "ZeroPad2d"
        case .crop: return "Cropping2d"
        case .identity: return "Identity"
        }
    }

    /// The op with its settings, compactly: `conv 3x3/2 p1`, `maxpool 3/2 ceil`, `dense 4096`.
    /// (Whether a layer has a bias shows in its parameter formula.)
    public var summary: String {
        switch self {
        case .input: return "input"
        case .conv2d(let c):
            var text = "conv \(c.kernel.h)x\(c.kernel.w)"
            if c.stride != 1 { text += "/\(c.stride)" }
            switch c.padding {
            case .explicit(let p) where p.isZero: break
            case .valid: break
            case .same: text += " same"
            case .explicit(let p): text += " p\(p)"
            }
            if c.dilation != 1 { text += " d\(c.dilation)" }
            if c.groups > 1 { text += c.groups == c.filters ? " dw" : " g\(c.groups)" }
            return text
        case .batchNorm: return "batchnorm"
        case .localResponseNorm(let l): return "lrn \(l.size)"
        case .layerNorm: return "layernorm"
        case .channelScale: return "scale"
        case .channelShift: return "shift"
        case .affine(let scale, let shift):
            var text = "affine"
            if scale != 1 { text += " ×\(scale)" }
            if shift != 0 { text += shift < 0 ? " −\(-shift)" : " +\(shift)" }
            return text
        case .activation(let a): return a.shortName
        case .pool(let p):
            var text = (p.kind == .max ? "maxpool " : "avgpool ") + "\(p.kernel)"
            if p.stride != p.kernel { text += "/\(p.stride)" }
            switch p.padding {
            case .explicit(let pad) where pad.isZero: break
            case .valid: break
            case .same: text += " same"
            case .explicit(let pad): text += " p\(pad)"
            }
            if p.ceilMode { text += " ceil" }
            return text
        case .globalAvgPool: return "global avgpool"
        case .globalMaxPool: return "global maxpool"
        case .adaptiveAvgPool(let s): return "adaptive avgpool \(s.h)x\(s.w)"
        case .flatten: return "flatten"
        case .reshape(let shape): return "reshape \(shape)"
        case .dense(let d): return "dense \(d.outFeatures)" + (d.perPosition ? " per position" : "")
        case .dropout(let p): return "dropout \(formatFixed(p, digits: 2))"
        case .stochasticDepth(let p): return "drop path \(formatFixed(p, digits: 3))"
        case .concat: return "concat"
        case .add: return "add"
        case .multiply: return "multiply"
        case .subtract: return "subtract"
        case .channelSlice(let start, let end): return "channels \(start)..<\(end)"
        case .channelShuffle(let groups): return "shuffle \(groups) groups"
        case .zeroPad(let p): return "zeropad \(p)"
        case .crop(let p): return "crop \(p)"
        case .identity: return "identity"
        }
    }

    /// Convolutions and dense layers: the layers that "depth" counts (16 for VGG16, 50 for ResNet-50).
    public var isWeightLayer: Bool {
        switch self {
        case .conv2d, .dense: return true
        default: return false
        }
    }

    /// Ops that join several inputs.
    public var isMerge: Bool {
        switch self {
        case .concat, .add, .multiply, .subtract: return true
        default: return false
        }
    }
}
