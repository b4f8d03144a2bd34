import CNNModel

/// The parameter calculator: a form whose first field picks what to calculate, and whose other
/// fields are numbers edited by typing or stepped with ←→. Results follow every change.
public struct CalculatorScreenState: Sendable {
    public enum Mode: Int, CaseIterable, Sendable {
        case conv, dense, separable, bottleneck, head

        public var title: String {
            switch self {
            case .conv: return "Convolution"
            case .dense: return "Dense layer"
            case .separable: return "Depthwise-separable conv"
            case .bottleneck: return "1x1 bottleneck vs plain 3x3s"
            case .head: return "Flatten+dense vs global pooling"
            }
        }
    }

    public enum Field: String, Sendable {
        case mode, channels, height, width, kernel, filters, stride, padding, dilation, groups, bias
        case inFeatures, units, bottleneck

        public var label: String {
            switch self {
            case .mode: return "Calculate"
            case .channels: return "Input channels C"
            case .height: return "Input height H"
            case .width: return "Input width W"
            case .kernel: return "Kernel k"
            case .filters: return "Filters"
            case .stride: return "Stride"
            case .padding: return "Padding"
            case .dilation: return "Dilation"
            case .groups: return "Groups"
            case .bias: return "Bias"
            case .inFeatures: return "Input features"
            case .units: return "Units"
            case .bottleneck: return "Bottleneck width"
            }
        }
    }

    /// "same" padding is stored as -1.
    public static let samePadding = -1

    public private(set) var mode: Mode = .conv
    public private(set) var values: [Field: Int] = [
        .channels: 3, .height: 32, .width: 32, .kernel: 5, .filters: 4, .stride: 1, .padding: 0,
        .dilation: 1, .groups: 1, .bias: 1, .inFeatures: 25_088, .units: 4096, .bottleneck: 64,
    ]
    public private(set) var focused = 0
    /// Digits typed into the focused field, not yet committed.
    public private(set) var draft: String?

    public init() {}

    public var isEditing: Bool { draft != nil }

    /// Digits type into the focused field (rather than switch screens) when it holds a number.
    public var takesDigits: Bool { focusedField != .mode && focusedField != .bias }

    public var fields: [Field] {
        switch mode {
        case .conv: return [.mode, .channels, .height, .width, .kernel, .filters, .stride, .padding, .dilation, .groups, .bias]
        case .dense: return [.mode, .inFeatures, .units, .bias]
        case .separable: return [.mode, .channels, .height, .width, .kernel, .filters, .stride, .padding, .bias]
        case .bottleneck: return [.mode, .channels, .bottleneck, .height, .width]
        case .head: return [.mode, .channels, .height, .width, .units]
        }
    }

    public var focusedField: Field { fields[min(focused, fields.count - 1)] }

    public func value(_ field: Field) -> Int { values[field] ?? 0 }

    /// The field's value as shown: `same`, `yes`, the draft being typed.
    public func text(_ field: Field) -> String {
        if field == focusedField, let draft { return draft }
        switch field {
        case .mode: return mode.title
        case .bias: return value(.bias) != 0 ? "yes" : "no"
        case .padding: return value(.padding) == Self.samePadding ? "same" : String(value(.padding))
        default: return value(field).grouped
        }
    }

    // MARK: Keys

    public mutating func handle(_ key: Key) {
        if let current = draft {
            switch key {
            case .character(let c) where c.isNumber && current.count < 9: draft = current + String(c)
            case .backspace: draft = String(current.dropLast())
            case .enter, .tab, .down, .up:
                commit(current)
                if key == .down { move(1) }
                if key == .up { move(-1) }
            case .escape: draft = nil
            default: break
            }
            return
        }
        switch key {
        case .up, .character("k"): move(-1)
        case .down, .character("j"): move(1)
        case .left, .character("h"), .character("-"): step(-1)
        case .right, .character("l"), .character("+"), .character("="): step(1)
        case .enter, .character(" "):
            if focusedField == .bias || focusedField == .mode { step(1) }
        case .character("s") where focusedField == .padding: values[.padding] = Self.samePadding
        case .character(let c) where c.isNumber && focusedField != .mode && focusedField != .bias:
            draft = String(c)
        default: break
        }
    }

    private mutating func move(_ delta: Int) {
        focused = min(max(focused + delta, 0), fields.count - 1)
    }

    private mutating func commit(_ text: String) {
        draft = nil
        guard let n = Int(text) else { return }
        let field = focusedField
        let minimum = field == .padding ? 0 : 1
        values[field] = max(n, minimum)
    }

    /// ←→: the next or previous mode, bias on/off, or a number one up or down (channels and
    /// features double and halve).
    private mutating func step(_ delta: Int) {
        let field = focusedField
        switch field {
        case .mode:
            let count = Mode.allCases.count
            mode = Mode(rawValue: (mode.rawValue + delta + count) % count)!
            focused = 0
        case .bias:
            values[.bias] = value(.bias) == 0 ? 1 : 0
        case .padding:
            values[.padding] = max(value(.padding) + delta, Self.samePadding)
        case .channels, .filters, .inFeatures, .units, .bottleneck:
            let v = value(field)
            values[field] = delta > 0 ? min(v * 2, 1 << 24) : max(v / 2, 1)
        default:
            values[field] = max(value(field) + delta, 1)
        }
    }

    // MARK: Results

    /// One calculated layer, or the reason it is impossible.
    public struct Line: Sendable {
        public let title: String
        public let result: Calculator.Result?
        public let error: String?
    }

    var inputShape: TensorShape {
        TensorShape(channels: value(.channels), height: value(.height), width: value(.width))
    }

    var paddingValue: Padding {
        value(.padding) == Self.samePadding ? .same : .symmetric(value(.padding))
    }

    private func calc(_ title: String, _ op: Op, _ input: TensorShape) -> Line {
        do {
            return Line(title: title, result: try Calculator.layer(op, input: input), error: nil)
        } catch {
            return Line(title: title, result: nil, error: error.reason)
        }
    }

    private func conv(filters: Int, kernel: Int, stride: Int = 1, padding: Padding, groups: Int = 1) -> Op {
        .conv2d(Conv2D(filters: filters, kernel: Size2(kernel), stride: Size2(stride), padding: padding,
                       dilation: Size2(mode == .conv ? value(.dilation) : 1), groups: groups, bias: value(.bias) != 0))
    }

    /// The layers of the current calculation, each on the previous one's output where they chain.
    public var lines: [[Line]] {
        let x = inputShape
        switch mode {
        case .conv:
            return [[calc("Conv2D", conv(filters: value(.filters), kernel: value(.kernel), stride: value(.stride),
                                         padding: paddingValue, groups: value(.groups)), x)]]
        case .dense:
            let op = Op.dense(Dense(outFeatures: value(.units), bias: value(.bias) != 0))
            return [[calc("Dense", op, TensorShape(features: value(.inFeatures)))]]
        case .separable:
            let dw = calc("Depthwise \(value(.kernel))x\(value(.kernel))",
                          conv(filters: x.channels, kernel: value(.kernel), stride: value(.stride), padding: paddingValue, groups: x.channels), x)
            let pw = dw.result.map { calc("Pointwise 1x1", conv(filters: value(.filters), kernel: 1, padding: .valid), $0.output) }
            let standard = calc("Standard \(value(.kernel))x\(value(.kernel))",
                                conv(filters: value(.filters), kernel: value(.kernel), stride: value(.stride), padding: paddingValue), x)
            return [[dw] + (pw.map { [$0] } ?? []), [standard]]
        case .bottleneck:
            let c = value(.channels), b = value(.bottleneck)
            let reduce = calc("1x1 reduce \(c)->\(b)", conv(filters: b, kernel: 1, padding: .valid), x)
            let middle = reduce.result.map { calc("3x3 \(b)->\(b)", conv(filters: b, kernel: 3, padding: .symmetric(1)), $0.output) }
            let expand = middle?.result.map { calc("1x1 expand \(b)->\(c)", conv(filters: c, kernel: 1, padding: .valid), $0.output) }
            let first = calc("3x3 \(c)->\(c)", conv(filters: c, kernel: 3, padding: .symmetric(1)), x)
            let second = first.result.map { calc("3x3 \(c)->\(c)", conv(filters: c, kernel: 3, padding: .symmetric(1)), $0.output) }
            return [[reduce] + [middle, expand].compactMap { $0 }, [first] + [second].compactMap { $0 }]
        case .head:
            let units = value(.units)
            let flat = x.elementCount.map { TensorShape(features: $0) } ?? TensorShape(features: 0)
            let dense = Op.dense(Dense(outFeatures: units))
            return [[calc("Flatten \(x) -> dense \(units)", dense, flat)],
                    [calc("Global avg pool -> dense \(units)", dense, TensorShape(features: x.channels))]]
        }
    }

    /// Titles of the alternatives being compared (one for a single layer).
    public var alternatives: [String] {
        switch mode {
        case .conv: return ["Convolution"]
        case .dense: return ["Dense"]
        case .separable: return ["Depthwise-separable", "Standard convolution"]
        case .bottleneck: return ["Bottleneck 1x1-3x3-1x1", "Two plain 3x3"]
        case .head: return ["Flatten + dense", "Global average pooling + dense"]
        }
    }
}
