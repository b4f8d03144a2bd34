// What the Winograd transforms of both tile sizes (Winograd.c's F(2x2, 3x3), WinogradF4.c's
// F(4x4, 3x3)) share: the input lines they read (one input row, zero-padded to the width the
// row's tiles span) and their scratch space, and the pieces of working on a block's tiles 16 at a
// time.
#ifndef CNN_TUI_CKERNELS_WINOGRAD_LINES_H
#define CNN_TUI_CKERNELS_WINOGRAD_LINES_H

#include <string.h>

#include "Vector16.h"

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

// The scratch space of a transform for tiles of `outputs` x `outputs` outputs, read through
// outputs + 2 input lines: those lines after B^T down the columns, for every tile row of the
// block, each `outputs` tilesX wide (tile t of the block's flattened tiles at `outputs` t) and
// padded for the last vector's reads; the two columns each row's last tile reads past it, per line
// and row; and one tile row's input lines. The output transform's `outputs` lines of
// `outputs` tiles floats fit in the first part.
typedef struct {
    long tiles, lineFloats, inputLine;
} cnn_winograd_scratch_layout;

static inline cnn_winograd_scratch_layout cnn_winograd_scratch_of(long tilesX, long tileRows, long outputs) {
    cnn_winograd_scratch_layout l;
    l.tiles = tilesX * tileRows;
    l.lineFloats = outputs * (l.tiles > 16 ? l.tiles : 16) + 16 * outputs + 16;
    l.inputLine = (outputs * tilesX + 2 + 15) / 16 * 16;
    return l;
}

static inline size_t cnn_winograd_scratch_floats(long tilesX, long tileRows, long outputs) {
    const cnn_winograd_scratch_layout l = cnn_winograd_scratch_of(tilesX, tileRows, outputs);
    return (size_t)((outputs + 2) * (l.lineFloats + 2 * tileRows + l.inputLine));
}

// Where each group of 16 of the block's tiles starts: 16 g, the last one moved back to end at the
// last tile (tiles in both groups are computed twice, identically); 0 when there are fewer.
static inline long cnn_winograd_group(long g, long tiles) {
    const long first = 16 * g;
    return first + 16 <= tiles || tiles < 16 ? first : tiles - 16;
}

// After tile row r's B^T down the columns: the two columns past the row, of each of the `lines`
// lines, kept aside before the next row writes over them.
static inline void cnn_winograd_keep_aside(float *aside, const float *bt, cnn_winograd_scratch_layout s, int lines,
                                           long rowFloats, long r, long tileRows) {
    for (int k = 0; k < lines; k++) {
        aside[(k * tileRows + r) * 2] = bt[k * s.lineFloats + (r + 1) * rowFloats];
        aside[(k * tileRows + r) * 2 + 1] = bt[k * s.lineFloats + (r + 1) * rowFloats + 1];
    }
}

// The lanes of rows' last tiles in the group at `first`: their last two columns, which the
// vectors took from the next row, are the ones kept aside (`kept`: a line's, two per row).
static inline __attribute__((always_inline)) void cnn_winograd_row_ends(cnn_v16 *secondLast, cnn_v16 *last,
                                                                         const float *kept, long first, long tiles,
                                                                         long tilesX) {
    for (long end = (first / tilesX + 1) * tilesX - 1; end < first + 16 && end < tiles; end += tilesX) {
        const long row = end / tilesX;
        (*secondLast)[end - first] = kept[2 * row];
        (*last)[end - first] = kept[2 * row + 1];
    }
}

// The `count` points of a group of tiles at target, `plane` floats apart: whole vectors, or the
// block's `tiles` lanes when it has fewer than 16.
static inline __attribute__((always_inline)) void cnn_winograd_store_group(float *target, size_t plane,
                                                                            const cnn_v16 *points, int count,
                                                                            long tiles) {
    for (int j = 0; j < count; j++) {
        if (tiles >= 16) {
            CNN_V16_STORE(target + (size_t)j * plane, points[j]);
        } else {
            for (long t = 0; t < tiles; t++) target[(size_t)j * plane + t] = points[j][t];
        }
    }
}

// One point of a group of tiles: a whole vector, or the block's `tiles` lanes and zeros.
static inline __attribute__((always_inline)) void cnn_winograd_load_point(cnn_v16 *point, const float *from,
                                                                           long tiles) {
    if (tiles >= 16) {
        CNN_V16_LOAD(*point, from);
    } else {
        *point = (cnn_v16){0};
        for (long t = 0; t < tiles; t++) (*point)[t] = from[t];
    }
}

#endif
