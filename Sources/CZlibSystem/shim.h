// zlib for Swift: gzip decompression of IDX files.
#ifndef CNN_TUI_CZLIB_SHIM_H
#define CNN_TUI_CZLIB_SHIM_H
#include <zlib.h>

/// inflateInit2 is a macro in zlib.h; this calls it with gzip/zlib header detection (15 + 32).
static inline int cnn_inflate_init_auto(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
#endif
