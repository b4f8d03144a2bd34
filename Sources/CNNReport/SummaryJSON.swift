import CNNModel
import Foundation

/// The machine-readable summary (`cnn-tui summary MODEL --json`).
public struct SummaryJSON: Codable, Sendable {
    public struct ReceptiveFieldJSON: Codable, Sendable {
        public let size: [Int]
        public let jump: [Int]
        public let start: [Double]
        /// Present where paths of different reach merge.
        public let minSize: [Int]?
        public let global: Bool
        public let approximate: Bool
    }

    public struct LayerJSON: Codable, Sendable {
        public let name: String
        public let type: String
        public let op: String
        public let module: String?
        public let block: String?
        public let inputs: [String]
        public let outputShape: [Int]
        public let params: Int
        public let trainableParams: Int
        public let nonTrainableParams: Int
        public let macs: Int
        public let receptiveField: ReceptiveFieldJSON
    }

    public struct MemoryJSON: Codable, Sendable {
        public let inputBytes: Int
        public let forwardBackwardBytes: Int
        public let paramBytes: Int
        public let totalBytes: Int
    }

    public let model: String
    public let input: [Int]
    public let totalParams: Int
    public let trainableParams: Int
    public let nonTrainableParams: Int
    public let macs: Int
    public let depth: Int
    public let memory: MemoryJSON
    public let layers: [LayerJSON]

    public init(_ analysis: ModelAnalysis) {
        let graph = analysis.graph
        model = graph.name
        input = analysis.input.dims
        totalParams = analysis.totalParams
        trainableParams = analysis.trainableParams
        nonTrainableParams = analysis.nonTrainableParams
        macs = analysis.macs
        depth = analysis.depth
        let m = analysis.memory
        memory = MemoryJSON(inputBytes: m.inputBytes, forwardBackwardBytes: m.forwardBackwardBytes,
                            paramBytes: m.paramBytes, totalBytes: m.totalBytes)
        layers = graph.layers.map { layer in
            let a = analysis.layers[layer.id]
            let rf = a.receptiveField
            return LayerJSON(
                name: layer.name, type: layer.op.typeName, op: layer.op.summary, module: layer.module,
                block: layer.block.map { graph.blocks[$0].name },
                inputs: layer.inputs.map { graph.layers[$0].name },
                outputShape: a.outputShape.dims, params: a.params, trainableParams: a.trainableParams,
                nonTrainableParams: a.nonTrainableParams, macs: a.macs,
                receptiveField: ReceptiveFieldJSON(
                    size: [rf.size.h, rf.size.w], jump: [rf.jump.h, rf.jump.w], start: [rf.startH, rf.startW],
                    minSize: rf.isMultiPath ? [rf.minSize.h, rf.minSize.w] : nil,
                    global: rf.isGlobal, approximate: rf.isApproximate))
        }
    }

    /// Pretty-printed JSON with sorted keys.
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
