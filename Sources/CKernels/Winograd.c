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

CNN_INLINE void cnn_winograd_f2k3_input_body(float *transformed, size_t plane, size_t pitch, const float *in,
                                             size_t channels, long height, long width, long padTop, long padLeft,
                                             long tilesX, long tileRow, long tileRows, float *scratch) {
    const cnn_winograd_line_layout layout = cnn_winograd_line_layout_of(2 * tilesX + 2, width, padLeft);
    for (size_t c = 0; c < channels; c++) {
        const float *source = in + c * (size_t)(height * width);
        for (long r = 0; r < tileRows; r++) {
            float *lines[4];
            cnn_winograd_tile_lines(lines, 4, scratch, source, 2 * (tileRow + r) - padTop, height, width, layout);
            const float *d0 = lines[0], *d1 = lines[1], *d2 = lines[2], *d3 = lines[3];
            float *v = transformed + c * pitch + (size_t)(r * tilesX);
            for (long t = 0; t < tilesX; t++) {
                const long x = 2 * t;
                // B^T d: combine the rows...
                float r[4][4];
                for (int j = 0; j < 4; j++) {
                    r[0][j] = d0[x + j] - d2[x + j];
                    r[1][j] = d1[x + j] + d2[x + j];
                    r[2][j] = d2[x + j] - d1[x + j];
                    r[3][j] = d1[x + j] - d3[x + j];
                }
                // ... then (B^T d) B: the columns.
                for (int i = 0; i < 4; i++) {
                    v[(size_t)(4 * i + 0) * plane + t] = r[i][0] - r[i][2];
                    v[(size_t)(4 * i + 1) * plane + t] = r[i][1] + r[i][2];
                    v[(size_t)(4 * i + 2) * plane + t] = r[i][2] - r[i][1];
                    v[(size_t)(4 * i + 3) * plane + t] = r[i][1] - r[i][3];
                }
            }
        }
    }
}
CNN_KERNEL(cnn_winograd_f2k3_input,
           (float *transformed, size_t plane, size_t pitch, const float *in, size_t channels, long height, long width,
            long padTop, long padLeft, long tilesX, long tileRow, long tileRows, float *scratch),
           (transformed, plane, pitch, in, channels, height, width, padTop, padLeft, tilesX, tileRow, tileRows,
            scratch))

CNN_INLINE void cnn_winograd_f2k3_output_body(float *out, const float *products, size_t plane, size_t pitch,
                                              const float *bias, size_t outChannels, long outHeight, long outWidth,
                                              long tilesX, long tileRow, long tileRows, float lower, float upper,
                                              int accumulate, float *scratch) {
    float *top = scratch, *bottom = scratch + 2 * tilesX;
    for (size_t o = 0; o < outChannels; o++) {
        const float b = bias ? bias[o] : 0.0f;
        float *target = out + o * (size_t)(outHeight * outWidth);
        for (long r = 0; r < tileRows; r++) {
            const float *m = products + o * pitch + (size_t)(r * tilesX);
            for (long t = 0; t < tilesX; t++) {
                // A^T m: the rows...
                float s0[4], s1[4];
                for (int j = 0; j < 4; j++) {
                    const float m0 = m[(size_t)j * plane + t], m1 = m[(size_t)(4 + j) * plane + t],
                                m2 = m[(size_t)(8 + j) * plane + t], m3 = m[(size_t)(12 + j) * plane + t];
                    s0[j] = m0 + m1 + m2;
                    s1[j] = m1 - m2 - m3;
                }
                // ... then (A^T m) A: the columns.
                float y00 = s0[0] + s0[1] + s0[2] + b, y01 = s0[1] - s0[2] - s0[3] + b;
                float y10 = s1[0] + s1[1] + s1[2] + b, y11 = s1[1] - s1[2] - s1[3] + b;
                y00 = y00 < lower ? lower : (y00 > upper ? upper : y00);
                y01 = y01 < lower ? lower : (y01 > upper ? upper : y01);
                y10 = y10 < lower ? lower : (y10 > upper ? upper : y10);
                y11 = y11 < lower ? lower : (y11 > upper ? upper : y11);
                top[2 * t] = y00;
                top[2 * t + 1] = y01;
                bottom[2 * t] = y10;
                bottom[2 * t + 1] = y11;
            }
            const long y = 2 * (tileRow + r);
            for (int line = 0; line < 2 && y + line < outHeight; line++) {
                float *row = target + (y + line) * outWidth;
                const float *values = line == 0 ? top : bottom;
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
