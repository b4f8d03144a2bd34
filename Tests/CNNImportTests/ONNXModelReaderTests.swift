import Foundation
import XCTest

@testable import CNNImport

/// The reader's checks on models built in memory: tensor sizes and data, values defined once
/// before use, what it refuses.
final class ONNXModelReaderTests: XCTestCase {
    private func initializerError(_ tensor: Onnx_TensorProto) -> String? {
        ONNXProto.error(ONNXProto.model(nodes: [ONNXProto.node("Add", ["x", tensor.name], ["y"])], initializers: [tensor]))
    }

    func testAHugeTensorIsRefusedBeforeItsDataIsRead() {
        XCTAssertEqual(
            initializerError(ONNXProto.tensor("w", dims: [65536, 65536, 2])),
            "initializer 'w': shape [65536, 65536, 2] has more than 2,147,483,648 elements (cnn-tui's limit for one tensor, 8 GiB of float32)"
        )
    }

    func testDimsWhoseProductOverflowsAreRefused() {
        XCTAssertEqual(
            initializerError(ONNXProto.tensor("w", dims: [Int64.max, 2])),
            "initializer 'w': shape [9223372036854775807, 2] has more than 2,147,483,648 elements (cnn-tui's limit for one tensor, 8 GiB of float32)"
        )
        XCTAssertEqual(initializerError(ONNXProto.tensor("w", dims: [2, -1])), "initializer 'w' has a negative dimension (2x-1)")
    }

    func testTypedDataMustHaveAsManyValuesAsTheDimsSay() {
        XCTAssertEqual(
            initializerError(ONNXProto.tensor("w", dims: [2, 2], floats: [1, 2, 3])),
            "initializer 'w' (dims 2x2) holds 3 values, but its dims need 4"
        )
        XCTAssertEqual(initializerError(ONNXProto.tensor("w", dims: [4], floats: [])), "initializer 'w' (dims 4) holds 0 values, but its dims need 4")
    }

    func testTypedFieldsOfEachKind() throws {
        var int64 = ONNXProto.tensor("shape", dims: [2], dataType: 7)
        int64.int64Data = [-1, 8]
        var int8 = ONNXProto.tensor("q", dims: [3], dataType: 3)
        int8.int32Data = [-128, 0, 127]
        var double = ONNXProto.tensor("d", dims: [], dataType: 11)  // a scalar: one element
        double.doubleData = [2.5]
        var half = ONNXProto.tensor("h", dims: [2], dataType: 10)
        half.int32Data = [0x3c00, 0xc000]  // 1, -2 as float16 bits
        var raw = ONNXProto.tensor("r", dims: [2], dataType: 6)
        raw.rawData = Data([0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00])  // int32 -1, 2 little-endian
        let data = ONNXProto.model(nodes: [ONNXProto.node("Identity", ["x"], ["y"])], initializers: [int64, int8, double, half, raw])
        let initializers = try ONNXFile.decode(data, folder: nil).graph.initializers
        XCTAssertEqual(initializers["shape"]?.integers, [-1, 8])
        XCTAssertEqual(initializers["q"]?.integers, [-128, 0, 127])
        XCTAssertEqual(initializers["d"]?.floats, [2.5])
        XCTAssertEqual(initializers["d"]?.count, 1)
        XCTAssertEqual(initializers["h"]?.floats, [1, -2])
        XCTAssertEqual(initializers["r"]?.integers, [-1, 2])
        XCTAssertEqual(initializers["r"]?.floats, [])
    }

    func testStringTensorsAreRefusedByName() {
        XCTAssertEqual(
            initializerError(ONNXProto.tensor("labels", dims: [2], dataType: 8)),
            "initializer 'labels' has element type string, which the reader does not support"
        )
    }

    func testAValueWrittenTwiceIsRefused() {
        let nodes = [ONNXProto.node("Relu", ["x"], ["y"], name: "a"), ONNXProto.node("Sigmoid", ["x"], ["y"], name: "b")]
        XCTAssertEqual(ONNXProto.error(ONNXProto.model(nodes: nodes)), "node 'b' (Sigmoid) writes 'y', which is already defined")
    }

    func testAnOutputNoNodeComputesIsRefused() {
        XCTAssertEqual(ONNXProto.error(ONNXProto.model(nodes: [ONNXProto.node("Relu", ["x"], ["h"])])), "graph output 'y' is computed by no node")
    }

    func testAnUnnamedNodeIsNamedByItsPosition() {
        let nodes = [ONNXProto.node("Relu", ["x"], ["h"]), ONNXProto.node("Add", ["h", "b"], ["y"])]
        XCTAssertEqual(
            ONNXProto.error(ONNXProto.model(nodes: nodes)),
            "node 1 (Add) reads 'b', which no graph input, initializer or earlier node defines"
        )
    }

    func testAnOmittedOptionalInputIsKeptAsEmpty() throws {
        let node = ONNXProto.node("Clip", ["x", "", "max"], ["y"])
        let data = ONNXProto.model(nodes: [node], initializers: [ONNXProto.tensor("max", dims: [], floats: [6])])
        XCTAssertEqual(try ONNXFile.decode(data, folder: nil).graph.nodes[0].inputs, ["x", "", "max"])
    }

    func testSubgraphAttributesAreRefused() {
        var node = ONNXProto.node("If", ["x"], ["y"], name: "branch")
        var attribute = Onnx_AttributeProto()
        attribute.name = "then_branch"
        attribute.type = .graph
        node.attribute = [attribute]
        XCTAssertEqual(
            ONNXProto.error(ONNXProto.model(nodes: [node])),
            "node 'branch' (If) attribute 'then_branch' is of type graph, which the reader does not support (subgraphs, sparse tensors, types)"
        )
    }

    func testAModelWithoutTheDefaultOpsetIsRefused() throws {
        var model = try Onnx_ModelProto(serializedBytes: ONNXProto.model(nodes: [ONNXProto.node("Relu", ["x"], ["y"])]))
        model.opsetImport[0].domain = "com.example"
        XCTAssertEqual(ONNXProto.error(try model.serializedBytes()), "imports no opset of the default domain (ai.onnx)")
    }

    // MARK: - External data

    /// A folder with `model.onnx` whose initializer `w` (`count` floats) is at `location`.
    private func externalModel(location: String, length: Int = 16, count: Int64 = 4) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        var tensor = ONNXProto.tensor("w", dims: [count])
        tensor.dataLocation = .external
        tensor.externalData = [("location", location), ("length", "\(length)")].map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        let data = ONNXProto.model(nodes: [ONNXProto.node("Add", ["x", "w"], ["y"])], initializers: [tensor])
        try data.write(to: folder.appendingPathComponent("model.onnx"))
        return folder
    }

    func testExternalDataPastTheEndOfItsFileIsRefused() throws {
        let folder = try externalModel(location: "w.bin")
        try Data(count: 12).write(to: folder.appendingPathComponent("w.bin"))
        XCTAssertThrowsError(try ONNXFile.read(path: folder.appendingPathComponent("model.onnx").path)) { error in
            XCTAssertTrue(
                "\(error)".hasSuffix("model.onnx: initializer 'w': external data at offset 0, length 16 runs past the end of 'w.bin' (12 bytes)"), "\(error)")
        }
    }

    func testExternalDataOfTheWrongLengthIsRefused() throws {
        let folder = try externalModel(location: "w.bin", length: 8)
        try Data(count: 16).write(to: folder.appendingPathComponent("w.bin"))
        XCTAssertThrowsError(try ONNXFile.read(path: folder.appendingPathComponent("model.onnx").path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("initializer 'w' has 8 bytes of external data, but its dims need 16"), "\(error)")
        }
    }

    func testASymbolicLinkOutOfTheFolderIsRefused() throws {
        let folder = try externalModel(location: "w.bin")
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString).bin")
        try Data(count: 16).write(to: outside)
        addTeardownBlock { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("w.bin"), withDestinationURL: outside)
        XCTAssertThrowsError(try ONNXFile.read(path: folder.appendingPathComponent("model.onnx").path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("initializer 'w' is stored in 'w.bin', which leads outside the model's folder"), "\(error)")
        }
    }

    /// A sparse file of `size` bytes: no disk used, but `size` is what the reader sees.
    private func sparseFile(_ url: URL, size: UInt64) throws {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: size)
        try handle.close()
    }

    func testAModelFileOver4GiBIsRefusedBeforeItIsRead() throws {
        let folder = try externalModel(location: "w.bin")
        let big = folder.appendingPathComponent("big.onnx")
        try sparseFile(big, size: 4 << 30 + 1)
        XCTAssertThrowsError(try ONNXFile.read(path: big.path)) { error in
            XCTAssertEqual("\(error)", "\(big.path): is 4294967297 bytes, more than the reader's limit of 4294967296 (4 GiB)")
        }
    }

    func testExternalDataOver4GiBIsRefusedBeforeItIsRead() throws {
        // 2^30 + 1 floats: under the element limit, over the byte limit.
        let folder = try externalModel(location: "w.bin", length: 4 << 30 + 4, count: 1 << 30 + 1)
        try sparseFile(folder.appendingPathComponent("w.bin"), size: 4 << 30 + 4)
        XCTAssertThrowsError(try ONNXFile.read(path: folder.appendingPathComponent("model.onnx").path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("initializer 'w' has 4294967300 bytes of external data, more than the reader's limit of 4 GiB"), "\(error)")
        }
    }

    func testAnAbsoluteExternalPathIsRefused() throws {
        let folder = try externalModel(location: "/etc/passwd")
        XCTAssertThrowsError(try ONNXFile.read(path: folder.appendingPathComponent("model.onnx").path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("initializer 'w' is stored in '/etc/passwd', outside the model's folder"), "\(error)")
        }
    }
}
