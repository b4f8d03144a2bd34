// A thin shim over ncursesw for Swift. SwiftPM drops pkg-config's -D flags, so the wide-character
// API is switched on here; macros that do not import into Swift are wrapped in inline functions.
#ifndef CNN_TUI_CNCURSES_SHIM_H
#define CNN_TUI_CNCURSES_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <wchar.h>
#include <ncurses.h>

static inline WINDOW *cnn_stdscr(void) { return stdscr; }
static inline attr_t cnn_a_normal(void) { return A_NORMAL; }
static inline attr_t cnn_a_bold(void) { return A_BOLD; }
static inline attr_t cnn_a_dim(void) { return A_DIM; }
static inline attr_t cnn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cnn_a_underline(void) { return A_UNDERLINE; }
static inline int cnn_colors(void) { return COLORS; }
static inline int cnn_color_pairs(void) { return COLOR_PAIRS; }
static inline int cnn_lines(void) { return LINES; }
static inline int cnn_cols(void) { return COLS; }

/// Writes one character (a Unicode scalar) with attributes and a colour pair at (y, x).
static inline int cnn_put_char(int y, int x, wchar_t ch, attr_t attrs, short pair) {
    cchar_t cell;
    wchar_t text[2] = { ch, 0 };
    setcchar(&cell, text, attrs, pair, NULL);
    return mvadd_wch(y, x, &cell);
}

/// Reads one key: returns OK with a character, KEY_CODE_YES with a function key, ERR on timeout.
static inline int cnn_get_key(int *key) {
    wint_t value = 0;
    int kind = get_wch(&value);
    *key = (int)value;
    return kind;
}

/// Restores the terminal if curses is active; safe to call more than once (atexit, signals).
static inline void cnn_restore_terminal(void) {
    if (!isendwin()) { endwin(); }
}

static void cnn_signal_handler(int sig) {
    cnn_restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT restore the terminal before the process ends; so does exit().
static inline void cnn_install_restore_handlers(void) {
    signal(SIGINT, cnn_signal_handler);
    signal(SIGTERM, cnn_signal_handler);
    signal(SIGHUP, cnn_signal_handler);
    signal(SIGQUIT, cnn_signal_handler);
    atexit(cnn_restore_terminal);
}

#endif
