import CNNData
import CNNEngine
import CNNImport
import CNNModel
import CNNReport
import CNNRuntime
import CNNZoo
import Foundation

/// Each reader of a file a user can hand cnn-tui, run on bytes as the program runs it: what the
/// libFuzzer harnesses of Fuzz/Sources call with every input, and what the regression tests
/// replay the seed corpus and every input that once crashed through.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A weights file (`--weights`, the shipped weights).
    case safetensors
    /// An IDX array, plain or gzip, paired with labels as an MNIST folder is.
    case idx
    /// CIFAR binary batches, read as CIFAR-10 and as CIFAR-100.
    case cifar
    /// A PNG through libpng.
    case png
    /// A PGM or PPM image, binary or text.
    case pnm
    /// An ONNX file: the protobuf, the import to a graph, the analysis.
    case onnx
    /// A Keras architecture (`model.to_json()`): the JSON, the import, the analysis.
    case keras
    /// A model file (`.cnn`): the text, the graph, the analysis.
    case modeltext

    /// Reads `data`; the error a user would see, or nil when it was read.
    public func read(_ data: Data) -> Error? {
        do {
            switch self {
            case .safetensors:
                _ = try Safetensors.decode(data, path: "fuzz.safetensors")
            case .idx:
                let array = try IDXArray.decode(data, file: "fuzz")
                if array.dims.count == 3 {
                    // As many labels as images, up to one a byte: a labels file that big would exist.
                    let n = min(array.dims[0], array.bytes.count)
                    _ = try MNISTFiles.pair(array, IDXArray(dims: [n], bytes: [UInt8](repeating: 1, count: n)), imagesFile: "fuzz", labelsFile: "labels")
                }
            case .cifar:
                var errors: [Error] = []
                do { _ = try CIFARFiles.decode(data, variant: .cifar10, file: "fuzz") } catch { errors.append(error) }
                do { _ = try CIFARFiles.decode(data, variant: .cifar100, file: "fuzz") } catch { errors.append(error) }
                if errors.count == 2 { throw errors[0] }
            case .png:
                _ = try PNG.decode(data, file: "fuzz.png")
            case .pnm:
                _ = try PNM.decode(data, file: "fuzz.pnm")
            case .onnx:
                let network = try ONNXImport.network(try ONNXFile.decode(data, folder: nil, fileName: "fuzz.onnx"), file: "fuzz.onnx")
                try Self.analyse(ZooModel(imported: network, file: "fuzz.onnx"))
            case .keras:
                let network = try KerasImport.network(try KerasFile.decode(data, file: "fuzz.json"), file: "fuzz.json")
                try Self.analyse(ZooModel(imported: network, file: "fuzz.json"))
            case .modeltext:
                try Self.analyse(ZooModel(imported: try ModelFile.modelText(data, file: "fuzz.cnn"), file: "fuzz.cnn"))
            }
            return nil
        } catch {
            return error
        }
    }

    /// What `summary`, `rf` and the browser compute for a network: the analysis, the summary
    /// under every counting convention, the receptive-field table, each layer's field on the
    /// input, and whether the engine could hold it.
    private static func analyse(_ model: ZooModel) throws {
        let analysis = try model.analysis()
        for convention in CountConvention.allCases { _ = SummaryReport(analysis, count: convention).render() }
        _ = ReceptiveFieldReport(analysis).render(all: true)
        for layer in analysis.layers where layer.outputShape.isSpatial {
            let shape = layer.outputShape
            _ = layer.receptiveField.inputPixels(ofUnit: shape.height - 1, shape.width - 1, height: analysis.input.height, width: analysis.input.width)
        }
        _ = try? Weights.checkSizes(analysis)
    }
}
