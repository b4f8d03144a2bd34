import CNNTUI
import Foundation

/// A terminal that also says, in a file, how many keys it has handed over and how many frames
/// it has drawn (`pid=… keys=… frames=…`, rewritten after each frame). The soak test reads it to
/// know that every key was followed by a frame (`CNN_TUI_FRAME_LOG=FILE cnn-tui`).
public final class FrameLog: TerminalBackend {
    private let inner: TerminalBackend
    private let path: String
    private var keys = 0
    private var frames = 0

    public init(_ inner: TerminalBackend, path: String) {
        self.inner = inner
        self.path = path
        write()
    }

    public var size: (width: Int, height: Int) { inner.size }
    public var hasColors: Bool { inner.hasColors }

    public func draw(_ changes: [(x: Int, y: Int, cell: Cell)]) {
        inner.draw(changes)
        frames += 1
        write()
    }

    public func invalidate() { inner.invalidate() }

    public func readKey(timeoutMilliseconds: Int?) -> Key? {
        let key = inner.readKey(timeoutMilliseconds: timeoutMilliseconds)
        if key != nil { keys += 1 }
        return key
    }

    private func write() {
        let text = "pid=\(getpid()) keys=\(keys) frames=\(frames)\n"
        // Written whole and renamed, so that a reader never sees half a line.
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
