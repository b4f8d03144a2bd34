import Foundation

/// The `cnn-tui` executable as SwiftPM built it for these tests, to run as a user would.
public enum Executable {
    /// `CNN_TUI_BINARY` picks another build (Scripts/soak.sh runs the release one).
    public static let cnnTUI: URL = {
        if let path = ProcessInfo.processInfo.environment["CNN_TUI_BINARY"] { return URL(fileURLWithPath: path) }
        // On Linux the test bundle's URL is the build products directory itself; on macOS the
        // .xctest bundle sits inside it. The executable is built beside it.
        let bundle = Bundle(for: Marker.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent("cnn-tui") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    private final class Marker {}
}
