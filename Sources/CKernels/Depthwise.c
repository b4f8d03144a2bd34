#include "Dispatch.h"

// With scratch space (column strides 1 and 2), each channel's plane is copied into a
// zero-padded one and the output is computed over the whole plane at once, all taps of 64
// outputs summed in vector registers.
//
// The padded plane is kept split by row phase: phase p holds padded rows p, p + sH, p + 2 sH, ...
// (at stride 1, just the padded plane), PH rows each of pitch sW * QW, where QW = outWidth +
// ceil((kW-1) dW / sW) and PH = outHeight + ((kH-1) dH) div sH. The output is computed QW wide:
// Q[q] with q = y QW + x reads, for tap (i, j), the padded pixel (y sH + i dH, x sW + j dW), which
// is phase (i dH) mod sH at sW q + ((i dH) div sH) pitch + j dW: one contiguous read per tap (at
// stride 2, of every other float), whatever the map's width. Bias first, then the taps row by
// row (the order of the reference loops); the first outWidth columns of each row of Q are the
// output, copied out with the clamp applied.
//
// The padding is zeroed once per layer: every channel then writes the same inside positions.
//
// Without scratch space (and for column strides above 2), a direct loop: for each output row and
// tap, one pass over the row's columns whose input column is inside the map.

enum { CNN_DW_BLOCK = 64, CNN_DW_TAPS = 64 };

typedef float cnn_dw_vector __attribute__((vector_size(64)));

// An unaligned load (a macro: a function taking or returning the vector would change the ABI
// between the variants).
#define CNN_DW_LOAD(v, p) __builtin_memcpy(&(v), (p), sizeof(v))

// Every other float of the 32 at p: p[0], p[2], ..., p[30].
#define CNN_DW_LOAD_EVEN(v, p)                                                                              \
    do {                                                                                                    \
        cnn_dw_vector lo_, hi_;                                                                             \
        CNN_DW_LOAD(lo_, (p));                                                                              \
        CNN_DW_LOAD(hi_, (p) + 16);                                                                         \
        (v) = __builtin_shufflevector(lo_, hi_, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30); \
    } while (0)

typedef struct {
    long phases, phaseRows, pitch, phaseSize, wideWidth, length, wideLength;
    // The input rows and columns inside the padded plane, and where the first goes.
    long firstRow, endRow, firstColumn, endColumn;
    // Where each of the first CNN_DW_TAPS taps reads (every tap of kernels up to 8x8), relative
    // to sW q.
    long offsets[CNN_DW_TAPS];
} cnn_dw_layout;

// The offsets of taps first ..< first + count.
static void cnn_dw_tap_offsets(long *offsets, long first, long count, long kernelWidth, long strideHeight,
                               long dilationHeight, long dilationWidth, long pitch, long phaseSize) {
    for (long t = 0; t < count; t++) {
        const long r = (first + t) / kernelWidth * dilationHeight, c = (first + t) % kernelWidth * dilationWidth;
        offsets[t] = (r % strideHeight) * phaseSize + (r / strideHeight) * pitch + c;
    }
}

static long cnn_dw_min(long a, long b) { return a < b ? a : b; }
static long cnn_dw_max(long a, long b) { return a > b ? a : b; }

static cnn_dw_layout cnn_dw_layout_of(long height, long width, long outHeight, long outWidth, long kernelHeight,
                                      long kernelWidth, long strideHeight, long strideWidth, long padTop,
                                      long padLeft, long dilationHeight, long dilationWidth) {
    cnn_dw_layout l;
    l.phases = strideHeight;
    l.phaseRows = outHeight + ((kernelHeight - 1) * dilationHeight) / strideHeight;
    l.wideWidth = outWidth + ((kernelWidth - 1) * dilationWidth + strideWidth - 1) / strideWidth;
    l.pitch = strideWidth * l.wideWidth;
    l.phaseSize = l.phaseRows * l.pitch;
    l.length = (outHeight - 1) * l.wideWidth + outWidth;
    l.wideLength = (l.length + CNN_DW_BLOCK - 1) / CNN_DW_BLOCK * CNN_DW_BLOCK;
    l.firstRow = cnn_dw_max(0, -padTop);
    l.endRow = cnn_dw_min(height, strideHeight * l.phaseRows - padTop);
    l.firstColumn = cnn_dw_max(0, -padLeft);
    l.endColumn = cnn_dw_min(width, l.pitch - padLeft);
    const long taps = kernelHeight * kernelWidth;
    cnn_dw_tap_offsets(l.offsets, 0, cnn_dw_min(taps, CNN_DW_TAPS), kernelWidth, strideHeight, dilationHeight,
                       dilationWidth, l.pitch, l.phaseSize);
    return l;
}

// Scratch: the phase planes, sW CNN_DW_BLOCK zeros after them (a block's reads past the last
// pixel), and Q. None (the direct loop) for column strides above 2.
size_t cnn_depthwise_scratch(long outHeight, long outWidth, long kernelHeight, long kernelWidth, long strideHeight,
                             long strideWidth, long dilationHeight, long dilationWidth) {
    if (strideWidth > 2) return 0;
    const cnn_dw_layout l = cnn_dw_layout_of(0, 0, outHeight, outWidth, kernelHeight, kernelWidth, strideHeight,
                                             strideWidth, 0, 0, dilationHeight, dilationWidth);
    return (size_t)(l.phases * l.phaseSize + strideWidth * CNN_DW_BLOCK + l.wideLength);
}

// Sums taps t0 ..< t0 + n into Q, over the whole plane (STEP: the column stride, 1 or 2).
#define CNN_DW_SUM_TAPS(LOAD, STEP)                                           \
    for (long q = 0; q < l->length; q += CNN_DW_BLOCK) {                      \
        cnn_dw_vector a0, a1, a2, a3;                                         \
        if (t0 == 0) {                                                        \
            a0 = (cnn_dw_vector){0} + b;                                      \
            a1 = a0;                                                          \
            a2 = a0;                                                          \
            a3 = a0;                                                          \
        } else {                                                              \
            CNN_DW_LOAD(a0, wide + q);                                        \
            CNN_DW_LOAD(a1, wide + q + 16);                                   \
            CNN_DW_LOAD(a2, wide + q + 32);                                   \
            CNN_DW_LOAD(a3, wide + q + 48);                                   \
        }                                                                     \
        for (long t = 0; t < n; t++) {                                        \
            const float *s = padded + offsets[t] + (STEP) * q;                \
            const float w = weight[t];                                        \
            cnn_dw_vector v0, v1, v2, v3;                                     \
            LOAD(v0, s);                                                      \
            LOAD(v1, s + 16 * (STEP));                                        \
            LOAD(v2, s + 32 * (STEP));                                        \
            LOAD(v3, s + 48 * (STEP));                                        \
            a0 += w * v0;                                                     \
            a1 += w * v1;                                                     \
            a2 += w * v2;                                                     \
            a3 += w * v3;                                                     \
        }                                                                     \
        __builtin_memcpy(wide + q, &a0, sizeof a0);                           \
        __builtin_memcpy(wide + q + 16, &a1, sizeof a1);                      \
        __builtin_memcpy(wide + q + 32, &a2, sizeof a2);                      \
        __builtin_memcpy(wide + q + 48, &a3, sizeof a3);                      \
    }

CNN_INLINE void cnn_depthwise_plane_body(float *out, const float *plane, const float *filter, float b,
                                         const cnn_dw_layout *l, long width, long outHeight, long outWidth,
                                         long kernelHeight, long kernelWidth, long strideHeight, long strideWidth,
                                         long padTop, long padLeft, long dilationHeight, long dilationWidth,
                                         float lower, float upper, float *padded) {
    // The inside of the padded plane: padded row iy + padTop is row k of phase p.
    for (long iy = l->firstRow; iy < l->endRow; iy++) {
        const long r = iy + padTop, k = strideHeight == 1 ? r : r / strideHeight, p = r - k * strideHeight;
        float *row = padded + p * l->phaseSize + k * l->pitch + padLeft;
        const float *source = plane + iy * width;
        for (long ix = l->firstColumn; ix < l->endColumn; ix++) row[ix] = source[ix];
    }
    float *wide = padded + l->phases * l->phaseSize + strideWidth * CNN_DW_BLOCK;
    const long taps = kernelHeight * kernelWidth;
    // The taps in chunks of offsets that fit on the stack; after the first chunk, the sums so far
    // are read back from Q.
    for (long t0 = 0; t0 < taps; t0 += CNN_DW_TAPS) {
        const long n = cnn_dw_min(taps - t0, CNN_DW_TAPS);
        long chunkOffsets[CNN_DW_TAPS];
        const long *offsets = l->offsets;
        if (t0 > 0) {
            cnn_dw_tap_offsets(chunkOffsets, t0, n, kernelWidth, strideHeight, dilationHeight, dilationWidth,
                               l->pitch, l->phaseSize);
            offsets = chunkOffsets;
        }
        const float *weight = filter + t0;
        if (strideWidth == 1) {
            CNN_DW_SUM_TAPS(CNN_DW_LOAD, 1)
        } else {
            CNN_DW_SUM_TAPS(CNN_DW_LOAD_EVEN, 2)
        }
    }
    for (long y = 0; y < outHeight; y++) {
        const float *row = wide + y * l->wideWidth;
        float *o = out + y * outWidth;
        for (long x = 0; x < outWidth; x++) {
            float v = row[x];
            v = v < lower ? lower : v;
            o[x] = v > upper ? upper : v;
        }
    }
}

CNN_INLINE void cnn_depthwise_conv2d_body(float *out, const float *in, const float *weight, const float *bias,
                                          size_t channels, long height, long width, long outHeight, long outWidth,
                                          long kernelHeight, long kernelWidth, long strideHeight, long strideWidth,
                                          long padTop, long padLeft, long dilationHeight, long dilationWidth,
                                          float lower, float upper, float *scratch) {
    if (scratch && strideWidth <= 2) {
        const cnn_dw_layout l = cnn_dw_layout_of(height, width, outHeight, outWidth, kernelHeight, kernelWidth,
                                                 strideHeight, strideWidth, padTop, padLeft, dilationHeight,
                                                 dilationWidth);
        const long zeros = l.phases * l.phaseSize + strideWidth * CNN_DW_BLOCK;
        for (long k = 0; k < zeros; k++) scratch[k] = 0.0f;
        for (size_t c = 0; c < channels; c++) {
            cnn_depthwise_plane_body(out + c * (size_t)(outHeight * outWidth), in + c * (size_t)(height * width),
                                     weight + c * (size_t)(kernelHeight * kernelWidth), bias ? bias[c] : 0.0f, &l,
                                     width, outHeight, outWidth, kernelHeight, kernelWidth, strideHeight,
                                     strideWidth, padTop, padLeft, dilationHeight, dilationWidth, lower, upper,
                                     scratch);
        }
        return;
    }
    for (size_t c = 0; c < channels; c++) {
        const float *plane = in + c * (size_t)(height * width);
        const float *filter = weight + c * (size_t)(kernelHeight * kernelWidth);
        float *o = out + c * (size_t)(outHeight * outWidth);
        const float b = bias ? bias[c] : 0.0f;
        for (long y = 0; y < outHeight; y++) {
            float *row = o + y * outWidth;
            for (long x = 0; x < outWidth; x++) row[x] = b;
            for (long i = 0; i < kernelHeight; i++) {
                const long iy = y * strideHeight - padTop + i * dilationHeight;
                if (iy < 0 || iy >= height) continue;
                const float *source = plane + iy * width;
                for (long j = 0; j < kernelWidth; j++) {
                    const float w = filter[i * kernelWidth + j];
                    const long offset = j * dilationWidth - padLeft;  // input column of output column x: x*sW + offset
                    const long x0 = offset >= 0 ? 0 : (-offset + strideWidth - 1) / strideWidth;
                    long x1 = width - 1 - offset < 0 ? -1 : (width - 1 - offset) / strideWidth;
                    x1 = x1 < outWidth - 1 ? x1 : outWidth - 1;
                    if (strideWidth == 1) {
                        const float *s = source + offset;
                        for (long x = x0; x <= x1; x++) row[x] += w * s[x];
                    } else {
                        for (long x = x0; x <= x1; x++) row[x] += w * source[x * strideWidth + offset];
                    }
                }
            }
            for (long x = 0; x < outWidth; x++) {
                float v = row[x];
                v = v < lower ? lower : v;
                row[x] = v > upper ? upper : v;
            }
        }
    }
}
CNN_KERNEL(cnn_depthwise_conv2d,
           (float *out, const float *in, const float *weight, const float *bias, size_t channels, long height,
            long width, long outHeight, long outWidth, long kernelHeight, long kernelWidth, long strideHeight,
            long strideWidth, long padTop, long padLeft, long dilationHeight, long dilationWidth, float lower,
            float upper, float *scratch),
           (out, in, weight, bias, channels, height, width, outHeight, outWidth, kernelHeight, kernelWidth,
            strideHeight, strideWidth, padTop, padLeft, dilationHeight, dilationWidth, lower, upper, scratch))
