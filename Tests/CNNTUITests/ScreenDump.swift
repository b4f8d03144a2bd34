import CNNModel
import CNNZoo
import XCTest

@testable import CNNTUI

/// Prints screens when CNN_TUI_DUMP is set (for looking at them while developing).
final class ScreenDump: XCTestCase {
    func testDump() throws {
        guard let spec = ProcessInfo.processInfo.environment["CNN_TUI_DUMP"] else { return }
        let parts = spec.split(separator: ":").map(String.init)
        let model = Zoo.model(named: parts[0])!
        let w = Int(parts[1])!, h = Int(parts[2])!
        var state = try AppState(model: model, size: (w, h))
        for k in parts.dropFirst(3) {
            switch k {
            case "down": state.handle(.down)
            case "enter": state.handle(.enter)
            case "tab": state.handle(.tab)
            default: for c in k { state.handle(.character(c)) }
            }
        }
        let text = state.render().lines.joined(separator: "\n")
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
