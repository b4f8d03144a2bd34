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

// B^T applied to six values a stride apart.
#define CNN_WINOGRAD_BT(d, at)                                                              \
    do {                                                                                    \
        const float d0 = d(0), d1 = d(1), d2 = d(2), d3 = d(3), d4 = d(4), d5 = d(5);      \
        at(0) = 4.0f * d0 - 5.0f * d2 + d4;                                                 \
        at(1) = d3 + d4 - 4.0f * (d1 + d2);                                                 \
        at(2) = d4 - d3 + 4.0f * (d1 - d2);                                                 \
        at(3) = d4 - d2 + 2.0f * (d3 - d1);                                                 \
        at(4) = d4 - d2 + 2.0f * (d1 - d3);                                                 \
        at(5) = 4.0f * d1 - 5.0f * d3 + d5;                                                 \
    } while (0)

// Tile by tile from 6 padded input lines. (Splitting the lines by column phase first, so that
// consecutive tiles' values load as vectors, measured slower: VGG-16 147-152 against 139-142 ms.)
CNN_INLINE void cnn_winograd_f4k3_input_body(float *transformed, size_t plane, size_t pitch, const float *in,
                                             size_t channels, long height, long width, long padTop, long padLeft,
                                             long tilesX, long tileRow, long tileRows, float *scratch) {
    const cnn_winograd_line_layout layout = cnn_winograd_line_layout_of(4 * tilesX + 2, width, padLeft);
    for (size_t c = 0; c < channels; c++) {
        const float *source = in + c * (size_t)(height * width);
        for (long r = 0; r < tileRows; r++) {
            float *lines[6];
            cnn_winograd_tile_lines(lines, 6, scratch, source, 4 * (tileRow + r) - padTop, height, width, layout);
            float *v = transformed + c * pitch + (size_t)(r * tilesX);
            for (long t = 0; t < tilesX; t++) {
                const long x = 4 * t;
                float rows[6][6];  // B^T d: the rows...
                for (int j = 0; j < 6; j++) {
#define ROW_IN(i) lines[i][x + j]
#define ROW_OUT(i) rows[i][j]
                    CNN_WINOGRAD_BT(ROW_IN, ROW_OUT);
#undef ROW_IN
#undef ROW_OUT
                }
                for (int i = 0; i < 6; i++) {  // ... then (B^T d) B: the columns.
#define COLUMN_IN(j) rows[i][j]
#define COLUMN_OUT(j) v[(size_t)(6 * i + (j)) * plane + t]
                    CNN_WINOGRAD_BT(COLUMN_IN, COLUMN_OUT);
#undef COLUMN_IN
#undef COLUMN_OUT
                }
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

CNN_INLINE void cnn_winograd_f4k3_output_body(float *out, const float *products, size_t plane, size_t pitch,
                                              const float *bias, size_t outChannels, long outHeight, long outWidth,
                                              long tilesX, long tileRow, long tileRows, float lower, float upper,
                                              float *scratch) {
    const long lineWidth = 4 * tilesX;
    for (size_t o = 0; o < outChannels; o++) {
        const float b = bias ? bias[o] : 0.0f;
        float *target = out + o * (size_t)(outHeight * outWidth);
        for (long r = 0; r < tileRows; r++) {
            const float *m = products + o * pitch + (size_t)(r * tilesX);
            for (long t = 0; t < tilesX; t++) {
                float s[4][6];  // A^T m: the rows...
                for (int j = 0; j < 6; j++) {
                    float q[6];
                    for (int i = 0; i < 6; i++) q[i] = m[(size_t)(6 * i + j) * plane + t];
                    s[0][j] = q[0] + q[1] + q[2] + q[3] + q[4];
                    s[1][j] = q[1] - q[2] + 2.0f * (q[3] - q[4]);
                    s[2][j] = q[1] + q[2] + 4.0f * (q[3] + q[4]);
                    s[3][j] = q[1] - q[2] + 8.0f * (q[3] - q[4]) + q[5];
                }
                for (int i = 0; i < 4; i++) {  // ... then (A^T m) A: the columns.
                    const float *q = s[i];
                    float y[4];
                    y[0] = q[0] + q[1] + q[2] + q[3] + q[4] + b;
                    y[1] = q[1] - q[2] + 2.0f * (q[3] - q[4]) + b;
                    y[2] = q[1] + q[2] + 4.0f * (q[3] + q[4]) + b;
                    y[3] = q[1] - q[2] + 8.0f * (q[3] - q[4]) + q[5] + b;
                    for (int k = 0; k < 4; k++) {
                        const float v = y[k] < lower ? lower : (y[k] > upper ? upper : y[k]);
                        scratch[i * lineWidth + 4 * t + k] = v;
                    }
                }
            }
            const long y = 4 * (tileRow + r);
            for (int line = 0; line < 4 && y + line < outHeight; line++)
                memcpy(target + (y + line) * outWidth, scratch + line * lineWidth, (size_t)outWidth * sizeof(float));
        }
    }
}
CNN_KERNEL(cnn_winograd_f4k3_output,
           (float *out, const float *products, size_t plane, size_t pitch, const float *bias, size_t outChannels,
            long outHeight, long outWidth, long tilesX, long tileRow, long tileRows, float lower, float upper,
            float *scratch),
           (out, products, plane, pitch, bias, outChannels, outHeight, outWidth, tilesX, tileRow, tileRows, lower,
            upper, scratch))
