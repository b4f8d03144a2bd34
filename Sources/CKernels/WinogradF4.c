// Winograd's F(4x4, 3x3) (Lavin & Gray 2016): each 4x4 block of outputs of a 3x3 stride-1
// convolution costs 36 multiplications per channel pair instead of 144, 4x fewer (F(2x2, 3x3):
// 2.25x). The transforms have small integer and fractional coefficients, so the results are a
// little less exact than F(2x2, 3x3)'s; the 36 products are matrix products.
//
//   B^T = | 4  0 -5  0  1  0 |     G = |  1/4     0     0  |     A^T = | 1  1  1  1  1  0 |
//         | 0 -4 -4  1  1  0 |         | -1/6  -1/6  -1/6  |           | 0  1 -1  2 -2  0 |
//         | 0  4 -4 -1  1  0 |         | -1/6   1/6  -1/6  |           | 0  1  1  4  4  0 |
//         | 0 -2 -1  2  1  0 |         | 1/24  1/12   1/6  |           | 0  1 -1  8 -8  1 |
//         | 0  2 -1 -2  1  0 |         | 1/24 -1/12   1/6  |
//         | 0  4  0 -5  0  1 |         |   0     0     1   |
#include <string.h>

#include "Dispatch.h"
#include "WinogradLines.h"

CNN_INLINE void cnn_winograd_f4k3_weights_body(float *restrict transformed, const float *restrict weight,
                                               size_t outChannels, size_t inChannels) {
    const size_t plane = outChannels * inChannels;
    for (size_t o = 0; o < outChannels; o++) {
        const float *filters = weight + o * inChannels * 9;
        float *u = transformed + o * inChannels;
        for (size_t c = 0; c < inChannels; c++) {
            const float *g = filters + c * 9;
            float t[6][3];  // G g
            for (int j = 0; j < 3; j++) {
                const float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
                t[0][j] = 0.25f * g0;
                t[1][j] = -(g0 + g1 + g2) / 6.0f;
                t[2][j] = -(g0 - g1 + g2) / 6.0f;
                t[3][j] = g0 / 24.0f + g1 / 12.0f + g2 / 6.0f;
                t[4][j] = g0 / 24.0f - g1 / 12.0f + g2 / 6.0f;
                t[5][j] = g2;
            }
            for (int i = 0; i < 6; i++) {  // (G g) G^T
                const float g0 = t[i][0], g1 = t[i][1], g2 = t[i][2];
                u[(size_t)(i * 6 + 0) * plane + c] = 0.25f * g0;
                u[(size_t)(i * 6 + 1) * plane + c] = -(g0 + g1 + g2) / 6.0f;
                u[(size_t)(i * 6 + 2) * plane + c] = -(g0 - g1 + g2) / 6.0f;
                u[(size_t)(i * 6 + 3) * plane + c] = g0 / 24.0f + g1 / 12.0f + g2 / 6.0f;
                u[(size_t)(i * 6 + 4) * plane + c] = g0 / 24.0f - g1 / 12.0f + g2 / 6.0f;
                u[(size_t)(i * 6 + 5) * plane + c] = g2;
            }
        }
    }
}
CNN_KERNEL(cnn_winograd_f4k3_weights, (float *transformed, const float *weight, size_t outChannels, size_t inChannels),
           (transformed, weight, outChannels, inChannels))

// B^T applied to six values (floats or cnn_v16).
#define CNN_WINOGRAD_BT(d, at)                                                                   \
    do {                                                                                         \
        const __typeof__(d(0)) d0 = d(0), d1 = d(1), d2 = d(2), d3 = d(3), d4 = d(4), d5 = d(5); \
        at(0) = 4.0f * d0 - 5.0f * d2 + d4;                                                      \
        at(1) = d3 + d4 - 4.0f * (d1 + d2);                                                      \
        at(2) = d4 - d3 + 4.0f * (d1 - d2);                                                      \
        at(3) = d4 - d2 + 2.0f * (d3 - d1);                                                      \
        at(4) = d4 - d2 + 2.0f * (d1 - d3);                                                      \
        at(5) = 4.0f * d1 - 5.0f * d3 + d5;                                                      \
    } while (0)

size_t cnn_winograd_f4k3_scratch(long tilesX, long tileRows) { return cnn_winograd_scratch_floats(tilesX, tileRows, 4); }

// The block's tiles 16 at a time, each of the 36 points a vector of 16 tiles. First B^T down the
// columns of every tile row's six input lines (one pass over contiguous floats), then across:
// each line's columns split into their four phases (column 4t + k of tile t), the fifth and
// sixth columns being the next tile's first two, or past the row's last tile the two columns
// kept aside.
CNN_INLINE void cnn_winograd_f4k3_input_body(float *transformed, size_t plane, size_t pitch, const float *in,
                                             size_t channels, long height, long width, long padTop, long padLeft,
                                             long tilesX, long tileRow, long tileRows, float *scratch) {
    const cnn_winograd_scratch_layout s = cnn_winograd_scratch_of(tilesX, tileRows, 4);
    const long tiles = s.tiles, rowFloats = 4 * tilesX, groups = (tiles + 15) / 16;
    float *bt = scratch, *aside = scratch + 6 * s.lineFloats, *input = aside + 12 * tileRows;
    const cnn_winograd_line_layout layout = cnn_winograd_line_layout_of(s.inputLine, width, padLeft);
    for (size_t c = 0; c < channels; c++) {
        const float *source = in + c * (size_t)(height * width);
        for (long r = 0; r < tileRows; r++) {
            float *lines[6];
            cnn_winograd_tile_lines(lines, 6, input, source, 4 * (tileRow + r) - padTop, height, width, layout);
            // Columns 0 ..< 4 tilesX + 2, in vectors: the last one writes into the next row's place
            // (not yet written) or the padding, after which the two columns past the row are kept aside.
            for (long x = 0; x < s.inputLine; x += 16) {
#define DOWN_IN(i) d##i##_
#define DOWN_OUT(k) rows[k]
                cnn_v16 d0_, d1_, d2_, d3_, d4_, d5_, rows[6];
                CNN_V16_LOAD(d0_, lines[0] + x);
                CNN_V16_LOAD(d1_, lines[1] + x);
                CNN_V16_LOAD(d2_, lines[2] + x);
                CNN_V16_LOAD(d3_, lines[3] + x);
                CNN_V16_LOAD(d4_, lines[4] + x);
                CNN_V16_LOAD(d5_, lines[5] + x);
                CNN_WINOGRAD_BT(DOWN_IN, DOWN_OUT);
#undef DOWN_IN
#undef DOWN_OUT
                for (int k = 0; k < 6; k++) CNN_V16_STORE(bt + k * s.lineFloats + r * rowFloats + x, rows[k]);
            }
            cnn_winograd_keep_aside(aside, bt, s, 6, rowFloats, r, tileRows);
        }
        float *v = transformed + c * pitch;
        for (int k = 0; k < 6; k++) {
            const float *line = bt + k * s.lineFloats;
            const float *kept = aside + k * tileRows * 2;
            for (long g = 0; g < groups; g++) {
                const long first = cnn_winograd_group(g, tiles);
                cnn_v16 p[6], out[6];
                CNN_V16_DEINTERLEAVE4(line + 4 * first, p[0], p[1], p[2], p[3], p[4], p[5]);
                cnn_winograd_row_ends(&p[4], &p[5], kept, first, tiles, tilesX);
#define ACROSS_IN(j) p[j]
#define ACROSS_OUT(j) out[j]
                CNN_WINOGRAD_BT(ACROSS_IN, ACROSS_OUT);
#undef ACROSS_IN
#undef ACROSS_OUT
                cnn_winograd_store_group(v + (size_t)(6 * k) * plane + first, plane, out, 6, tiles);
            }
        }
    }
}
#undef CNN_WINOGRAD_BT
CNN_KERNEL(cnn_winograd_f4k3_input,
           (float *transformed, size_t plane, size_t pitch, const float *in, size_t channels, long height, long width,
            long padTop, long padLeft, long tilesX, long tileRow, long tileRows, float *scratch),
           (transformed, plane, pitch, in, channels, height, width, padTop, padLeft, tilesX, tileRow, tileRows,
            scratch))

// The block's tiles 16 at a time, as the input transform: A^T m down, then across, the four
// output columns of the 16 tiles interleaved into one line per output row (row r of tile t at
// 4t of line r), from which the output rows are copied.
CNN_INLINE void cnn_winograd_f4k3_output_body(float *out, const float *products, size_t plane, size_t pitch,
                                              const float *bias, size_t outChannels, long outHeight, long outWidth,
                                              long tilesX, long tileRow, long tileRows, float lower, float upper,
                                              float *scratch) {
    const cnn_winograd_scratch_layout s = cnn_winograd_scratch_of(tilesX, tileRows, 4);
    const long tiles = s.tiles, groups = (tiles + 15) / 16;
    for (size_t o = 0; o < outChannels; o++) {
        const float b = bias ? bias[o] : 0.0f;
        float *target = out + o * (size_t)(outHeight * outWidth);
        const float *m = products + o * pitch;
        for (long g = 0; g < groups; g++) {
            const long first = cnn_winograd_group(g, tiles);
            cnn_v16 down[4][6];  // A^T m: the rows...
            for (int j = 0; j < 6; j++) {
                cnn_v16 q[6];
                for (int i = 0; i < 6; i++) cnn_winograd_load_point(&q[i], m + (size_t)(6 * i + j) * plane + first, tiles);
                down[0][j] = q[0] + q[1] + q[2] + q[3] + q[4];
                down[1][j] = q[1] - q[2] + 2.0f * (q[3] - q[4]);
                down[2][j] = q[1] + q[2] + 4.0f * (q[3] + q[4]);
                down[3][j] = q[1] - q[2] + 8.0f * (q[3] - q[4]) + q[5];
            }
            for (int r = 0; r < 4; r++) {  // ... then (A^T m) A: the columns.
                const cnn_v16 *q = down[r];
                cnn_v16 y0 = q[0] + q[1] + q[2] + q[3] + q[4] + b;
                cnn_v16 y1 = q[1] - q[2] + 2.0f * (q[3] - q[4]) + b;
                cnn_v16 y2 = q[1] + q[2] + 4.0f * (q[3] + q[4]) + b;
                cnn_v16 y3 = q[1] - q[2] + 8.0f * (q[3] - q[4]) + q[5] + b;
                CNN_V16_CLAMP(y0, lower, upper);
                CNN_V16_CLAMP(y1, lower, upper);
                CNN_V16_CLAMP(y2, lower, upper);
                CNN_V16_CLAMP(y3, lower, upper);
                CNN_V16_INTERLEAVE4(scratch + r * s.lineFloats + 4 * first, y0, y1, y2, y3);
            }
        }
        for (long r = 0; r < tileRows; r++) {
            const long y = 4 * (tileRow + r);
            for (int line = 0; line < 4 && y + line < outHeight; line++)
                memcpy(target + (y + line) * outWidth, scratch + line * s.lineFloats + r * 4 * tilesX,
                       (size_t)outWidth * sizeof(float));
        }
    }
}
CNN_KERNEL(cnn_winograd_f4k3_output,
           (float *out, const float *products, size_t plane, size_t pitch, const float *bias, size_t outChannels,
            long outHeight, long outWidth, long tilesX, long tileRow, long tileRows, float lower, float upper,
            float *scratch),
           (out, products, plane, pitch, bias, outChannels, outHeight, outWidth, tilesX, tileRow, tileRows, lower,
            upper, scratch))
