import CNCurses
import CNNTUI

#if canImport(Glibc)
    import Glibc
#endif

/// The real terminal, through ncursesw: copies changed cells to the screen and reads keys.
/// The terminal is restored on quit (`shutdown()`), on exit, and on SIGINT/SIGTERM/SIGHUP.
public final class NCursesBackend: TerminalBackend {
    public private(set) var hasColors: Bool
    private var colorPairs: ColorPairs
    private var isOpen = true
    /// What is on screen, so that every cell can be repainted when the colour pairs run out.
    private var shown = Canvas(width: 0, height: 0)

    /// Whether standard input and output are both terminals (the UI needs both).
    public static func isInteractive() -> Bool {
        isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
    }

    /// Starts curses. `colors` false gives a monochrome UI (NO_COLOR, --no-color).
    public init(colors: Bool) {
        setlocale(LC_ALL, "")
        cnn_install_restore_handlers()
        initscr()
        // Raw mode: Ctrl-C arrives as a key and quits through the normal path.
        raw()
        noecho()
        nonl()
        keypad(cnn_stdscr(), true)
        // Home and End as the common terminals send them, whatever TERM's entry says: inside tmux
        // or screen, an xterm TERM gets `ESC [1~` for Home, which its entry spells `ESC O H`.
        for (sequence, key) in [
            ("\u{1b}[1~", KEY_HOME), ("\u{1b}[7~", KEY_HOME), ("\u{1b}[H", KEY_HOME), ("\u{1b}OH", KEY_HOME),
            ("\u{1b}[4~", KEY_END), ("\u{1b}[8~", KEY_END), ("\u{1b}[F", KEY_END), ("\u{1b}OF", KEY_END),
        ] {
            define_key(sequence, key)
        }
        curs_set(0)
        set_escdelay(25)
        let useColors = colors && has_colors()
        if useColors {
            start_color()
            use_default_colors()
        }
        hasColors = useColors
        colorPairs = ColorPairs(colors: useColors ? Int(cnn_colors()) : 0, pairs: useColors ? Int(cnn_color_pairs()) : 0)
        clear()
        refresh()
    }

    deinit {
        shutdown()
    }

    /// Leaves curses and gives the terminal back as it was.
    public func shutdown() {
        guard isOpen else { return }
        isOpen = false
        cnn_restore_terminal()
    }

    public var size: (width: Int, height: Int) {
        (Int(cnn_cols()), Int(cnn_lines()))
    }

    public func invalidate() {
        clearok(cnn_stdscr(), true)
    }

    public func draw(_ changes: [(x: Int, y: Int, cell: Cell)]) {
        let (width, height) = size
        if shown.width != width || shown.height != height { shown = Canvas(width: width, height: height) }
        for change in changes where !change.cell.isContinuation && change.x < width && change.y < height {
            shown[change.x, change.y] = change.cell
            put(change.cell, x: change.x, y: change.y)
        }
        if colorPairs.overflowed {
            // Colour images use many (foreground, background) pairs: when the table is full, start
            // it again from what is on screen now, repainting every cell.
            colorPairs.reset()
            for y in 0..<height {
                for x in 0..<width where !shown[x, y].isContinuation { put(shown[x, y], x: x, y: y) }
            }
        }
        refresh()
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        let style = cell.style
        let pair = hasColors ? colorPairs.pair(foreground: style.foreground, background: style.background) : 0
        let scalar = cell.character.unicodeScalars.first.map { wchar_t(bitPattern: $0.value) } ?? 32
        // Writing the bottom-right cell moves the cursor past the screen and reports ERR; the
        // cell is still drawn, so the result is ignored.
        _ = cnn_put_char(Int32(y), Int32(x), scalar, attributes(style.attributes), Int16(pair))
    }

    private func attributes(_ a: Attributes) -> attr_t {
        var result = cnn_a_normal()
        if a.contains(.bold) { result |= cnn_a_bold() }
        if a.contains(.dim) { result |= cnn_a_dim() }
        if a.contains(.reverse) { result |= cnn_a_reverse() }
        if a.contains(.underline) { result |= cnn_a_underline() }
        return result
    }

    public func readKey(timeoutMilliseconds: Int?) -> Key? {
        timeout(Int32(timeoutMilliseconds ?? -1))
        while true {
            var value: Int32 = 0
            let kind = cnn_get_key(&value)
            if kind == ERR { return nil }
            if let key = KeyDecoder.decode(value, isFunctionKey: kind == KEY_CODE_YES) { return key }
        }
    }
}
