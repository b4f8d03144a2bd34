import Foundation
import TestSupport
import XCTest

/// A real terminal for the real binary: a private tmux server runs `cnn-tui`, keys go in with
/// `send-keys`, the screen comes back with `capture-pane`.
final class TmuxSession {
    let socket: String
    let name = "e2e"

    static var binary: URL { Executable.cnnTUI }

    static func tmuxPath() -> String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `cnn-tui ARGUMENTS` in a width x height window; after it exits the window shows
    /// `EXITED:<status>`.
    convenience init(arguments: [String], width: Int = 120, height: Int = 40) throws {
        let command = ([Self.binary.path] + arguments).map(Self.shellQuoted).joined(separator: " ")
        try self.init(shell: "env TERM=xterm-256color \(command); echo EXITED:$?; sleep 30", width: width, height: height)
    }

    /// Runs the shell command `shell` in a width x height window.
    init(shell: String, width: Int, height: Int) throws {
        socket = "cnn-tui-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // The server this starts outlives the call; it must not inherit a pipe we wait on.
        try tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), shell], captureOutput: false)
    }

    /// Gives the window a new size (the program gets SIGWINCH).
    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)], captureOutput: false)
    }

    deinit {
        _ = try? tmux(["kill-server"], captureOutput: false)
    }

    /// Runs tmux on this session's server through `popen` (Foundation's `Process` waits forever for
    /// a child that starts a daemon, as `tmux new-session` does).
    @discardableResult
    func tmux(_ arguments: [String], captureOutput: Bool = true) throws -> String {
        let words = [Self.tmuxPath()!, "-L", socket, "-f", "/dev/null"] + arguments
        let command =
            words.map(Self.shellQuoted).joined(separator: " ") + " </dev/null 2>/dev/null"
            + (captureOutput ? "" : " >/dev/null")
        guard let pipe = popen(command, "r") else { throw CocoaError(.fileReadUnknown) }
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, pipe)
            if n <= 0 { break }
            output.append(contentsOf: buffer[0..<n])
        }
        pclose(pipe)
        return String(decoding: output, as: UTF8.self)
    }

    static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", name] + keys)
    }

    /// Literal text, typed character by character.
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", name, "-l", text])
    }

    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", name])
    }

    /// Waits until the screen contains `text` (up to `timeout` seconds) and returns it.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 15, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("timed out waiting for '\(text)'; the screen was:\n\(last)", file: file, line: line)
        return last
    }
}
