#include <immintrin.h>

#include "Dispatch.h"

// The output columns x0 ..< x1 whose input column x*sW + offset lies in 0 ..< width.
CNN_INLINE void cnn_columns_inside(long offset, long strideWidth, long width, long outWidth, long *x0, long *x1) {
    long first = offset >= 0 ? 0 : (-offset + strideWidth - 1) / strideWidth;
    long end = width - offset <= 0 ? 0 : (width - offset + strideWidth - 1) / strideWidth;
    end = end < outWidth ? end : outWidth;
    *x0 = first < end ? first : end;
    *x1 = end;
}

CNN_INLINE void cnn_im2col_portable_body(float *columns, const float *in, long channels, long height, long width, long outWidth,
                                long kernelHeight, long kernelWidth, long strideHeight, long strideWidth, long padTop,
                                long padLeft, long dilationHeight, long dilationWidth, long firstRow, long rows,
                                long pitch) {
    long r = 0;
    for (long c = 0; c < channels; c++) {
        const float *plane = in + c * height * width;
        for (long i = 0; i < kernelHeight; i++) {
            for (long j = 0; j < kernelWidth; j++, r++) {
                float *out = columns + r * pitch;
                const long offset = j * dilationWidth - padLeft;
                long x0, x1;
                cnn_columns_inside(offset, strideWidth, width, outWidth, &x0, &x1);
                for (long y = 0; y < rows; y++) {
                    const long iy = (firstRow + y) * strideHeight - padTop + i * dilationHeight;
                    float *line = out + y * outWidth;
                    // Loops, not memset and memcpy: the rows are short (10 floats in LeNet-5's c3),
                    // where a library call per row cost more than the copy (a fifth of its pass).
                    if (iy < 0 || iy >= height) {
                        for (long x = 0; x < outWidth; x++) line[x] = 0.0f;
                        continue;
                    }
                    const float *source = plane + iy * width + offset;
                    for (long x = 0; x < x0; x++) line[x] = 0.0f;
                    if (strideWidth == 1) {
                        for (long x = x0; x < x1; x++) line[x] = source[x];
                    } else if (strideWidth == 2) {
                        for (long x = x0; x < x1; x++) line[x] = source[2 * x];
                    } else {
                        for (long x = x0; x < x1; x++) line[x] = source[x * strideWidth];
                    }
                    for (long x = x1; x < outWidth; x++) line[x] = 0.0f;
                }
            }
        }
    }
}
CNN_KERNEL(cnn_im2col_portable,
           (float *columns, const float *in, long channels, long height, long width, long outWidth, long kernelHeight,
            long kernelWidth, long strideHeight, long strideWidth, long padTop, long padLeft, long dilationHeight,
            long dilationWidth, long firstRow, long rows, long pitch),
           (columns, in, channels, height, width, outWidth, kernelHeight, kernelWidth, strideHeight, strideWidth,
            padTop, padLeft, dilationHeight, dilationWidth, firstRow, rows, pitch))

enum { CNN_IM2COL_VECTORS = 16 };  // rows of up to 256 columns keep their masks on the stack

// The lanes first ..< end of 16.
static inline __mmask16 cnn_lanes(long first, long end) {
    first = first < 0 ? 0 : first;
    end = end > 16 ? 16 : end;
    return end > first ? (__mmask16)(((1u << end) - 1) & ~((1u << first) - 1)) : 0;
}

// With AVX-512, each row of a column 16 floats at a time: a masked load of the input columns
// inside the map (zeros elsewhere, so the padding costs nothing more) and a store, masked past
// the row's end; at stride 2 the even floats of 32. No call per row: LeNet-5's rows are 10 and
// 28 floats, where memcpy's call cost more than the copy.
CNN_TARGET_AVX512 static void cnn_im2col_avx512_rows(float *columns, const float *in, long channels, long height,
                                                     long width, long outWidth, long kernelHeight, long kernelWidth,
                                                     long strideHeight, long strideWidth, long padTop, long padLeft,
                                                     long dilationHeight, long dilationWidth, long firstRow, long rows,
                                                     long pitch) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    long r = 0;
    for (long c = 0; c < channels; c++) {
        const float *plane = in + c * height * width;
        for (long i = 0; i < kernelHeight; i++) {
            for (long j = 0; j < kernelWidth; j++, r++) {
                float *out = columns + r * pitch;
                const long offset = j * dilationWidth - padLeft;
                long x0, x1;
                cnn_columns_inside(offset, strideWidth, width, outWidth, &x0, &x1);
                // The masks of each vector of the row, the same for every row: the lanes that
                // read (at stride 2, the floats of the 32 read: 2 lo ..< 2 hi - 1), and store.
                __mmask16 masks[3 * CNN_IM2COL_VECTORS];
                const long vectors = (outWidth + 15) / 16, kept = vectors < CNN_IM2COL_VECTORS ? vectors : CNN_IM2COL_VECTORS;
                for (long v = 0; v < kept; v++) {
                    const long x = 16 * v, lo = x0 - x, hi = x1 - x;
                    if (strideWidth == 1) {
                        masks[3 * v] = cnn_lanes(lo, hi);
                        masks[3 * v + 1] = 0;
                    } else {
                        const long first = 2 * (lo < 0 ? 0 : lo), end = hi > lo ? 2 * (hi > 16 ? 16 : hi) - 1 : 0;
                        masks[3 * v] = cnn_lanes(first, end);
                        masks[3 * v + 1] = cnn_lanes(first - 16, end - 16);
                    }
                    masks[3 * v + 2] = cnn_lanes(0, outWidth - x);
                }
                for (long y = 0; y < rows; y++) {
                    const long iy = (firstRow + y) * strideHeight - padTop + i * dilationHeight;
                    float *line = out + y * outWidth;
                    const __mmask16 inside = iy >= 0 && iy < height ? (__mmask16)0xFFFF : 0;
                    const float *source = plane + (inside ? iy : 0) * width + offset;
                    for (long v = 0; v < vectors; v++) {
                        const long x = 16 * v;
                        __mmask16 a, b, store;
                        if (v < kept) {
                            a = masks[3 * v], b = masks[3 * v + 1], store = masks[3 * v + 2];
                        } else {
                            const long lo = x0 - x, hi = x1 - x;
                            const long first = 2 * (lo < 0 ? 0 : lo), end = hi > lo ? 2 * (hi > 16 ? 16 : hi) - 1 : 0;
                            a = strideWidth == 1 ? cnn_lanes(lo, hi) : cnn_lanes(first, end);
                            b = cnn_lanes(first - 16, end - 16);
                            store = cnn_lanes(0, outWidth - x);
                        }
                        __m512 value;
                        if (strideWidth == 1) {
                            value = _mm512_maskz_loadu_ps(a & inside, source + x);
                        } else {
                            // Lane l reads source[2 (x + l)]: the even floats of the 32 from 2x.
                            const __m512 l = _mm512_maskz_loadu_ps(a & inside, source + 2 * x);
                            const __m512 h = _mm512_maskz_loadu_ps(b & inside, source + 2 * x + 16);
                            value = _mm512_permutex2var_ps(l, even, h);
                        }
                        _mm512_mask_storeu_ps(line + x, store, value);
                    }
                }
            }
        }
    }
}

void cnn_im2col(float *columns, const float *in, long channels, long height, long width, long outWidth,
                long kernelHeight, long kernelWidth, long strideHeight, long strideWidth, long padTop, long padLeft,
                long dilationHeight, long dilationWidth, long firstRow, long rows, long pitch) {
    if (cnn_kernels_level() >= 2 && strideWidth <= 2) {
        cnn_im2col_avx512_rows(columns, in, channels, height, width, outWidth, kernelHeight, kernelWidth,
                               strideHeight, strideWidth, padTop, padLeft, dilationHeight, dilationWidth, firstRow,
                               rows, pitch);
        return;
    }
    cnn_im2col_portable(columns, in, channels, height, width, outWidth, kernelHeight, kernelWidth, strideHeight,
                        strideWidth, padTop, padLeft, dilationHeight, dilationWidth, firstRow, rows, pitch);
}

// The adjoint of im2col over whole output rows 0 ..< outHeight: each column entry added back onto
// the input pixel it was copied from (entries from the zero padding dropped), row by row of
// columns, in the order of the reference loops.
CNN_INLINE void cnn_col2im_body(float *gradInput, const float *columns, long channels, long height, long width,
                                long outHeight, long outWidth, long kernelHeight, long kernelWidth, long strideHeight,
                                long strideWidth, long padTop, long padLeft, long dilationHeight, long dilationWidth,
                                long pitch) {
    long r = 0;
    for (long c = 0; c < channels; c++) {
        float *plane = gradInput + c * height * width;
        for (long i = 0; i < kernelHeight; i++) {
            for (long j = 0; j < kernelWidth; j++, r++) {
                const float *column = columns + r * pitch;
                const long offset = j * dilationWidth - padLeft;
                long x0, x1;
                cnn_columns_inside(offset, strideWidth, width, outWidth, &x0, &x1);
                for (long y = 0; y < outHeight; y++) {
                    const long iy = y * strideHeight - padTop + i * dilationHeight;
                    if (iy < 0 || iy >= height) continue;
                    const float *line = column + y * outWidth;
                    float *target = plane + iy * width + offset;
                    if (strideWidth == 1) {
                        for (long x = x0; x < x1; x++) target[x] += line[x];
                    } else {
                        for (long x = x0; x < x1; x++) target[x * strideWidth] += line[x];
                    }
                }
            }
        }
    }
}
CNN_KERNEL(cnn_col2im,
           (float *gradInput, const float *columns, long channels, long height, long width, long outHeight,
            long outWidth, long kernelHeight, long kernelWidth, long strideHeight, long strideWidth, long padTop,
            long padLeft, long dilationHeight, long dilationWidth, long pitch),
           (gradInput, columns, channels, height, width, outHeight, outWidth, kernelHeight, kernelWidth, strideHeight,
            strideWidth, padTop, padLeft, dilationHeight, dilationWidth, pitch))
