import Foundation
import TestSupport
import XCTest

/// The browser under abuse, in tmux: random keys (printable, arrows, function keys, escape
/// sequences, Ctrl-keys but Ctrl-C and Ctrl-Z) over every screen and overlay they reach, with a
/// resize to a random size every few hundred keys; after every key a frame must follow within a
/// second (the program says how many it drew: `CNN_TUI_FRAME_LOG`), and at the end Ctrl-C must
/// leave the terminal as it was (`stty -g` before and after). 500 keys on LeNet-5 here;
/// Scripts/soak.sh runs 10,000 on lenet5, googlenet and vgg16 with the release build
/// (`CNN_TUI_SOAK_KEYS`, `CNN_TUI_SOAK_MODELS`, `CNN_TUI_SOAK_SEED`).
final class SoakTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipIf(TmuxSession.tmuxPath() == nil, "tmux is not installed (Scripts/install-deps.sh installs it)")
    }

    /// What the test sends: tmux key names, or literal bytes (escape sequences).
    static let named =
        ["Up", "Down", "Left", "Right", "Home", "End", "PageUp", "PageDown", "Enter", "Escape", "Tab", "BTab", "BSpace", "DC", "IC", "Space"]
        + (1...12).map { "F\($0)" }
        // Ctrl-keys but C-c (interrupt), C-z (suspend), C-\ (quit), C-s and C-q (flow control).
        + "abdefghijklmnoprtuvwxy".map { "C-\($0)" } + ["M-a", "M-x", "M-Enter"]
    static let printable = Array("abcdefghijklmnoprstuvwxyzABCDEFGHIJKLMNOPRSTUVWXYZ0123456789 []{}()<>+-=_/?.,:;!@#$%^&*'\"`~|")
    static let sequences = [
        "\u{1B}[1;5A", "\u{1B}[1;2C", "\u{1B}[200~pasted\u{1B}[201~", "\u{1B}[M !!", "\u{1B}O", "\u{1B}[", "\u{1B}[99;99R", "\u{1B}[<0;10;5M",
        "\u{1B}\u{1B}", "é", "日本", "\u{7F}",
    ]

    struct FrameLog {
        var pid = 0, keys = 0, frames = 0
        init?(path: String) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            for field in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                let parts = field.split(separator: "=")
                guard parts.count == 2, let n = Int(parts[1]) else { continue }
                switch parts[0] {
                case "pid": pid = n
                case "keys": keys = n
                case "frames": frames = n
                default: break
                }
            }
        }
    }

    func testRandomKeysAndResizes() throws {
        let environment = ProcessInfo.processInfo.environment
        let keys = Int(environment["CNN_TUI_SOAK_KEYS"] ?? "") ?? 500
        let models = (environment["CNN_TUI_SOAK_MODELS"] ?? "lenet5").split(separator: ",").map(String.init)
        var random = SeededGenerator(seed: UInt64(environment["CNN_TUI_SOAK_SEED"] ?? "") ?? 7)
        for model in models { try soak(model, keys: keys, random: &random) }
    }

    /// `cnn-tui ARGUMENTS` in tmux, in a folder of its own (a save the keys stumble into writes
    /// there), reporting its frames in FOLDER/frames, with `stty -g` written before and after.
    private func launch(_ arguments: [String], name: String) throws -> (tmux: TmuxSession, folder: URL, log: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-soak-\(getpid())-\(name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let command = ([TmuxSession.binary.path] + arguments).map(TmuxSession.shellQuoted).joined(separator: " ")
        let shell =
            "cd \(TmuxSession.shellQuoted(folder.path)) && stty -g > stty-before; "
            // The settings are written before the exit status is shown: the test reads them when it sees it.
            + "env TERM=xterm-256color CNN_TUI_FRAME_LOG=frames \(command); rc=$?; stty -g > stty-after; echo EXITED:$rc; sleep 60"
        return (try TmuxSession(shell: shell, width: 120, height: 40), folder, folder.appendingPathComponent("frames").path)
    }

    private func soak(_ model: String, keys: Int, random: inout SeededGenerator) throws {
        let (tmux, folder, log) = try launch(["open", model], name: model)
        var last = try waitForFrame(after: -1, log: log, what: "\(model): the first frame", timeout: 60)
        var swallowed = 0, slowest = 0.0, resizes = 0
        var history: [String] = []
        var size = (width: 120, height: 40)
        for i in 0..<keys {
            if i % 250 == 0 {
                var (w, h) = (40 + Int(random.next() % 211), 10 + Int(random.next() % 71))
                if (w, h) == size { w = w == 250 ? 249 : w + 1 }  // a new size, so that SIGWINCH comes
                size = (w, h)
                try tmux.resize(width: w, height: h)
                resizes += 1
                last = try waitForFrame(after: last.frames, log: log, what: "\(model): key \(i), a resize to \(w)x\(h)")
            }
            let started = Date()
            let key: String
            switch random.next() % 10 {
            case 0..<4:
                key = String(Self.printable[Int(random.next() % UInt64(Self.printable.count))])
                try tmux.type(key)
            case 4..<9:
                key = Self.named[Int(random.next() % UInt64(Self.named.count))]
                try tmux.send(key)
            default:
                key = Self.sequences[Int(random.next() % UInt64(Self.sequences.count))]
                try tmux.type(key)
            }
            history = Array((history + [key.debugDescription]).suffix(12))
            // A key the program has no use for (F1-F12, an escape sequence it does not know)
            // draws nothing: a resize then proves the loop is alive.
            if let next = try? waitForFrame(after: last.frames, log: log, what: "", timeout: 1, failing: false) {
                last = next
                slowest = max(slowest, Date().timeIntervalSince(started))
            } else {
                swallowed += 1
                size.width += size.width > 40 ? -1 : 1  // a new size, so that SIGWINCH comes
                try tmux.resize(width: size.width, height: size.height)
                last = try waitForFrame(
                    after: last.frames, log: log,
                    what: "\(model): key \(i) got no frame, nor did a resize after it; the last keys: \(history.joined(separator: " "))\n"
                        + ((try? tmux.screen()) ?? ""))
            }
        }
        try tmux.send("C-c")
        try tmux.waitFor("EXITED:130", timeout: 30)
        let before = try String(contentsOf: folder.appendingPathComponent("stty-before"), encoding: .utf8)
        let after = try String(contentsOf: folder.appendingPathComponent("stty-after"), encoding: .utf8)
        XCTAssertEqual(before, after, "\(model): the terminal settings are restored")
        // About one key in nine is an F-key or an unknown sequence; far more would mean keys lost.
        XCTAssertLessThan(swallowed, keys / 5, "\(model): \(swallowed) of \(keys) keys drew nothing")
        print(
            "soak \(model): \(keys) keys, \(resizes) resizes, \(last.frames) frames; \(swallowed) keys drew nothing; slowest key to frame \(String(format: "%.3f", slowest)) s"
        )
    }

    /// Peak memory after 200 sample changes on VGG-16 (each sent while the engine computes the
    /// last) within 10% of the peak after 20: no growth per pass. Scripts/soak.sh runs it
    /// (`CNN_TUI_SOAK_MEMORY=1`, the release build); too long for `swift test`.
    func testMemoryDoesNotGrowWithSampleChanges() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["CNN_TUI_SOAK_MEMORY"] == "1", "Scripts/soak.sh runs it")
        let (tmux, _, log) = try launch(["open", "vgg16", "--screen", "maps"], name: "memory")
        try tmux.waitFor("forward pass:", timeout: 120)
        let pid = try waitForFrame(after: -1, log: log, what: "the first frame").pid
        func peak(afterChanges count: Int) throws -> (peak: Int, now: Int) {
            for _ in 0..<count {
                try tmux.type("]")
                Thread.sleep(forTimeInterval: 0.25)  // about a pass: most changes land mid-pass
            }
            try tmux.waitFor("forward pass:", timeout: 120)
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            func kilobytes(_ field: String) -> Int {
                // "VmHWM:\t  123456 kB": the number after the name, whatever the spacing.
                let line = status.split(separator: "\n").first { $0.hasPrefix(field) }
                return line.flatMap { Int($0.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") } ?? 0
            }
            return (kilobytes("VmHWM:"), kilobytes("VmRSS:"))
        }
        let after20 = try peak(afterChanges: 20)
        XCTAssertGreaterThan(after20.peak, 100_000, "VGG-16's peak RSS read from /proc/\(pid)/status")
        let after200 = try peak(afterChanges: 180)
        print(
            "soak memory vgg16: peak RSS \(after20.peak / 1024) MB after 20 sample changes, \(after200.peak / 1024) MB after 200; "
                + "RSS now \(after20.now / 1024) MB and \(after200.now / 1024) MB")
        XCTAssertLessThanOrEqual(Double(after200.peak), 1.1 * Double(after20.peak))
        try tmux.send("C-c")
        try tmux.waitFor("EXITED:130", timeout: 30)
    }

    /// Waits until the program has drawn a frame after frame `frames`.
    @discardableResult
    private func waitForFrame(
        after frames: Int, log: String, what: String, timeout: TimeInterval = 1, failing: Bool = true, file: StaticString = #filePath,
        line: UInt = #line
    ) throws -> FrameLog {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let now = FrameLog(path: log), now.frames > frames { return now }
            Thread.sleep(forTimeInterval: 0.005)
        }
        if failing { XCTFail("no frame within \(timeout) s: \(what)", file: file, line: line) }
        throw CocoaError(.fileReadUnknown)
    }
}
