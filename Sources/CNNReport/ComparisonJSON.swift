import CNNModel
import Foundation

/// `cnn-tui compare A B --json`.
public struct ComparisonJSON: Codable, Sendable {
    public struct Totals: Codable, Sendable {
        public let model: String
        public let input: [Int]
        public let params: Int
        public let macs: Int
        public let depth: Int
        public let layers: Int
    }

    public struct StageJSON: Codable, Sendable {
        public let resolution: String
        public let channels: Int
        public let params: Int
        public let macs: Int
        public let receptiveField: [Int]
    }

    public struct ChangeJSON: Codable, Sendable {
        /// same, changed, inserted (only in the second) or removed (only in the first).
        public let change: String
        public let first: String?
        public let second: String?
        public let type: String
    }

    /// Whose parameter count `params` follows; mult-adds are torchinfo's.
    public let paramConvention: String
    public let first: Totals
    public let second: Totals
    public let firstStages: [StageJSON]
    public let secondStages: [StageJSON]
    public let changes: [ChangeJSON]

    public init(_ c: ModelComparison, names: (String, String), params convention: ParamConvention = .torchinfo) {
        func totals(_ a: ModelAnalysis, _ name: String) -> Totals {
            Totals(
                model: name, input: a.input.dims, params: a.params(convention), macs: a.macs, depth: a.depth,
                layers: a.graph.layers.count - 1)
        }
        func stages(_ s: [ModelComparison.Stage]) -> [StageJSON] {
            s.map {
                StageJSON(
                    resolution: $0.resolution, channels: $0.channels, params: $0.params, macs: $0.macs,
                    receptiveField: [$0.receptiveField.size.h, $0.receptiveField.size.w])
            }
        }
        paramConvention = convention.rawValue
        first = totals(c.first, names.0)
        second = totals(c.second, names.1)
        firstStages = stages(c.firstStages)
        secondStages = stages(c.secondStages)
        let (a, b) = (c.first.graph.layers, c.second.graph.layers)
        changes = c.changes.map { change in
            switch change {
            case .same(let x, let y): ChangeJSON(change: "same", first: a[x].name, second: b[y].name, type: a[x].op.typeName)
            case .changed(let x, let y): ChangeJSON(change: "changed", first: a[x].name, second: b[y].name, type: a[x].op.typeName)
            case .removed(let x): ChangeJSON(change: "removed", first: a[x].name, second: nil, type: a[x].op.typeName)
            case .inserted(let y): ChangeJSON(change: "inserted", first: nil, second: b[y].name, type: b[y].op.typeName)
            }
        }
    }

    /// Pretty-printed JSON with sorted keys.
    public func encoded() throws -> String { try JSONText.encode(self) }
}
