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

        public init(_ rf: ReceptiveField) {
            size = [rf.size.h, rf.size.w]
            jump = [rf.jump.h, rf.jump.w]
            start = [rf.startH, rf.startW]
            minSize = rf.isMultiPath ? [rf.minSize.h, rf.minSize.w] : nil
            global = rf.isGlobal
            approximate = rf.isApproximate
        }
    }

    public struct LayerJSON: Codable, Sendable {
        public let name: String
        public let type: String
        public let op: String
        public let module: String?
        public let block: String?
        public let inputs: [String]
        public let outputShape: [Int]
        /// Under the summary's `paramConvention`.
        public let params: Int
        public let trainableParams: Int
        /// Keras's batchnorm running means and variances; 0 under torchinfo's convention.
        public let nonTrainableParams: Int
        /// A batchnorm's running mean and variance, whatever the convention.
        public let runningStats: Int
        /// Multiply-adds under the summary's `macConvention`; nil where it does not model the layer.
        public let macs: Int?
        /// torch-scan's FLOPs and DMAs, under that convention only.
        public let flops: Int?
        public let dmas: Int?
        public let receptiveField: ReceptiveFieldJSON
        /// For a block folded into one entry by `maxDepth`: how many layers it stands for (its
        /// totals are theirs; its output and field its last layer's). Absent for a layer.
        public let foldedLayers: Int?
    }

    public struct MemoryJSON: Codable, Sendable {
        public let inputBytes: Int
        public let forwardBackwardBytes: Int
        public let paramBytes: Int
        public let totalBytes: Int
    }

    public let model: String
    public let input: [Int]
    /// Whose parameter count `totalParams`, `nonTrainableParams` and the layers' `params` follow:
    /// "torchinfo" or "keras" (`ParamConvention`).
    public let paramConvention: String
    /// Whose multiply-add count `macs` (and torch-scan's `flops` and `dmas`) follow: torchinfo,
    /// fvcore, ptflops, thop, torchscan or paper (`CountConvention`).
    public let macConvention: String
    public let totalParams: Int
    public let trainableParams: Int
    public let nonTrainableParams: Int
    /// The total under each parameter convention, by name.
    public let paramsByConvention: [String: Int]
    public let macs: Int?
    public let flops: Int?
    public let dmas: Int?
    /// The multiply-add total under each convention, by name.
    public let macsByConvention: [String: Int]
    public let depth: Int
    /// Blocks nested deeper than this are folded into one entry (`summary --depth`); absent: every layer.
    public let maxDepth: Int?
    public let memory: MemoryJSON
    /// In execution order: the layers nested at most `maxDepth` deep, and the blocks folded at it.
    public let layers: [LayerJSON]

    public init(
        _ analysis: ModelAnalysis, maxDepth: Int? = nil, params convention: ParamConvention = .torchinfo,
        count counting: CountConvention = .torchinfo, flags: TorchModuleFlags = TorchModuleFlags()
    ) {
        let counted = analysis.count(counting, flags: flags)
        let scan = counting == .torchscan
        let graph = analysis.graph
        model = graph.name
        input = analysis.input.dims
        paramConvention = convention.rawValue
        macConvention = counting.rawValue
        totalParams = analysis.params(convention)
        trainableParams = analysis.trainableParams
        nonTrainableParams = convention == .keras ? analysis.nonTrainableParams : 0
        paramsByConvention = Dictionary(uniqueKeysWithValues: ParamConvention.allCases.map { ($0.rawValue, analysis.params($0)) })
        macs = counted.total(.macs)
        flops = scan ? counted.total(.flops) : nil
        dmas = scan ? counted.total(.dmas) : nil
        macsByConvention = Dictionary(
            uniqueKeysWithValues: CountConvention.allCases.compactMap { c in analysis.count(c, flags: flags).total(.macs).map { (c.rawValue, $0) } })
        depth = analysis.depth
        self.maxDepth = maxDepth
        let m = analysis.memory
        memory = MemoryJSON(
            inputBytes: m.inputBytes, forwardBackwardBytes: m.forwardBackwardBytes,
            paramBytes: m.paramBytes, totalBytes: m.totalBytes)
        // The block a layer is folded into: its ancestor at maxDepth, when it lies that deep.
        func folded(_ layer: Layer) -> Block? {
            let path = graph.blockPath(layer.block)
            guard let maxDepth, path.count >= maxDepth else { return nil }
            return path[maxDepth - 1]
        }
        func visibleName(_ id: Int) -> String { folded(graph.layers[id]).map(\.name) ?? graph.layers[id].name }
        func field(_ rf: ReceptiveField) -> ReceptiveFieldJSON { ReceptiveFieldJSON(rf) }
        var entries: [LayerJSON] = []
        var foldedBlocks = Set<Int>()
        for layer in graph.layers {
            guard let block = folded(layer) else {
                let a = analysis.layers[layer.id]
                entries.append(
                    LayerJSON(
                        name: layer.name, type: layer.op.typeName, op: layer.op.summary, module: layer.module,
                        block: layer.block.map { graph.blocks[$0].name }, inputs: layer.inputs.map(visibleName),
                        outputShape: a.outputShape.dims, params: a.params(convention), trainableParams: a.trainableParams,
                        nonTrainableParams: convention.nonTrainableParams(a.cost), runningStats: a.nonTrainableParams,
                        macs: counted.layers[layer.id]?.macs, flops: scan ? counted.layers[layer.id]?.flops : nil,
                        dmas: scan ? counted.layers[layer.id]?.dmas : nil,
                        receptiveField: field(a.receptiveField),
                        foldedLayers: nil))
                continue
            }
            guard foldedBlocks.insert(block.id).inserted, let last = graph.lastLayer(ofBlock: block.id) else { continue }
            let inside = graph.layers.filter { graph.isLayer($0, inside: block.id) }
            var inputs: [String] = []
            for id in inside.flatMap(\.inputs) where !graph.isLayer(graph.layers[id], inside: block.id) {
                let name = visibleName(id)
                if !inputs.contains(name) { inputs.append(name) }
            }
            let cost = analysis.cost(ofBlock: block.id)
            entries.append(
                LayerJSON(
                    name: block.name, type: block.type, op: "", module: nil, block: block.parent.map { graph.blocks[$0].name },
                    inputs: inputs, outputShape: analysis.layers[last.id].outputShape.dims, params: convention.params(cost),
                    trainableParams: cost.trainableParams, nonTrainableParams: convention.nonTrainableParams(cost),
                    runningStats: cost.nonTrainableParams, macs: Self.sum(inside.map { counted.layers[$0.id]?.macs }),
                    flops: scan ? Self.sum(inside.map { counted.layers[$0.id]?.flops }) : nil,
                    dmas: scan ? Self.sum(inside.map { counted.layers[$0.id]?.dmas }) : nil,
                    receptiveField: field(analysis.layers[last.id].receptiveField), foldedLayers: inside.count))
        }
        layers = entries
    }

    /// The sum of counts, nil if one is missing or the sum overflows.
    private static func sum(_ values: [Int?]) -> Int? {
        let known = values.compactMap { $0 }
        return known.count == values.count ? checkedSum(known) : nil
    }

    /// Pretty-printed JSON with sorted keys.
    public func encoded() throws -> String { try JSONText.encode(self) }
}
