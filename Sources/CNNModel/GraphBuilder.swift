/// Builds a `Graph` the way a PyTorch `forward` reads: each call adds a layer and returns its id,
/// to be passed on as the next layer's input. Blocks prefix the names of the layers inside them.
///
/// ```swift
/// let b = GraphBuilder("tiny")
/// var x = b.input()
/// b.block("features") {
///     x = b.conv(x, "0", filters: 16, kernel: 3, padding: .symmetric(1))
///     x = b.relu(x, "1")
/// }
/// let graph = b.build()
/// ```
public final class GraphBuilder {
    private let name: String
    private var layers: [Layer] = []
    private var blocks: [Block] = []
    private var openBlocks: [Int] = []
    private var calls: [String: Int] = [:]

    public init(_ name: String) {
        self.name = name
    }

    public func build() -> Graph {
        precondition(openBlocks.isEmpty, "\(name): unclosed block")
        return Graph(name: name, layers: layers, blocks: blocks)
    }

    // MARK: Structure

    /// Runs `body` inside a block named `local` (joined to the enclosing block's path with `.`).
    public func block<T>(_ local: String, type: String = "Sequential", _ body: () throws -> T) rethrows -> T {
        let parent = openBlocks.last
        let fullName = qualified(local)
        let id = blocks.count
        blocks.append(Block(id: id, name: fullName, type: type, parent: parent, depth: openBlocks.count + 1))
        openBlocks.append(id)
        defer { openBlocks.removeLast() }
        return try body()
    }

    /// Adds a layer. `module` is false for functional ops (`torch.cat`, `+`), which then have no
    /// module path. A parameter-free module may be called again under the same name.
    @discardableResult
    public func add(_ op: Op, _ local: String, inputs: [Int], module: Bool = true) -> Int {
        for input in inputs {
            precondition(input >= 0 && input < layers.count, "\(name): \(local) reads an unknown layer")
        }
        let base = qualified(local)
        let call = (calls[base] ?? 0) + 1
        calls[base] = call
        if call > 1 {
            precondition(!op.hasParameters, "\(name): layer \(base) with parameters added twice")
        }
        let unique = call == 1 ? base : "\(base):\(call)"
        let id = layers.count
        layers.append(
            Layer(
                id: id, name: unique, op: op, inputs: inputs, block: openBlocks.last,
                module: module ? base : nil))
        return id
    }

    private func qualified(_ local: String) -> String {
        guard let block = openBlocks.last else { return local }
        return blocks[block].name + "." + local
    }

    // MARK: Layers

    public func input() -> Int {
        add(.input, "input", inputs: [], module: false)
    }

    public func conv(
        _ x: Int, _ local: String, filters: Int, kernel: Size2, stride: Size2 = 1,
        padding: Padding = .valid, dilation: Size2 = 1, groups: Int = 1, bias: Bool = true
    ) -> Int {
        add(
            .conv2d(
                Conv2D(
                    filters: filters, kernel: kernel, stride: stride, padding: padding,
                    dilation: dilation, groups: groups, bias: bias)), local, inputs: [x])
    }

    public func batchNorm(_ x: Int, _ local: String, epsilon: Double = 1e-5, momentum: Double = 0.1) -> Int {
        add(.batchNorm(BatchNorm(epsilon: epsilon, momentum: momentum)), local, inputs: [x])
    }

    public func activation(_ x: Int, _ local: String, _ kind: Activation) -> Int {
        add(.activation(kind), local, inputs: [x])
    }

    public func relu(_ x: Int, _ local: String) -> Int {
        activation(x, local, .relu)
    }

    public func lrn(_ x: Int, _ local: String, size: Int, alpha: Double = 1e-4, beta: Double = 0.75, k: Double = 1) -> Int {
        add(.localResponseNorm(LocalResponseNorm(size: size, alpha: alpha, beta: beta, k: k)), local, inputs: [x])
    }

    public func maxPool(
        _ x: Int, _ local: String, kernel: Size2, stride: Size2? = nil,
        padding: Padding = .valid, ceilMode: Bool = false
    ) -> Int {
        add(
            .pool(Pool2D(.max, kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode)),
            local, inputs: [x])
    }

    public func avgPool(
        _ x: Int, _ local: String, kernel: Size2, stride: Size2? = nil,
        padding: Padding = .valid, ceilMode: Bool = false, countIncludePad: Bool = true
    ) -> Int {
        add(
            .pool(
                Pool2D(
                    .average, kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode,
                    countIncludePad: countIncludePad)), local, inputs: [x])
    }

    public func globalAvgPool(_ x: Int, _ local: String, keepDims: Bool = false) -> Int {
        add(.globalAvgPool(keepDims: keepDims), local, inputs: [x])
    }

    public func globalMaxPool(_ x: Int, _ local: String, keepDims: Bool = false) -> Int {
        add(.globalMaxPool(keepDims: keepDims), local, inputs: [x])
    }

    public func adaptiveAvgPool(_ x: Int, _ local: String, _ size: Size2) -> Int {
        add(.adaptiveAvgPool(size), local, inputs: [x])
    }

    /// `torch.flatten(x, 1)`: functional unless `module` (an `nn.Flatten`).
    public func flatten(_ x: Int, _ local: String = "flatten", module: Bool = false) -> Int {
        add(.flatten, local, inputs: [x], module: module)
    }

    public func dense(_ x: Int, _ local: String, _ outFeatures: Int, inFeatures: Int? = nil, bias: Bool = true) -> Int {
        add(.dense(Dense(outFeatures: outFeatures, inFeatures: inFeatures, bias: bias)), local, inputs: [x])
    }

    public func dropout(_ x: Int, _ local: String, _ p: Double) -> Int {
        add(.dropout(p), local, inputs: [x])
    }

    /// Channel concatenation (`torch.cat(xs, 1)`).
    public func concat(_ xs: [Int], _ local: String = "cat", module: Bool = false) -> Int {
        add(.concat, local, inputs: xs, module: module)
    }

    /// Element-wise sum (`out += identity`).
    public func sum(_ xs: [Int], _ local: String = "add", module: Bool = false) -> Int {
        add(.add, local, inputs: xs, module: module)
    }

    /// Element-wise product with broadcasting (`x * scale`).
    public func multiply(_ x: Int, _ y: Int, _ local: String = "mul", module: Bool = false) -> Int {
        add(.multiply, local, inputs: [x, y], module: module)
    }
}

extension Op {
    /// Whether the op owns weights or statistics (so it cannot be a repeated call of one module).
    public var hasParameters: Bool {
        switch self {
        case .conv2d, .dense, .batchNorm: return true
        default: return false
        }
    }
}
