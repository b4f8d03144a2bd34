import Foundation
import XCTest

@testable import CNNImport

/// Local functions replaced by their nodes: names that say where a node came from, values that
/// cannot collide, attributes from the caller or the function's defaults.
final class ONNXFunctionInlinerTests: XCTestCase {
    private func read(_ nodes: [Onnx_NodeProto], functions: [Onnx_FunctionProto]) throws -> ONNXGraph {
        try ONNXFile.decode(ONNXProto.model(nodes: nodes, functions: functions), folder: nil).graph
    }

    func testNestedCallsNameBothCallers() throws {
        let inner = ONNXProto.function("Inner", inputs: ["A"], outputs: ["B"], nodes: [ONNXProto.node("Relu", ["A"], ["B"], name: "relu")])
        let outer = ONNXProto.function(
            "Outer", inputs: ["X"], outputs: ["Y"],
            nodes: [ONNXProto.node("Inner", ["X"], ["t"], name: "call", domain: "local"), ONNXProto.node("Neg", ["t"], ["Y"], name: "neg")]
        )
        let graph = try read([ONNXProto.node("Outer", ["x"], ["y"], name: "o", domain: "local")], functions: [inner, outer])
        XCTAssertEqual(graph.nodes.map(\.name), ["o/call/relu", "o/neg"])
        XCTAssertEqual(graph.nodes.map(\.inputs), [["x"], ["o/t"]])
        XCTAssertEqual(graph.nodes.map(\.outputs), [["o/t"], ["y"]])
        XCTAssertEqual(graph.nodes[0].metadata[ONNXNode.inlinedFromKey], "local.Inner called by o/call")
        XCTAssertEqual(graph.nodes[1].metadata[ONNXNode.inlinedFromKey], "local.Outer called by o")
    }

    func testInnerValuesDoNotCollideWithTheGraphsNames() throws {
        let function = ONNXProto.function(
            "F", inputs: ["X"], outputs: ["Y"], nodes: [ONNXProto.node("Relu", ["X"], ["t"]), ONNXProto.node("Neg", ["t"], ["Y"])]
        )
        // The graph already has a value `f/t` and, for the unnamed call, a node named `F`.
        let nodes = [
            ONNXProto.node("Sigmoid", ["x"], ["f/t"], name: "F"),
            ONNXProto.node("F", ["f/t"], ["h"], name: "f", domain: "local"),
            ONNXProto.node("F", ["h"], ["y"], domain: "local"),
        ]
        let graph = try read(nodes, functions: [function])
        XCTAssertEqual(graph.nodes.map(\.name), ["F", "f/Relu", "f/Neg", "F_1/Relu", "F_1/Neg"])
        XCTAssertEqual(graph.nodes.map(\.outputs), [["f/t"], ["f/t_1"], ["h"], ["F_1/t"], ["y"]])
    }

    func testAttributesComeFromTheCallerOrTheFunctionsDefault() throws {
        let function = ONNXProto.function(
            "Act", inputs: ["X"], outputs: ["Y"],
            nodes: [
                {
                    var node = ONNXProto.node("Elu", ["X"], ["Y"], name: "elu")
                    node.attribute = [ONNXProto.reference("alpha", to: "a"), ONNXProto.reference("gamma", to: "unset")]
                    return node
                }()
            ],
            attributes: ["unset"], defaults: [ONNXProto.float("a", 0.5)]
        )
        var given = ONNXProto.node("Act", ["x"], ["h"], name: "given", domain: "local")
        given.attribute = [ONNXProto.float("a", 2)]
        let graph = try read([given, ONNXProto.node("Act", ["h"], ["y"], name: "default", domain: "local")], functions: [function])
        let alphas = graph.nodes.map { node -> Float? in
            if case .float(let alpha)? = node.attributes["alpha"] { return alpha }
            return nil
        }
        XCTAssertEqual(alphas, [2, 0.5])
        XCTAssertTrue(graph.nodes.allSatisfy { $0.attributes["gamma"] == nil }, "an attribute referring to an unset one is left out")
    }

    func testAFunctionThatCallsItselfIsRefused() {
        let loop = ONNXProto.function("Loop", inputs: ["X"], outputs: ["Y"], nodes: [ONNXProto.node("Loop", ["X"], ["Y"], domain: "local")])
        XCTAssertEqual(
            ONNXProto.error(ONNXProto.model(nodes: [ONNXProto.node("Loop", ["x"], ["y"], domain: "local")], functions: [loop])),
            "function local.Loop calls functions 64 deep (does it call itself?)"
        )
    }

    func testAReferenceOutsideAFunctionIsRefused() {
        var node = ONNXProto.node("Elu", ["x"], ["y"], name: "elu")
        node.attribute = [ONNXProto.reference("alpha", to: "a")]
        XCTAssertEqual(
            ONNXProto.error(ONNXProto.model(nodes: [node])),
            "node 'elu' (Elu) attribute 'alpha' refers to function attribute 'a' outside a function"
        )
    }
}
