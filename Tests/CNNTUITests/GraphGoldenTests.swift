import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNTUI

/// The whole graph screen, every line, at the two sizes the layout is made for.
final class GraphGoldenTests: XCTestCase {
    func testResNet50AfterGAt80x24() throws {
        var s = try AppState(model: Zoo.model(named: "resnet50")!, theme: Theme(colors: false), size: (80, 24))
        s.handle(.character("G"))
        assertScreen(s.render().lines, equals: Self.resnet50AfterG, "resnet50AfterG")
    }

    func testGoogLeNetInception3bAt120x40() throws {
        var s = try AppState(model: Zoo.model(named: "googlenet")!, theme: Theme(colors: false), size: (120, 40))
        s.handle(.character("/"))
        for ch in "inception3b" { s.handle(.character(ch)) }
        s.handle(.enter)
        assertScreen(s.render().lines, equals: Self.googlenetInception3b, "googlenetInception3b")
    }
}
