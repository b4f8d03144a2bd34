#include "Dispatch.h"

// For each output row and each tap, one pass over the row's columns whose input column is inside
// the map: out[y][x] += w[i][j] * in[y*sH - pT + i*dH][x*sW - pL + j*dW]. With stride 1 the pass
// reads the input row contiguously and vectorizes; the taps are added in the order of the
// reference loops (bias, then row by row of the filter).
//
// Stride 1 with scratch space goes faster on the small maps of MobileNet and EfficientNet (7x7 to
// 28x28, where a row is too short for the vector units): the plane is copied once into a
// zero-padded one P of width PW, and the output is computed PW wide, so that each tap is one pass
// Q[q] += w * P[q + i*dH*PW + j*dW] over the whole plane; the first outWidth columns of each row
// of Q are the output.
//
// A larger stride (the stride-2 layers that halve the map) splits the padded plane by column
// phase: phase p holds padded columns p, p + s, p + 2s, ..., so that tap (i, j) reads phase
// (j*dW) mod s at offset (j*dW) div s, contiguously along each output row.
static long depthwise_padded_height(long outHeight, long kernelHeight, long strideHeight, long dilationHeight) {
    return (outHeight - 1) * strideHeight + (kernelHeight - 1) * dilationHeight + 1;
}

static long depthwise_phase_width(long outWidth, long kernelWidth, long strideWidth, long dilationWidth) {
    return outWidth + ((kernelWidth - 1) * dilationWidth) / strideWidth;
}

// One row of a padded plane: padded columns k*step + phase - padLeft of input row `source` (NULL
// above or below the map), zero where they fall outside it; the copy itself has no test per
// element.
CNN_INLINE void cnn_depthwise_padded_line(float *line, const float *source, long width, long lineWidth, long step,
                                          long phase, long padLeft) {
    if (!source) {
        for (long k = 0; k < lineWidth; k++) line[k] = 0.0f;
        return;
    }
    // Columns inside the map: 0 <= k*step + phase - padLeft < width.
    long first = padLeft - phase <= 0 ? 0 : (padLeft - phase + step - 1) / step;
    long last = width - 1 + padLeft - phase < 0 ? -1 : (width - 1 + padLeft - phase) / step;
    first = first < lineWidth ? first : lineWidth;
    last = last < lineWidth - 1 ? last : lineWidth - 1;
    for (long k = 0; k < first; k++) line[k] = 0.0f;
    if (step == 1) {
        const float *s = source + phase - padLeft;
        for (long k = first; k <= last; k++) line[k] = s[k];
    } else {
        for (long k = first; k <= last; k++) line[k] = source[k * step + phase - padLeft];
    }
    for (long k = last + 1 > first ? last + 1 : first; k < lineWidth; k++) line[k] = 0.0f;
}

size_t cnn_depthwise_scratch(long outHeight, long outWidth, long kernelHeight, long kernelWidth, long strideHeight,
                             long strideWidth, long dilationHeight, long dilationWidth) {
    const long paddedHeight = depthwise_padded_height(outHeight, kernelHeight, strideHeight, dilationHeight);
    if (strideHeight == 1 && strideWidth == 1) {
        const long paddedWidth = outWidth + (kernelWidth - 1) * dilationWidth;
        return (size_t)(paddedHeight * paddedWidth + outHeight * paddedWidth);
    }
    // (At stride 2, one padded row besides, to split.)
    const long phaseWidth = depthwise_phase_width(outWidth, kernelWidth, strideWidth, dilationWidth);
    return (size_t)(strideWidth * paddedHeight * phaseWidth + (strideWidth == 2 ? 2 * phaseWidth : 0));
}

CNN_INLINE void cnn_depthwise_strided_plane_body(float *out, const float *plane, const float *filter, float b,
                                                 long height, long width, long outHeight, long outWidth,
                                                 long kernelHeight, long kernelWidth, long strideHeight,
                                                 long strideWidth, long padTop, long padLeft, long dilationHeight,
                                                 long dilationWidth, float *scratch) {
    const long paddedHeight = depthwise_padded_height(outHeight, kernelHeight, strideHeight, dilationHeight);
    const long phaseWidth = depthwise_phase_width(outWidth, kernelWidth, strideWidth, dilationWidth);
    const long phaseSize = paddedHeight * phaseWidth;
    if (strideWidth == 2) {
        // Each padded row once, then split into its even and odd columns (a de-interleave the
        // compiler vectorizes), rather than read twice with a stride of 2.
        float *line = scratch + 2 * phaseSize;
        for (long r = 0; r < paddedHeight; r++) {
            const long iy = r - padTop;
            cnn_depthwise_padded_line(line, iy >= 0 && iy < height ? plane + iy * width : NULL, width, 2 * phaseWidth, 1,
                                      0, padLeft);
            float *even = scratch + r * phaseWidth, *odd = scratch + phaseSize + r * phaseWidth;
            for (long k = 0; k < phaseWidth; k++) {
                even[k] = line[2 * k];
                odd[k] = line[2 * k + 1];
            }
        }
    } else {
        for (long p = 0; p < strideWidth; p++) {
            float *phase = scratch + p * phaseSize;
            for (long r = 0; r < paddedHeight; r++) {
                const long iy = r - padTop;
                cnn_depthwise_padded_line(phase + r * phaseWidth, iy >= 0 && iy < height ? plane + iy * width : NULL,
                                          width, phaseWidth, strideWidth, p, padLeft);
            }
        }
    }
    for (long y = 0; y < outHeight; y++) {
        float *row = out + y * outWidth;
        for (long x = 0; x < outWidth; x++) row[x] = b;
        for (long i = 0; i < kernelHeight; i++) {
            const long r = y * strideHeight + i * dilationHeight;
            for (long j = 0; j < kernelWidth; j++) {
                const long column = j * dilationWidth;
                const float w = filter[i * kernelWidth + j];
                const float *source = scratch + (column % strideWidth) * phaseSize + r * phaseWidth + column / strideWidth;
                for (long x = 0; x < outWidth; x++) row[x] += w * source[x];
            }
        }
    }
}

CNN_INLINE void cnn_depthwise_plane_body(float *out, const float *plane, const float *filter, float b, long height,
                                         long width, long outHeight, long outWidth, long kernelHeight,
                                         long kernelWidth, long padTop, long padLeft, long dilationHeight,
                                         long dilationWidth, float *scratch) {
    const long paddedHeight = outHeight + (kernelHeight - 1) * dilationHeight;
    const long paddedWidth = outWidth + (kernelWidth - 1) * dilationWidth;
    float *padded = scratch, *wide = scratch + paddedHeight * paddedWidth;
    for (long r = 0; r < paddedHeight; r++) {
        const long iy = r - padTop;
        cnn_depthwise_padded_line(padded + r * paddedWidth, iy >= 0 && iy < height ? plane + iy * width : NULL, width,
                                  paddedWidth, 1, 0, padLeft);
    }
    // Up to the last output pixel: the reads of the last tap end at the padded plane's end.
    const long length = (outHeight - 1) * paddedWidth + outWidth;
    for (long q = 0; q < length; q++) wide[q] = b;
    for (long i = 0; i < kernelHeight; i++) {
        for (long j = 0; j < kernelWidth; j++) {
            const float w = filter[i * kernelWidth + j];
            const float *source = padded + i * dilationHeight * paddedWidth + j * dilationWidth;
            for (long q = 0; q < length; q++) wide[q] += w * source[q];
        }
    }
    for (long y = 0; y < outHeight; y++) {
        for (long x = 0; x < outWidth; x++) out[y * outWidth + x] = wide[y * paddedWidth + x];
    }
}

CNN_INLINE void cnn_depthwise_conv2d_body(float *out, const float *in, const float *weight, const float *bias,
                                          size_t channels, long height, long width, long outHeight, long outWidth,
                                          long kernelHeight, long kernelWidth, long strideHeight, long strideWidth,
                                          long padTop, long padLeft, long dilationHeight, long dilationWidth,
                                          float *scratch) {
    if (scratch) {
        for (size_t c = 0; c < channels; c++) {
            float *o = out + c * (size_t)(outHeight * outWidth);
            const float *plane = in + c * (size_t)(height * width);
            const float *filter = weight + c * (size_t)(kernelHeight * kernelWidth);
            const float b = bias ? bias[c] : 0.0f;
            if (strideHeight == 1 && strideWidth == 1) {
                cnn_depthwise_plane_body(o, plane, filter, b, height, width, outHeight, outWidth, kernelHeight,
                                         kernelWidth, padTop, padLeft, dilationHeight, dilationWidth, scratch);
            } else {
                cnn_depthwise_strided_plane_body(o, plane, filter, b, height, width, outHeight, outWidth, kernelHeight,
                                                 kernelWidth, strideHeight, strideWidth, padTop, padLeft,
                                                 dilationHeight, dilationWidth, scratch);
            }
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
        }
    }
}
CNN_KERNEL(cnn_depthwise_conv2d,
           (float *out, const float *in, const float *weight, const float *bias, size_t channels, long height,
            long width, long outHeight, long outWidth, long kernelHeight, long kernelWidth, long strideHeight,
            long strideWidth, long padTop, long padLeft, long dilationHeight, long dilationWidth, float *scratch),
           (out, in, weight, bias, channels, height, width, outHeight, outWidth, kernelHeight, kernelWidth,
            strideHeight, strideWidth, padTop, padLeft, dilationHeight, dilationWidth, scratch))
