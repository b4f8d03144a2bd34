import CNNModel

/// The parameter calculator: a form whose first field picks what to calculate, and whose other
/// fields are numbers edited by typing or stepped with ←→. Results follow every keystroke, the
/// number being typed included.
public struct CalculatorScreenState: Sendable {
    public enum Mode: Int, CaseIterable, Sendable {
        case conv, dense, separable, bottleneck, head

        /// The results' title.
        public var title: String {
            switch self {
            case .conv: return "Convolution"
            case .dense: return "Dense layer"
            case .separable: return "Depthwise-separable conv"
            case .bottleneck: return "1x1 bottleneck vs plain 3x3s"
            case .head: return "Flatten+dense vs global pooling"
            }
        }

        /// The form's short name, short enough for the first field at 80 columns.
        public var name: String {
            switch self {
            case .conv: return "Convolution"
            case .dense: return "Dense layer"
            case .separable: return "Separable conv"
            case .bottleneck: return "1x1 bottleneck"
            case .head: return "Flatten/pool"
            }
        }

        /// Where each calculation starts: the course's first convolution, VGG16's first dense
        /// layer, ResNet's stage-1 bottleneck (256 channels, 64 wide, 56x56), VGG16's 512x7x7 head.
        var startingValues: [Field: Int] {
            switch self {
            case .conv:
                return [
                    .channels: 3, .height: 32, .width: 32, .kernel: 5, .filters: 4, .stride: 1, .padding: 0,
                    .dilation: 1, .groups: 1, .bias: 1,
                ]
            case .dense: return [.inFeatures: 25_088, .units: 4096, .bias: 1]
            case .separable:
                return [.channels: 3, .height: 32, .width: 32, .kernel: 5, .filters: 4, .stride: 1, .padding: 0, .bias: 1]
            case .bottleneck: return [.channels: 256, .bottleneck: 64, .height: 56, .width: 56, .bias: 1]
            case .head: return [.channels: 512, .height: 7, .width: 7, .units: 4096]
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

        /// Digits type into the field (rather than switch screens).
        public var holdsNumber: Bool { self != .mode && self != .bias }

        /// The smallest number the field takes: padding may be 0, every other count is at least 1.
        var minimum: Int { self == .padding ? 0 : 1 }

        /// Counts of channels and features step along 1 2 ... 7 8 16 32 ...; sizes and kernels by one.
        var doubles: Bool { [.channels, .filters, .inFeatures, .units, .bottleneck].contains(self) }
    }

    /// "same" padding is stored as -1.
    public static let samePadding = -1
    /// The largest count ←→ step to.
    static let largestStep = 1 << 24

    public private(set) var mode: Mode = .conv
    /// Each mode's form keeps its own numbers.
    private var forms: [Mode: [Field: Int]] = Dictionary(uniqueKeysWithValues: Mode.allCases.map { ($0, $0.startingValues) })
    public private(set) var focused = 0
    /// Digits typed into the focused field, not yet kept (the results already use them).
    public private(set) var draft: String?

    public init() {}

    public var isEditing: Bool { draft != nil }

    /// Digits type into the focused field (rather than switch screens) when it holds a number.
    public var takesDigits: Bool { focusedField.holdsNumber }

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

    /// The field's kept value (not the draft).
    public func value(_ field: Field) -> Int { forms[mode]?[field] ?? 0 }

    /// The field's value as shown: `same`, `yes`, the draft being typed.
    public func text(_ field: Field) -> String {
        if field == focusedField, let draft { return draft }
        switch field {
        case .mode: return mode.name
        case .bias: return value(.bias) != 0 ? "yes" : "no"
        case .padding: return value(.padding) == Self.samePadding ? "same" : String(value(.padding))
        default: return value(field).grouped
        }
    }

    // MARK: Keys

    public enum Action: Sendable {
        case previousField, nextField, previousValue, nextValue, nextChoice, samePadding, startTyping
        case type, erase, keep, keepAndPrevious, keepAndNext, drop
    }

    /// The form's keys. A row with an empty label is listed with the row above it.
    public static let formKeys = KeyMap<Action>([
        KeyBinding([.up, .character("k")], "↑↓ / j k", "choose a field", hint: ("↑↓", "field"), .previousField),
        KeyBinding([.down, .character("j")], "", "", .nextField),
        KeyBinding(
            [.left, .character("h"), .character("-")], "← → / - +", "change the value, or what to calculate",
            hint: ("←→", "change"), .previousValue),
        KeyBinding([.right, .character("l"), .character("+"), .character("=")], "", "", .nextValue),
        KeyBinding([.enter, .character(" ")], "Enter / Space", "next choice of Calculate, bias on / off", .nextChoice),
        KeyBinding([.character("s")], "s", "padding: same", .samePadding),
        KeyBinding(
            Key.characters("0123456789"), "0-9", "type into a number field (1-4 included)",
            hint: ("0-9", "type"), .startTyping),
    ])

    /// The keys while a number is being typed; the keys not listed keep their usual meaning
    /// (Tab, ?, m, q).
    public static let typingKeys = KeyMap<Action>([
        KeyBinding(Key.characters("0123456789"), "", "", hint: ("0-9", "type"), .type),
        KeyBinding([.backspace], "Backspace", "erase the last digit", .erase),
        KeyBinding([.enter], "Enter (or ↑↓)", "keep the typed number", hint: ("⏎", "keep"), .keep),
        KeyBinding([.up], "", "", .keepAndPrevious),
        KeyBinding([.down], "", "", .keepAndNext),
        KeyBinding([.escape], "Esc", "drop the typed number", hint: ("Esc", "drop"), .drop),
    ])

    /// The help overlay's rows: the form's and the typing keys, and what the global keys do here.
    public static var help: [KeyHelp.Entry] {
        (formKeys.help + typingKeys.help).filter { !$0.key.isEmpty }
            + [
                ("Tab / S-Tab", "switch screens, also while typing"),
                ("1-4", "switch screens from Calculate and Bias"),
            ]
    }

    /// The hint line's entries for what the keys do now.
    public var hints: [KeyHelp.Entry] { (isEditing ? Self.typingKeys : Self.formKeys).hints }

    /// Whether the calculator takes `key` before the keys every screen shares: the digits on a
    /// number field, and while typing the typing keys (so `?`, Tab, m, q still work).
    public func captures(_ key: Key) -> Bool {
        isEditing ? Self.typingKeys.action(for: key) != nil : takesDigits && key.isDigit
    }

    public mutating func handle(_ key: Key) {
        guard let action = (isEditing ? Self.typingKeys : Self.formKeys).action(for: key) else { return }
        var digit: String?
        if case .character(let c) = key, c.isNumber { digit = String(c) }
        switch action {
        case .previousField: move(-1)
        case .nextField: move(1)
        case .previousValue: step(-1)
        case .nextValue: step(1)
        case .nextChoice: if !focusedField.holdsNumber { step(1) }
        case .samePadding: if focusedField == .padding { set(.padding, Self.samePadding) }
        case .startTyping: if takesDigits { draft = digit }
        case .type: if let digit, let current = draft, current.count < 9 { draft = current + digit }
        case .erase: draft = draft.map { String($0.dropLast()) }
        case .keep: keep()
        case .keepAndPrevious:
            keep()
            move(-1)
        case .keepAndNext:
            keep()
            move(1)
        case .drop: draft = nil
        }
    }

    private mutating func move(_ delta: Int) {
        focused = min(max(focused + delta, 0), fields.count - 1)
    }

    private mutating func set(_ field: Field, _ value: Int) {
        forms[mode, default: [:]][field] = value
    }

    /// Keeps the typed number, raised to the field's minimum (the results said why already).
    private mutating func keep() {
        defer { draft = nil }
        guard let text = draft, let n = Int(text) else { return }
        set(focusedField, max(n, focusedField.minimum))
    }

    /// ←→: the next or previous mode, bias on/off, or a number one step up or down.
    private mutating func step(_ delta: Int) {
        let field = focusedField
        switch field {
        case .mode:
            let count = Mode.allCases.count
            mode = Mode(rawValue: (mode.rawValue + delta + count) % count)!
            focused = 0
        case .bias:
            set(.bias, value(.bias) == 0 ? 1 : 0)
        case .padding:
            set(.padding, max(value(.padding) + delta, Self.samePadding))
        default:
            set(
                field,
                field.doubles
                    ? Self.ladderStep(value(field), by: delta)
                    : max(value(field) + delta, field.minimum))
        }
    }

    /// One step along 1 2 3 4 5 6 7 8 16 32 ...: one up below 8, doubling from 8, so that a step
    /// down undoes a step up (3 → 2 → 3, 64 → 32 → 64); an odd count above 8 halves down.
    static func ladderStep(_ value: Int, by delta: Int) -> Int {
        if delta > 0 { return min(value < 8 ? value + 1 : value * 2, largestStep) }
        return max(value <= 8 ? value - 1 : value / 2, 1)
    }

    // MARK: Results

    /// One calculated layer, or the reason it is impossible.
    public struct Line: Sendable {
        public let title: String
        public let result: Calculator.Result?
        public let error: String?
    }

    /// Why the number being typed cannot be calculated yet (empty, or below the field's minimum).
    public var draftProblem: String? {
        guard let draft else { return nil }
        let field = focusedField
        guard let n = Int(draft) else { return "\(field.label): type a number" }
        return n < field.minimum ? "\(field.label) must be at least \(field.minimum)" : nil
    }

    /// The numbers the results use: the kept values, with the number being typed when it is one.
    private var current: [Field: Int] {
        var values = forms[mode] ?? [:]
        if let draft, let n = Int(draft), n >= focusedField.minimum { values[focusedField] = n }
        return values
    }

    private func currentValue(_ field: Field) -> Int { current[field] ?? 0 }

    var inputShape: TensorShape {
        TensorShape(channels: currentValue(.channels), height: currentValue(.height), width: currentValue(.width))
    }

    var paddingValue: Padding {
        currentValue(.padding) == Self.samePadding ? .same : .symmetric(currentValue(.padding))
    }

    private func calc(_ title: String, _ op: Op, _ input: TensorShape) -> Line {
        do {
            return Line(title: title, result: try Calculator.layer(op, input: input), error: nil)
        } catch {
            return Line(title: title, result: nil, error: error.reason)
        }
    }

    private func conv(filters: Int, kernel: Int, stride: Int = 1, padding: Padding, groups: Int = 1) -> Op {
        .conv2d(
            Conv2D(
                filters: filters, kernel: Size2(kernel), stride: Size2(stride), padding: padding,
                dilation: Size2(mode == .conv ? currentValue(.dilation) : 1), groups: groups,
                bias: currentValue(.bias) != 0))
    }

    /// The layers of the current calculation, each on the previous one's output where they chain.
    public var lines: [[Line]] {
        let x = inputShape
        let v = currentValue
        switch mode {
        case .conv:
            return [
                [
                    calc(
                        "Conv2d",
                        conv(
                            filters: v(.filters), kernel: v(.kernel), stride: v(.stride),
                            padding: paddingValue, groups: v(.groups)), x)
                ]
            ]
        case .dense:
            let op = Op.dense(Dense(outFeatures: v(.units), bias: v(.bias) != 0))
            return [[calc("Dense", op, TensorShape(features: v(.inFeatures)))]]
        case .separable:
            let k = v(.kernel)
            let dw = calc(
                "Depthwise \(k)x\(k)",
                conv(filters: x.channels, kernel: k, stride: v(.stride), padding: paddingValue, groups: x.channels), x)
            let pw = dw.result.map { calc("Pointwise 1x1", conv(filters: v(.filters), kernel: 1, padding: .valid), $0.output) }
            let standard = calc(
                "Standard \(k)x\(k)",
                conv(filters: v(.filters), kernel: k, stride: v(.stride), padding: paddingValue), x)
            return [[dw] + (pw.map { [$0] } ?? []), [standard]]
        case .bottleneck:
            let c = v(.channels), b = v(.bottleneck)
            let reduce = calc("1x1 \(c)->\(b)", conv(filters: b, kernel: 1, padding: .valid), x)
            let middle = reduce.result.map { calc("3x3 \(b)->\(b)", conv(filters: b, kernel: 3, padding: .symmetric(1)), $0.output) }
            let expand = middle?.result.map { calc("1x1 \(b)->\(c)", conv(filters: c, kernel: 1, padding: .valid), $0.output) }
            let first = calc("3x3 \(c)->\(c)", conv(filters: c, kernel: 3, padding: .symmetric(1)), x)
            let second = first.result.map { calc("3x3 \(c)->\(c)", conv(filters: c, kernel: 3, padding: .symmetric(1)), $0.output) }
            return [[reduce] + [middle, expand].compactMap { $0 }, [first] + [second].compactMap { $0 }]
        case .head:
            let units = v(.units)
            let flat = x.elementCount.map { TensorShape(features: $0) } ?? TensorShape(features: 0)
            let dense = Op.dense(Dense(outFeatures: units))
            return [
                [calc("Flatten \(x), dense \(units)", dense, flat)],
                [calc("Global avg pool, dense \(units)", dense, TensorShape(features: x.channels))],
            ]
        }
    }

    /// Titles of the alternatives being compared (one for a single layer).
    public var alternatives: [String] {
        switch mode {
        case .conv: return ["Convolution"]
        case .dense: return ["Dense"]
        case .separable: return ["Depthwise-separable", "Standard convolution"]
        case .bottleneck: return ["Bottleneck 1x1-3x3-1x1", "Two plain 3x3"]
        case .head: return ["Flatten + dense", "Global pooling + dense"]
        }
    }

    /// A warning that the calculation teaches the opposite of its lesson: a bottleneck wider than
    /// its input widens instead of narrowing.
    public var caveat: String? {
        guard mode == .bottleneck, currentValue(.bottleneck) > currentValue(.channels) else { return nil }
        return "The bottleneck (\(currentValue(.bottleneck))) is wider than its input (\(currentValue(.channels))): "
            + "it adds weights instead of saving them."
    }
}
