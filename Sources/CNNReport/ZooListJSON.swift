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
                macsByConvention: Dictionary(
                    uniqueKeysWithValues: CountConvention.allCases.filter(model.canBeCounted(by:)).compactMap { c in
                        a.count(c, flags: model.torchFlags).total(.macs).map { (c.rawValue, $0) }
                    }),
                depth: a.depth, receptiveField: a.lastMapField.flatMap { $0.isGlobal ? nil : $0.size.h },
                published: p.map {
                    Published(
                        cost: $0.cost?.text, costSource: $0.cost?.source, costCounts: $0.costNote, params: $0.params?.text,
                        topFiveError: $0.topFive?.error, topFiveMeasured: $0.topFive?.protocolDescription,
                        topFiveSource: $0.topFive?.source, competition: $0.competition)
                })
        }
    }

    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
