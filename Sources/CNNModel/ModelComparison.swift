/// Two models side by side: their stages (the layers at each resolution) and a layer-by-layer
/// structural diff, aligned as `diff` aligns lines.
public struct ModelComparison: Sendable {
    /// The layers whose output has one spatial size, in the order the sizes first appear; a
    /// flat output (after `flatten`) is a stage of its own.
    public struct Stage: Hashable, Sendable {
        /// `56x56`, or `flat` for vectors.
        public let resolution: String
        public let layers: [Int]
        /// The widest output's channels in the stage (the flat stage: its last layer's features): its last layer's in a plain
        /// chain; in a ResNet v1.5 stage the blocks' outputs, not the 1x1 that runs before the
        /// strided 3x3.
        public let channels: Int
        public let params: Int
        public let macs: Int
        /// The largest field in the stage (its last layers' in a chain).
        public let receptiveField: ReceptiveField
    }

    /// One line of the structural diff: a layer of both models (the same, or changed: another op,
    /// shape or count), or one only the first (removed) or second (inserted) has.
    public enum Change: Hashable, Sendable {
        case same(Int, Int)
        case changed(Int, Int)
        case removed(Int)
        case inserted(Int)
    }

    public let first: ModelAnalysis
    public let second: ModelAnalysis
    public let firstStages: [Stage]
    public let secondStages: [Stage]
    /// In order; layers are ids into each model's graph (the inputs left out).
    public let changes: [Change]

    public init(_ first: ModelAnalysis, _ second: ModelAnalysis, params: ParamConvention = .torchinfo) {
        self.first = first
        self.second = second
        firstStages = Self.stages(first, params: params)
        secondStages = Self.stages(second, params: params)
        changes = Self.diff(first, second, params: params)
    }

    public static func stages(_ a: ModelAnalysis, params convention: ParamConvention) -> [Stage] {
        var order: [String] = []
        var members: [String: [Int]] = [:]
        for layer in a.graph.layers {
            if case .input = layer.op { continue }
            let shape = a.layers[layer.id].outputShape
            let key = shape.isSpatial ? "\(shape.height)x\(shape.width)" : "flat"
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(layer.id)
        }
        return order.map { key in
            let ids = members[key]!
            // The flat stage's output is its last layer's (the classifier's), not the widest vector.
            let widest =
                key == "flat"
                ? a.layers[ids.last!].activations : ids.map { a.layers[$0].outputShape.channels }.max() ?? 0
            let largest = ids.map { a.layers[$0].receptiveField }.max {
                ($0.size.h * $0.size.w, $0.isGlobal ? 1 : 0) < ($1.size.h * $1.size.w, $1.isGlobal ? 1 : 0)
            }!
            return Stage(
                resolution: key, layers: ids, channels: widest,
                params: ids.reduce(0) { $0 &+ a.layers[$1].params(convention) }, macs: ids.reduce(0) { $0 &+ a.layers[$1].macs },
                receptiveField: largest)
        }
    }

    /// The longest common subsequence of the two layer sequences by op type (a convolution
    /// matches a convolution), preferring pairs of the same name; matched layers whose op,
    /// output or parameters differ are `changed`.
    static func diff(_ a: ModelAnalysis, _ b: ModelAnalysis, params convention: ParamConvention) -> [Change] {
        let x = a.graph.layers.filter { if case .input = $0.op { false } else { true } }
        let y = b.graph.layers.filter { if case .input = $0.op { false } else { true } }
        let (n, m) = (x.count, y.count)
        func pair(_ p: Layer, _ q: Layer) -> Change {
            let (u, v) = (a.layers[p.id], b.layers[q.id])
            let same = p.op.summary == q.op.summary && u.outputShape == v.outputShape && u.params(convention) == v.params(convention)
            return same ? .same(p.id, q.id) : .changed(p.id, q.id)
        }
        // Past a few million pairs (two networks of thousands of layers) the table would take too
        // long: the layers are matched by name instead, the rest removed or inserted.
        guard n * m <= 4_000_000 else {
            let byName = Dictionary(y.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let matched = x.map { p in byName[p.name].map { pair(p, $0) } ?? .removed(p.id) }
            let names = Set(x.map(\.name))
            return matched + y.filter { !names.contains($0.name) }.map { .inserted($0.id) }
        }
        // score[i][j]: the best alignment of x[i...] and y[j...]: matches first, same names second.
        var score = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                var best = max(score[i + 1][j], score[i][j + 1])
                if x[i].op.typeName == y[j].op.typeName {
                    best = max(best, score[i + 1][j + 1] + 2 * (n + m) + (x[i].name == y[j].name ? 1 : 0))
                }
                score[i][j] = best
            }
        }
        var changes: [Change] = []
        var (i, j) = (0, 0)
        while i < n || j < m {
            if i < n, j < m, x[i].op.typeName == y[j].op.typeName,
                score[i][j] == score[i + 1][j + 1] + 2 * (n + m) + (x[i].name == y[j].name ? 1 : 0)
            {
                changes.append(pair(x[i], y[j]))
                (i, j) = (i + 1, j + 1)
            } else if j < m, i == n || score[i][j + 1] >= score[i + 1][j] {
                changes.append(.inserted(y[j].id))
                j += 1
            } else {
                changes.append(.removed(x[i].id))
                i += 1
            }
        }
        return changes
    }
}
