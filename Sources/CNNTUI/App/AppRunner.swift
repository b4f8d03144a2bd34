/// The loop: draw, read a key, update the state, draw what changed.
public final class AppRunner {
    public private(set) var state: AppState
    private let backend: TerminalBackend
    private let ascii: Bool
    private var previous: Canvas?

    public init(state: AppState, backend: TerminalBackend, ascii: Bool = false) {
        self.state = state
        self.backend = backend
        self.ascii = ascii
        self.state.size = backend.size
    }

    /// Runs until the user quits or the backend has no more keys (end of input). While the
    /// engine computes, it wakes every few milliseconds to draw its progress.
    public func run() {
        draw()
        while !state.shouldQuit {
            let waiting =
                engineVersion != drawnVersion || state.featureMaps.session?.isBusy == true
                || state.featureMaps.explanations?.isBusy == true
            guard let key = backend.readKey(timeoutMilliseconds: waiting ? 40 : nil) else {
                if waiting {
                    if engineVersion != drawnVersion { draw() }
                    continue
                }
                break
            }
            step(key)
        }
    }

    /// Changes whenever the engine has something new to show.
    private var engineVersion: Int {
        (state.featureMaps.engine?.version ?? -1) &+ 1_000_000 &* (state.featureMaps.explanations?.snapshot.version ?? 0)
    }
    private var drawnVersion = -1

    /// Handles one key and draws the frame that follows.
    public func step(_ key: Key) {
        if key == .resize {
            state.size = backend.size
            previous = nil
            backend.invalidate()
        }
        state.handle(key)
        if !state.shouldQuit { draw() }
    }

    /// Renders the state and sends the backend only the cells that changed.
    public func draw() {
        drawnVersion = engineVersion
        var canvas = state.render()
        if ascii { canvas = canvas.asciiOnly() }
        backend.draw(canvas.changes(since: previous))
        previous = canvas
    }
}
