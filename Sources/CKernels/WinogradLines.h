// The input lines the Winograd input transforms read (Winograd.c's F(2x2, 3x3), WinogradF4.c's
// F(4x4, 3x3)): one input row, zero-padded to the width the row's tiles span.
#ifndef CNN_TUI_CKERNELS_WINOGRAD_LINES_H
#define CNN_TUI_CKERNELS_WINOGRAD_LINES_H

#include <string.h>

// A line of `width` floats: padded column k is input column k - padLeft, so the input's columns
// 0 ..< columns land at first ..< first + columns.
typedef struct {
    long width, first, columns;
} cnn_winograd_line_layout;

static inline cnn_winograd_line_layout cnn_winograd_line_layout_of(long lineWidth, long inputWidth, long padLeft) {
    cnn_winograd_line_layout l = {lineWidth, padLeft < lineWidth ? padLeft : lineWidth, lineWidth - padLeft};
    l.columns = l.columns < inputWidth ? l.columns : inputWidth;
    l.columns = l.columns > 0 ? l.columns : 0;
    return l;
}

// Row iy of plane ([height][inputWidth]) into line, zeros outside the input.
static inline void cnn_winograd_line(float *line, const float *plane, long iy, long height, long inputWidth,
                                     cnn_winograd_line_layout l) {
    if (iy < 0 || iy >= height) {
        memset(line, 0, (size_t)l.width * sizeof(float));
        return;
    }
    memset(line, 0, (size_t)l.first * sizeof(float));
    memcpy(line + l.first, plane + iy * inputWidth, (size_t)l.columns * sizeof(float));
    memset(line + l.first + l.columns, 0, (size_t)(l.width - l.first - l.columns) * sizeof(float));
}

// The `count` lines a row of tiles reads, input rows firstRow ..< firstRow + count, one after
// another in scratch.
static inline void cnn_winograd_tile_lines(float **lines, int count, float *scratch, const float *plane, long firstRow,
                                           long height, long inputWidth, cnn_winograd_line_layout l) {
    for (int i = 0; i < count; i++) {
        lines[i] = scratch + i * l.width;
        cnn_winograd_line(lines[i], plane, firstRow + i, height, inputWidth, l);
    }
}

#endif
