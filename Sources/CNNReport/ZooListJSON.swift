import CNNModel
import CNNZoo
import Foundation

/// `cnn-tui list --json`: every zoo model with its headline numbers and what its paper published.
public struct ZooListJSON: Codable, Sendable {
    public struct Published: Codable, Sendable {
        public let cost: String?
        public let costSource: String?
        public let costCounts: String
        public let params: String?
        public let topFiveError: Double?
        public let topFiveMeasured: String?
        public let topFiveSource: String?
        public let competition: String?
    }

    public struct Model: Codable, Sendable {
        public let name: String
        public let title: String
        public let year: Int
        public let input: [Int]
        public let params: Int
        public let macs: Int
        /// Every counting convention's multiply-adds, by name (the PyTorch tools' absent for a
        /// Keras model).
        public let macsByConvention: [String: Int]
        public let depth: Int
        /// The field of the last feature map before global pooling; nil when already global.
        public let receptiveField: Int?
        public let published: Published?
    }

    public let paramConvention: String
    public let macConvention: String
    public let models: [Model]

    public init(_ models: [ZooModel] = Zoo.all, params convention: ParamConvention = .torchinfo) {
        paramConvention = convention.rawValue
        macConvention = CountConvention.torchinfo.rawValue
        self.models = models.compactMap { model in
            guard let a = try? model.analysis() else { return nil }
            let p = model.published
            return Model(
                name: model.name, title: model.title, year: model.year, input: model.defaultInput.dims, params: a.params(convention),
                macs: a.macs,
                macsByConvention: Self.macsByConvention(model, a),
                depth: a.depth, receptiveField: a.lastMapField.flatMap { $0.isGlobal ? nil : $0.size.h },
                published: p.map(Published.init))
        }
    }

    public func encoded() throws -> String { try JSONText.encode(self) }

    /// Every convention's multiply-adds that can count the model, by name.
    static func macsByConvention(_ model: ZooModel, _ a: ModelAnalysis) -> [String: Int] {
        Dictionary(
            uniqueKeysWithValues: CountConvention.allCases.filter(model.canBeCounted(by:)).compactMap { c in
                a.count(c, flags: model.torchFlags).total(.macs).map { (c.rawValue, $0) }
            })
    }
}

extension ZooListJSON.Published {
    init(_ p: PublishedFigures) {
        self.init(
            cost: p.cost?.text, costSource: p.cost?.source, costCounts: p.costNote, params: p.params?.text,
            topFiveError: p.topFive?.error, topFiveMeasured: p.topFive?.protocolDescription, topFiveSource: p.topFive?.source,
            competition: p.competition)
    }
}
