import CNNModel

/// cnn-tui's own model file (`*.cnn`): a network written by hand, without Python, one layer per
/// line. `cnn-tui export MODEL --format model` writes any model in it; reading it back gives the
/// same graph.
///
/// ```
/// # The course notes' naive Inception module
/// model "Inception (naive)"
/// input 3x32x32
/// branch1: conv filters=4 kernel=1 < input
/// branch2: conv filters=4 kernel=3 padding=1 < input
/// branch3: conv filters=4 kernel=5 padding=2 < input
/// branch4: maxpool pool=3 stride=1 padding=1 < input
/// cat: concat < branch1, branch2, branch3, branch4
/// ```
///
/// - A layer is `NAME: KIND key=value ...`, reading the layer on the line before unless
///   `< NAME, NAME` says which (the input is `input`).
/// - `block NAME TYPE {` ... `}` groups layers (a ResNet's `layer1`, a `BasicBlock`); names inside
///   are local to it (`conv1` in `layer1.0` is `layer1.0.conv1`), and a reference is looked up
///   in the current block, then outwards, then as a full name; `/relu` is the full name only
///   (the top-level `relu`, not the block's own).
/// - Kinds: `conv` (filters, kernel, stride, padding, dilation, groups, bias), `dense` (units,
///   in, bias), `batchnorm` (eps, momentum, affine), `lrn` (size, alpha, beta, k), `maxpool` /
///   `avgpool` (pool, stride, padding, ceil, count_include_pad), `globalavgpool` /
///   `globalmaxpool` (keepdims), `leakyrelu` (slope, 0.01 by default), `affine` (scale, shift:
///   `x * scale + shift`), `shift` and `scale` (a value per channel), `subtract` (two inputs),
///   `slice` (start, end: channels `start..<end`), `shuffle` (groups: ShuffleNet's channel shuffle),
///   `adaptiveavgpool` (size), `flatten`, `reshape` (shape: `64x1x1`), `dropout` / `droppath` (rate), `concat`, `add`,
///   `multiply`, `zeropad` / `crop` (padding), `identity`, and the activations `relu`, `relu6`,
///   `sigmoid`, `tanh`, `silu`, `hardswish`, `hardsigmoid`, `softmax`.
/// - Sizes are `3` or `3x5`; padding is `valid`, `same`, `1`, `1x2` (height, width) or
///   `t1,b2,l0,r1`. A layer that is a framework module's call gets `module`, a functional op
///   (`torch.cat`) `functional`, where that differs from the kind's usual.
/// - `#` starts a comment.
public enum ModelText {
    /// The kinds whose layers are functional unless marked `module` (flatten, concat, add, ...).
    static let functionalKinds: Set<String> = ["flatten", "reshape", "concat", "add", "multiply", "subtract", "affine", "slice", "shuffle"]

    static let activations: [(String, Activation)] = [
        ("relu", .relu), ("relu6", .relu6), ("sigmoid", .sigmoid), ("tanh", .tanh), ("silu", .silu),
        ("hardswish", .hardSwish), ("hardsigmoid", .hardSigmoid), ("softmax", .softmax), ("gelu", .gelu),
    ]

    /// `3` or `3x5`.
    static func size(_ s: Size2) -> String { s.h == s.w ? "\(s.h)" : "\(s.h)x\(s.w)" }

    /// `valid`, `same`, `1`, `1x2` or `t1,b2,l0,r1`.
    static func padding(_ p: Padding) -> String {
        switch p {
        case .valid: return "valid"
        case .same: return "same"
        case .explicit(let pad): return pad4(pad)
        }
    }

    static func pad4(_ pad: Pad4) -> String {
        if pad.isUniform { return "\(pad.top)" }
        if pad.isSymmetric { return "\(pad.top)x\(pad.left)" }
        return "t\(pad.top),b\(pad.bottom),l\(pad.left),r\(pad.right)"
    }

    /// A number as Swift writes it shortest (reads back to the same Double).
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
