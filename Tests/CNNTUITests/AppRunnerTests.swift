import CNNModel
import CNNZoo
import XCTest

@testable import CNNTUI

/// The run loop with an in-memory terminal: keys in, only changed cells out.
final class AppRunnerTests: XCTestCase {
    func testOnlyChangedCellsAreRedrawn() throws {
        let backend = TestBackend(width: 120, height: 40, keys: [.down, .character("q")])
        let runner = AppRunner(state: try AppState(model: Zoo.model(named: "resnet50")!), backend: backend)
        runner.run()
        XCTAssertEqual(backend.drawCalls.count, 2, "first frame, then the frame after ↓; q quits without drawing")
        XCTAssertEqual(backend.drawCalls[0].count, 120 * 40)
        XCTAssertLessThan(backend.drawCalls[1].count, 120 * 40 / 4)
        XCTAssertTrue(runner.state.shouldQuit)
    }

    func testResizeRedrawsEverythingAtTheNewSize() throws {
        let backend = TestBackend(width: 120, height: 40)
        let runner = AppRunner(state: try AppState(model: Zoo.model(named: "lenet5")!), backend: backend)
        runner.draw()
        backend.resize(width: 80, height: 24)
        runner.step(backend.readKey(timeoutMilliseconds: nil)!)
        XCTAssertEqual(runner.state.size.width, 80)
        XCTAssertEqual(backend.drawCalls.last?.count, 80 * 24)
        XCTAssertTrue(backend.screen.lines[0].contains("cnn-tui"))
    }

    func testCtrlCQuits() throws {
        let backend = TestBackend(width: 120, height: 40, keys: [.ctrl("c"), .down])
        let runner = AppRunner(state: try AppState(model: Zoo.model(named: "lenet5")!), backend: backend)
        runner.run()
        XCTAssertTrue(runner.state.shouldQuit)
        XCTAssertEqual(backend.keys, [.down])
    }
}
