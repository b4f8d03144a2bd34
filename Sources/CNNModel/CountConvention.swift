/// The counting tools whose totals people compare, and each one's rules: what a "FLOP" or a
/// "MAC" is to it, and which layers it counts. Read from the tools' installed sources (torchinfo
/// 1.8.0, fvcore 0.1.5, ptflops 0.7.5 with its default pytorch backend, thop 0.1.1, torchscan
/// 0.2.0) and checked against what each prints for every zoo model (Tests/Fixtures/counting).
///
/// All of them count per call (a ReLU module that runs three times in a ResNet bottleneck counts
/// three times) and include the batch (these counts are for one sample).
public enum CountConvention: String, CaseIterable, Sendable {
    /// torchinfo's "Total mult-adds": a convolution's weights and bias times the output positions,
    /// any other module's parameters once (a dense layer's `in*out + out`, a batchnorm's `2C`).
    case torchinfo
    /// fvcore's `FlopCountAnalysis(...).total()`, whose "flop" is one multiply-add: convolutions
    /// and matrix products without their bias, a batchnorm `2` per element, an adaptive average
    /// pool `1` per input element; everything else (ReLU, pooling, adds) is 0.
    case fvcore
    /// ptflops' `get_model_complexity_info(..., backend="pytorch")` MACs: module hooks (a
    /// convolution with its bias, a ReLU or pool one per element) plus the `torch.nn.functional`
    /// calls it patches, which `nn.ReLU` and the pooling modules make themselves, so those count
    /// twice.
    case ptflops
    /// thop's `profile(...)` MACs: convolutions and dense layers without bias, a batchnorm `4` per
    /// element, an average pool `1` per output; functional calls and unknown modules are 0.
    case thop
    /// torch-scan's `crawl_module` (`summary`): FLOPs, MACs and DMAs (memory accesses) of leaf
    /// modules; functional calls are not seen, and a module it has no formula for (SiLU, LRN,
    /// Hardswish, Softmax) makes the total "partial".
    case torchscan
    /// The papers' rule: the multiply-adds of the convolutions' and dense layers' weights, no
    /// bias, nothing else (what ResNet's "FLOPs", MobileNetV2's "MAdds" and GoogLeNet's
    /// "multiply-adds" count).
    case paper

    /// The tool's name as its users write it.
    public var title: String {
        switch self {
        case .torchinfo: "torchinfo"
        case .fvcore: "fvcore"
        case .ptflops: "ptflops"
        case .thop: "thop"
        case .torchscan: "torch-scan"
        case .paper: "paper"
        }
    }

    /// The version whose rules these are.
    public var version: String {
        switch self {
        case .torchinfo: "1.8.0"
        case .fvcore: "0.1.5"
        case .ptflops: "0.7.5"
        case .thop: "0.1.1"
        case .torchscan: "0.2.0"
        case .paper: ""
        }
    }

    /// The call whose total the convention reproduces.
    public var call: String {
        switch self {
        case .torchinfo: "summary(model, input_size) \"Total mult-adds\""
        case .fvcore: "FlopCountAnalysis(model, x).total()"
        case .ptflops: "get_model_complexity_info(model, shape, backend=\"pytorch\") MACs"
        case .thop: "profile(model, inputs=(x,)) MACs"
        case .torchscan: "crawl_module(model, shape): FLOPs, MACs, DMAs"
        case .paper: "multiply-adds of convolutions and dense layers, without bias"
        }
    }

    /// What the tool reports: torch-scan three quantities, the others one.
    public var quantities: [CountQuantity] {
        self == .torchscan ? [.flops, .macs, .dmas] : [.macs]
    }

    /// The name the tool gives its main number.
    public var quantityName: String {
        switch self {
        case .torchinfo: "mult-adds"
        case .fvcore: "flops (multiply-adds)"
        case .ptflops, .thop: "MACs"
        case .torchscan: "FLOPs"
        case .paper: "multiply-adds"
        }
    }
}

/// One of the quantities a tool reports.
public enum CountQuantity: String, CaseIterable, Sendable {
    /// Multiply-adds (what every tool but torch-scan's FLOPs reports, whatever it calls them).
    case macs
    /// torch-scan's floating-point operations: about two per multiply-add.
    case flops
    /// torch-scan's direct memory accesses: elements read and written.
    case dmas

    public var title: String {
        switch self {
        case .macs: "MACs"
        case .flops: "FLOPs"
        case .dmas: "DMAs"
        }
    }
}

/// A layer's counts under one convention.
public struct LayerCount: Hashable, Sendable {
    public var macs = 0
    public var flops = 0
    public var dmas = 0
    /// Whether the tool has a rule for the layer. Without one it counts 0 and says so: fvcore
    /// lists the op among its "unsupported operators", torch-scan marks its total "partial".
    public var supported = true

    public init(macs: Int = 0, flops: Int = 0, dmas: Int = 0, supported: Bool = true) {
        (self.macs, self.flops, self.dmas, self.supported) = (macs, flops, dmas, supported)
    }

    public subscript(quantity: CountQuantity) -> Int {
        switch quantity {
        case .macs: macs
        case .flops: flops
        case .dmas: dmas
        }
    }

    public static let zero = LayerCount()
}

/// PyTorch module settings that change a count and that the graph does not hold: torch-scan
/// counts an in-place ReLU's or dropout's output as no memory access.
public struct TorchModuleFlags: Hashable, Sendable {
    /// `nn.ReLU(inplace=True)`, `nn.ReLU6(inplace=True)` (torchvision's almost everywhere).
    public var inplaceActivations: Bool
    /// `nn.Dropout(inplace=True)` (torchvision's EfficientNet).
    public var inplaceDropout: Bool
    /// Modules, by the end of their name, that are not in place where the rest are
    /// (`se.activation`: torchvision's `SqueezeExcitation` makes a plain `nn.ReLU()`).
    public var notInplace: [String]

    public init(inplaceActivations: Bool = false, inplaceDropout: Bool = false, notInplace: [String] = []) {
        self.inplaceActivations = inplaceActivations
        self.inplaceDropout = inplaceDropout
        self.notInplace = notInplace
    }

    /// Whether `layer`, an activation or a dropout, runs in place.
    func isInplace(_ layer: Layer) -> Bool {
        let flag = if case .dropout = layer.op { inplaceDropout } else { inplaceActivations }
        return flag && !notInplace.contains { layer.name.hasSuffix($0) }
    }
}

extension CountConvention {
    /// The counts of one call of `layer`, or nil when these rules do not model how the tool
    /// counts the layer's op (for ops no zoo model has, such as LayerNorm).
    public func count(_ layer: Layer, _ a: LayerAnalysis, flags: TorchModuleFlags = TorchModuleFlags()) -> LayerCount? {
        let input = a.inputShapes.first ?? a.outputShape
        let (inCount, outCount) = (input.elementCount ?? 0, a.outputShape.elementCount ?? 0)
        // Every formula below is a small multiple of these: far from overflowing under the limit.
        guard inCount < Self.limit, outCount < Self.limit, a.macs < Self.limit else { return nil }
        if case .dense(let d) = layer.op, d.perPosition, self != .torchinfo { return nil }
        let isModule = layer.module != nil
        switch self {
        case .torchinfo:
            return LayerCount(macs: a.macs)
        case .fvcore:
            return Self.fvcore(layer.op, a, in: inCount)
        case .ptflops:
            return Self.ptflops(layer.op, a, in: inCount, out: outCount, module: isModule)
        case .thop:
            return Self.thop(layer.op, a, input: input, in: inCount, out: outCount, module: isModule)
        case .torchscan:
            return isModule ? Self.torchscan(layer.op, a, input: input, in: inCount, out: outCount, inplace: flags.isInplace(layer)) : .zero
        case .paper:
            return LayerCount(macs: Self.weightProducts(layer.op, a))
        }
    }

    /// The largest element and multiply-add count the formulas take (their small multiples stay
    /// far from overflowing).
    static let limit = Int.max / 64

    /// A convolution's or dense layer's multiply-adds without the bias: weights times positions.
    static func weightProducts(_ op: Op, _ a: LayerAnalysis) -> Int {
        switch op {
        case .conv2d(let c):
            let weights = a.trainableParams - (c.bias ? a.outputShape.channels : 0)
            return weights * a.outputShape.height * a.outputShape.width
        case .dense(let d):
            return a.trainableParams - (d.bias ? d.outFeatures : 0)
        default:
            return 0
        }
    }

    private static func fvcore(_ op: Op, _ a: LayerAnalysis, in inCount: Int) -> LayerCount? {
        switch op {
        case .conv2d, .dense: return LayerCount(macs: weightProducts(op, a))
        case .batchNorm(let bn): return LayerCount(macs: inCount * (bn.affine ? 2 : 1))
        case .adaptiveAvgPool, .globalAvgPool: return LayerCount(macs: inCount)
        // Ops fvcore skips on purpose: relu, cat, dropout, flatten and views.
        case .input, .activation(.relu), .concat, .dropout, .flatten, .reshape, .identity, .stochasticDepth:
            return .zero
        // Traced ops without a handle: 0, listed among its unsupported operators.
        case .activation(.relu6), .activation(.sigmoid), .activation(.tanh), .activation(.silu), .activation(.hardSwish),
            .activation(.hardSigmoid), .activation(.softmax), .pool, .localResponseNorm, .add, .multiply:
            return LayerCount(supported: false)
        default:
            return nil
        }
    }

    private static func ptflops(_ op: Op, _ a: LayerAnalysis, in inCount: Int, out outCount: Int, module: Bool) -> LayerCount? {
        // A module's hook, plus what the functional calls it patches count wherever they run.
        switch op {
        case .conv2d(let c): return LayerCount(macs: weightProducts(op, a) + (c.bias ? outCount : 0))
        case .dense(let d): return LayerCount(macs: weightProducts(op, a) + (d.bias ? d.outFeatures : 0))
        case .batchNorm(let bn): return LayerCount(macs: inCount * (bn.affine ? 2 : 1))
        // nn.ReLU: its hook (the output) and the F.relu it calls (the input); F.relu alone once.
        case .activation(.relu): return LayerCount(macs: (module ? outCount : 0) + inCount)
        // nn.ReLU6 calls F.hardtanh, which is not patched: the hook only.
        case .activation(.relu6): return LayerCount(macs: module ? outCount : inCount)
        // No hook for these modules; F.silu and F.softmax are patched.
        case .activation(.silu), .activation(.softmax): return LayerCount(macs: inCount)
        case .activation(.sigmoid), .activation(.tanh), .activation(.hardSwish), .activation(.hardSigmoid): return .zero
        case .pool, .adaptiveAvgPool, .globalAvgPool: return LayerCount(macs: (module ? inCount : 0) + inCount)
        case .localResponseNorm(let lrn):
            // F.local_response_norm: two Tensor.mul and a Tensor.add over the input, and
            // F.avg_pool3d over the input padded to C + size - 1 channels.
            let input = a.inputShapes.first ?? a.outputShape
            guard let padded = checkedProduct([input.channels + lrn.size - 1, input.height, input.width]), padded < Self.limit else { return nil }
            return LayerCount(macs: 3 * inCount + padded)
        // Python operators (`+`, `+=`, `*`), torch.cat and views are not patched.
        case .input, .concat, .add, .multiply, .dropout, .flatten, .reshape, .identity, .stochasticDepth: return .zero
        default: return nil
        }
    }

    private static func thop(
        _ op: Op, _ a: LayerAnalysis, input: TensorShape, in inCount: Int, out outCount: Int, module: Bool
    ) -> LayerCount? {
        guard module else { return .zero }  // thop sees modules only
        switch op {
        case .conv2d, .dense: return LayerCount(macs: weightProducts(op, a))
        case .batchNorm(let bn): return LayerCount(macs: inCount * (bn.affine ? 4 : 2))
        case .pool(let p) where p.kind == .average: return LayerCount(macs: outCount)
        case .adaptiveAvgPool, .globalAvgPool:
            // int((Hin/Hout · Win/Wout + 1) · out), in doubles as thop computes it.
            let kernel = Double(input.height) / Double(a.outputShape.height) * (Double(input.width) / Double(a.outputShape.width))
            let macs = (kernel + 1) * Double(outCount)
            guard macs < Double(Self.limit) else { return nil }
            return LayerCount(macs: Int(macs))
        case .activation(.softmax):
            let n = input.channels
            return LayerCount(macs: inCount / n * (3 * n - 1))
        case .input, .pool, .activation, .localResponseNorm, .dropout, .flatten, .identity, .concat, .add, .multiply, .reshape,
            .stochasticDepth:
            return .zero
        default:
            return nil
        }
    }

    private static func torchscan(
        _ op: Op, _ a: LayerAnalysis, input: TensorShape, in inCount: Int, out outCount: Int, inplace: Bool
    ) -> LayerCount? {
        switch op {
        case .conv2d(let c):
            // in_channels·prod(kernel)·out, then // groups, as torch-scan writes it.
            let macs = weightProducts(op, a), cinK = input.channels * c.kernel.h * c.kernel.w
            guard let read = checkedProduct([cinK, outCount]), read < Self.limit else { return nil }
            return LayerCount(
                macs: macs, flops: outCount * (2 * cinK / c.groups - 1 + (c.bias ? 1 : 0)),
                dmas: read / c.groups + a.trainableParams + outCount)
        case .dense(let d):
            let inFeatures = d.inFeatures ?? inCount
            return LayerCount(
                macs: inFeatures * outCount, flops: outCount * (2 * inFeatures - 1) + (d.bias ? outCount : 0),
                dmas: inCount + a.trainableParams + outCount)
        case .batchNorm(let bn):
            let c = input.channels
            return LayerCount(
                macs: inCount * (bn.affine ? 2 : 1), flops: 2 * c + 2 * inCount + (bn.affine ? 2 * inCount : 0),
                dmas: inCount + 1 + 2 * c + (bn.affine ? 2 * c : 0) + 1 + outCount)
        case .activation(let kind):
            let written = inplace ? 0 : outCount
            switch kind {
            case .relu: return LayerCount(flops: inCount, dmas: inCount + written)
            case .relu6: return LayerCount(flops: 2 * inCount, dmas: inCount + written)
            case .sigmoid: return LayerCount(flops: 4 * inCount, dmas: inCount + outCount)
            case .tanh: return LayerCount(flops: 6 * inCount, dmas: 2 * inCount + outCount)
            case .silu, .hardSwish, .hardSigmoid, .softmax, .gelu: return LayerCount(supported: false)
            case .leakyRelu: return nil
            }
        case .pool(let p):
            // The kernel as torch-scan reads it: an int kernel_size (PyTorch keeps `3` as given) is
            // not squared in FLOPs and MACs, only in DMAs.
            let k = p.kernel.h == p.kernel.w ? p.kernel.h : p.kernel.h * p.kernel.w
            guard let count = checkedProduct([outCount, k - 1 + (p.kind == .average ? 2 : 0)]), count < Self.limit,
                let read = checkedProduct([p.kernel.h, p.kernel.w, outCount]), read < Self.limit
            else { return nil }
            return LayerCount(macs: count, flops: count, dmas: read + outCount)
        case .adaptiveAvgPool, .globalAvgPool:
            func side(_ i: Int, _ o: Int) -> Int { i % o == 0 ? i / o : i % o + 1 }
            let k = side(input.height, a.outputShape.height) * side(input.width, a.outputShape.width)
            guard let count = checkedProduct([outCount, k + 1]), count < Self.limit else { return nil }
            return LayerCount(macs: count, flops: count, dmas: count)
        case .dropout(let p):
            return LayerCount(flops: p > 0 ? inCount : 0, dmas: inCount + 1 + (inplace ? 0 : outCount))
        case .identity: return LayerCount(dmas: inCount)
        case .flatten: return LayerCount(dmas: 2 * inCount)
        case .localResponseNorm, .stochasticDepth: return LayerCount(supported: false)
        case .input, .concat, .add, .multiply, .reshape: return .zero
        default: return nil
        }
    }
}
