// Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray 2016): each 2x2 block of outputs of a
// 3x3 stride-1 convolution costs 16 multiplications per channel pair instead of 36. The
// transforms are additions only; the 16 products become 16 matrix products that SGEMM does.
//
//   B^T = | 1  0 -1  0 |     G = |  1    0    0  |     A^T = | 1  1  1  0 |
//         | 0  1  1  0 |         | 1/2  1/2  1/2 |           | 0  1 -1 -1 |
//         | 0 -1  1  0 |         | 1/2 -1/2  1/2 |
//         | 0  1  0 -1 |         |  0    0    1  |
#include <string.h>

#include "Dispatch.h"
#include "WinogradLines.h"

size_t cnn_winograd_plane_stride(size_t channels, size_t tiles) {
    // An odd number of cache lines: the 16 planes that each tile's transform writes (or reads)
    // then fall into 16 different cache sets. With a stride of a multiple of 4 KiB they would all
    // share one set, and on 224x224 maps the transforms ran 20 times slower.
    size_t lines = (channels * tiles * sizeof(float) + 63) / 64;
    lines |= 1;
    return lines * 64 / sizeof(float);
}

CNN_INLINE void cnn_winograd_f2k3_weights_body(float *restrict transformed, const float *restrict weight,
                                               size_t outChannels, size_t inChannels) {
    const size_t plane = outChannels * inChannels;
    // Channel by channel along each filter's row of U, so that the 16 stores go to consecutive
    // addresses of their planes (and vectorize, the 9 loads then strided).
    for (size_t o = 0; o < outChannels; o++) {
        const float *filters = weight + o * inChannels * 9;
        float *u = transformed + o * inChannels;
        for (size_t c = 0; c < inChannels; c++) {
            const float *g = filters + c * 9;
            float t[4][3];  // G g
            for (int j = 0; j < 3; j++) {
                t[0][j] = g[j];
                t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
                t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
                t[3][j] = g[6 + j];
            }
            for (int i = 0; i < 4; i++) {  // (G g) G^T
                u[(size_t)(i * 4 + 0) * plane + c] = t[i][0];
                u[(size_t)(i * 4 + 1) * plane + c] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
                u[(size_t)(i * 4 + 2) * plane + c] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
                u[(size_t)(i * 4 + 3) * plane + c] = t[i][2];
            }
        }
    }
}
CNN_KERNEL(cnn_winograd_f2k3_weights, (float *transformed, const float *weight, size_t outChannels, size_t inChannels),
           (transformed, weight, outChannels, inChannels))

size_t cnn_winograd_f2k3_scratch(long tilesX, long tileRows) { return cnn_winograd_scratch_floats(tilesX, tileRows, 2); }

// The block's tiles 16 at a time, each of the 16 points a vector of 16 tiles: B^T down the
// columns of every tile row's four input lines, then across, each line's columns split into
// even and odd (column 2t + k of tile t), the third and fourth columns being the next tile's
// first two, or past the row's last tile the two columns kept aside.
CNN_INLINE void cnn_winograd_f2k3_input_body(float *transformed, size_t plane, size_t pitch, const float *in,
                                             size_t channels, long height, long width, long padTop, long padLeft,
                                             long tilesX, long tileRow, long tileRows, float *scratch) {
    const cnn_winograd_scratch_layout s = cnn_winograd_scratch_of(tilesX, tileRows, 2);
    const long tiles = s.tiles, rowFloats = 2 * tilesX, groups = (tiles + 15) / 16;
    float *bt = scratch, *aside = scratch + 4 * s.lineFloats, *input = aside + 8 * tileRows;
    const cnn_winograd_line_layout layout = cnn_winograd_line_layout_of(s.inputLine, width, padLeft);
    for (size_t c = 0; c < channels; c++) {
        const float *source = in + c * (size_t)(height * width);
        for (long r = 0; r < tileRows; r++) {
            float *lines[4];
            cnn_winograd_tile_lines(lines, 4, input, source, 2 * (tileRow + r) - padTop, height, width, layout);
            // Columns 0 ..< 2 tilesX + 2, in vectors: the last one writes into the next row's place
            // (not yet written) or the padding, after which the two columns past the row are kept aside.
            for (long x = 0; x < s.inputLine; x += 16) {
                cnn_v16 d0, d1, d2, d3;
                CNN_V16_LOAD(d0, lines[0] + x);
                CNN_V16_LOAD(d1, lines[1] + x);
                CNN_V16_LOAD(d2, lines[2] + x);
                CNN_V16_LOAD(d3, lines[3] + x);
                const cnn_v16 rows[4] = {d0 - d2, d1 + d2, d2 - d1, d1 - d3};
                for (int k = 0; k < 4; k++) CNN_V16_STORE(bt + k * s.lineFloats + r * rowFloats + x, rows[k]);
            }
            cnn_winograd_keep_aside(aside, bt, s, 4, rowFloats, r, tileRows);
        }
        float *v = transformed + c * pitch;
        for (int k = 0; k < 4; k++) {
            const float *line = bt + k * s.lineFloats;
            const float *kept = aside + k * tileRows * 2;
            for (long g = 0; g < groups; g++) {
                const long first = cnn_winograd_group(g, tiles);
                const float *p = line + 2 * first;
                cnn_v16 a, b;
                CNN_V16_LOAD(a, p);
                CNN_V16_LOAD(b, p + 16);
                const cnn_v16 next = {p[32], p[33]};
                const cnn_v16 p0 = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
                const cnn_v16 p1 = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
                cnn_v16 p2 = __builtin_shufflevector(p0, next, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
                cnn_v16 p3 = __builtin_shufflevector(p1, next, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17);
                cnn_winograd_row_ends(&p2, &p3, kept, first, tiles, tilesX);
                const cnn_v16 out[4] = {p0 - p2, p1 + p2, p2 - p1, p1 - p3};
                cnn_winograd_store_group(v + (size_t)(4 * k) * plane + first, plane, out, 4, tiles);
            }
        }
    }
}
CNN_KERNEL(cnn_winograd_f2k3_input,
           (float *transformed, size_t plane, size_t pitch, const float *in, size_t channels, long height, long width,
            long padTop, long padLeft, long tilesX, long tileRow, long tileRows, float *scratch),
           (transformed, plane, pitch, in, channels, height, width, padTop, padLeft, tilesX, tileRow, tileRows,
            scratch))

// The block's tiles 16 at a time, as the input transform: A^T m down, then across, the two output
// columns of the 16 tiles interleaved into one line per output row (row r of tile t at 2t of line
// r), from which the output rows are copied (or added).
CNN_INLINE void cnn_winograd_f2k3_output_body(float *out, const float *products, size_t plane, size_t pitch,
                                              const float *bias, size_t outChannels, long outHeight, long outWidth,
                                              long tilesX, long tileRow, long tileRows, float lower, float upper,
                                              int accumulate, float *scratch) {
    const cnn_winograd_scratch_layout s = cnn_winograd_scratch_of(tilesX, tileRows, 2);
    const long tiles = s.tiles, groups = (tiles + 15) / 16;
    for (size_t o = 0; o < outChannels; o++) {
        const float b = bias ? bias[o] : 0.0f;
        float *target = out + o * (size_t)(outHeight * outWidth);
        const float *m = products + o * pitch;
        for (long g = 0; g < groups; g++) {
            const long first = cnn_winograd_group(g, tiles);
            cnn_v16 s0[4], s1[4];  // A^T m: the rows...
            for (int j = 0; j < 4; j++) {
                cnn_v16 q[4];
                for (int i = 0; i < 4; i++) cnn_winograd_load_point(&q[i], m + (size_t)(4 * i + j) * plane + first, tiles);
                s0[j] = q[0] + q[1] + q[2];
                s1[j] = q[1] - q[2] - q[3];
            }
            // ... then (A^T m) A: the columns.
            cnn_v16 y00 = s0[0] + s0[1] + s0[2] + b, y01 = s0[1] - s0[2] - s0[3] + b;
            cnn_v16 y10 = s1[0] + s1[1] + s1[2] + b, y11 = s1[1] - s1[2] - s1[3] + b;
            CNN_V16_CLAMP(y00, lower, upper);
            CNN_V16_CLAMP(y01, lower, upper);
            CNN_V16_CLAMP(y10, lower, upper);
            CNN_V16_CLAMP(y11, lower, upper);
            CNN_V16_INTERLEAVE2(scratch + 2 * first, y00, y01);
            CNN_V16_INTERLEAVE2(scratch + s.lineFloats + 2 * first, y10, y11);
        }
        for (long r = 0; r < tileRows; r++) {
            const long y = 2 * (tileRow + r);
            for (int line = 0; line < 2 && y + line < outHeight; line++) {
                float *row = target + (y + line) * outWidth;
                const float *values = scratch + line * s.lineFloats + r * 2 * tilesX;
                if (accumulate) {
                    for (long x = 0; x < outWidth; x++) row[x] += values[x];
                } else {
                    memcpy(row, values, (size_t)outWidth * sizeof(float));
                }
            }
        }
    }
}
CNN_KERNEL(cnn_winograd_f2k3_output,
           (float *out, const float *products, size_t plane, size_t pitch, const float *bias, size_t outChannels,
            long outHeight, long outWidth, long tilesX, long tileRow, long tileRows, float lower, float upper,
            int accumulate, float *scratch),
           (out, products, plane, pitch, bias, outChannels, outHeight, outWidth, tilesX, tileRow, tileRows, lower,
            upper, accumulate, scratch))

// MARK: The backward pass's transforms: the adjoints (transposes) of the output and weight transforms

CNN_INLINE void cnn_winograd_f2k3_output_gradient_body(float *products, size_t plane, size_t pitch,
                                                       const float *gradOut, size_t outChannels, long outHeight,
                                                       long outWidth, long tilesX, long tilesY, float *scratch) {
    // Two output rows at a time, copied into lines of 2 * tilesX with a zero past an odd width.
    const long lineWidth = 2 * tilesX;
    float *top = scratch, *bottom = scratch + lineWidth;
    for (size_t o = 0; o < outChannels; o++) {
        const float *source = gradOut + o * (size_t)(outHeight * outWidth);
        for (long ty = 0; ty < tilesY; ty++) {
            const long y = 2 * ty;
            memset(scratch, 0, 2 * (size_t)lineWidth * sizeof(float));
            memcpy(top, source + y * outWidth, (size_t)outWidth * sizeof(float));
            if (y + 1 < outHeight) memcpy(bottom, source + (y + 1) * outWidth, (size_t)outWidth * sizeof(float));
            float *m = products + o * pitch + (size_t)(ty * tilesX);
            for (long t = 0; t < tilesX; t++) {
                // dM = A dY A^T, the transpose of Y = A^T M A: the columns of A^T first...
                const float d00 = top[2 * t], d01 = top[2 * t + 1], d10 = bottom[2 * t], d11 = bottom[2 * t + 1];
                const float s0[4] = {d00, d00 + d01, d00 - d01, -d01};
                const float s1[4] = {d10, d10 + d11, d10 - d11, -d11};
                // ... then its rows.
                for (int j = 0; j < 4; j++) {
                    m[(size_t)j * plane + t] = s0[j];
                    m[(size_t)(4 + j) * plane + t] = s0[j] + s1[j];
                    m[(size_t)(8 + j) * plane + t] = s0[j] - s1[j];
                    m[(size_t)(12 + j) * plane + t] = -s1[j];
                }
            }
        }
    }
}
CNN_KERNEL(cnn_winograd_f2k3_output_gradient,
           (float *products, size_t plane, size_t pitch, const float *gradOut, size_t outChannels, long outHeight,
            long outWidth, long tilesX, long tilesY, float *scratch),
           (products, plane, pitch, gradOut, outChannels, outHeight, outWidth, tilesX, tilesY, scratch))

void cnn_winograd_f2k3_weights_gradient(float *gradWeight, const float *gradTransformed, size_t outChannels,
                                        size_t inChannels) {
    const size_t plane = outChannels * inChannels;
    for (size_t o = 0; o < outChannels; o++) {
        for (size_t c = 0; c < inChannels; c++) {
            float du[4][4];
            for (int i = 0; i < 16; i++) du[i / 4][i % 4] = gradTransformed[(size_t)i * plane + o * inChannels + c];
            // dg = G^T dU G, the transpose of U = G g G^T: dU G first...
            float t[4][3];
            for (int i = 0; i < 4; i++) {
                t[i][0] = du[i][0] + 0.5f * (du[i][1] + du[i][2]);
                t[i][1] = 0.5f * (du[i][1] - du[i][2]);
                t[i][2] = 0.5f * (du[i][1] + du[i][2]) + du[i][3];
            }
            // ... then G^T (dU G).
            float *g = gradWeight + (o * inChannels + c) * 9;
            for (int j = 0; j < 3; j++) {
                g[j] += t[0][j] + 0.5f * (t[1][j] + t[2][j]);
                g[3 + j] += 0.5f * (t[1][j] - t[2][j]);
                g[6 + j] += 0.5f * (t[1][j] + t[2][j]) + t[3][j];
            }
        }
    }
}
