#include <math.h>

#include "Dispatch.h"

size_t cnn_pool2d_scratch(long outWidth, long kernelWidth, long strideWidth) {
    // One line of the padded row, as far as the last window reads.
    return (size_t)((outWidth - 1) * strideWidth + kernelWidth);
}

CNN_INLINE void cnn_pool2d_body(float *out, const float *in, size_t channels, long height, long width, long outHeight,
                                long outWidth, long kernelHeight, long kernelWidth, long strideHeight,
                                long strideWidth, long padTop, long padLeft, int isMax, const float *rowCount,
                                const float *columnCount, float *scratch) {
    const float fill = isMax ? -INFINITY : 0.0f;
    const long lineWidth = (outWidth - 1) * strideWidth + kernelWidth;
    float *line = scratch;  // line[k] is padded column k - padLeft
    for (long k = 0; k < lineWidth; k++) line[k] = fill;
    // The input columns that land in the line: 0 ..< min(width, lineWidth - padLeft).
    const long first = padLeft < lineWidth ? padLeft : lineWidth;
    long columns = lineWidth - padLeft;
    columns = columns < width ? columns : width;
    columns = columns > 0 ? columns : 0;
    float *row = line + first;
    for (size_t c = 0; c < channels; c++) {
        const float *plane = in + c * (size_t)(height * width);
        float *o = out + c * (size_t)(outHeight * outWidth);
        for (long y = 0; y < outHeight; y++) {
            long y0 = y * strideHeight - padTop, y1 = y0 + kernelHeight;
            y0 = y0 < 0 ? 0 : y0;
            y1 = y1 > height ? height : y1;
            for (long k = 0; k < columns; k++) row[k] = fill;
            for (long iy = y0; iy < y1; iy++) {
                const float *source = plane + iy * width;
                if (isMax) {
                    for (long k = 0; k < columns; k++) row[k] = source[k] > row[k] ? source[k] : row[k];
                } else {
                    for (long k = 0; k < columns; k++) row[k] += source[k];
                }
            }
            float *target = o + y * outWidth;
            if (isMax && kernelWidth == 3 && strideWidth == 2) {
                // ResNet's and GoogLeNet's 3x3 stride-2 pooling: three terms the compiler vectorizes
                // (the general loop below ran one window at a time: ResNet-50's took 0.46 ms).
                for (long x = 0; x < outWidth; x++) {
                    const float a = line[2 * x], b = line[2 * x + 1], d = line[2 * x + 2];
                    const float ab = a > b ? a : b;
                    target[x] = ab > d ? ab : d;
                }
            } else if (isMax) {
                for (long x = 0; x < outWidth; x++) {
                    const float *w = line + x * strideWidth;
                    float best = w[0];
                    for (long j = 1; j < kernelWidth; j++) best = w[j] > best ? w[j] : best;
                    target[x] = best;
                }
            } else {
                const float r = rowCount[y];
                for (long x = 0; x < outWidth; x++) {
                    const float *w = line + x * strideWidth;
                    float sum = 0.0f;
                    for (long j = 0; j < kernelWidth; j++) sum += w[j];
                    const float divisor = r * columnCount[x];
                    target[x] = divisor > 0.0f ? sum / divisor : 0.0f;
                }
            }
        }
    }
}
CNN_KERNEL(cnn_pool2d,
           (float *out, const float *in, size_t channels, long height, long width, long outHeight, long outWidth,
            long kernelHeight, long kernelWidth, long strideHeight, long strideWidth, long padTop, long padLeft,
            int isMax, const float *rowCount, const float *columnCount, float *scratch),
           (out, in, channels, height, width, outHeight, outWidth, kernelHeight, kernelWidth, strideHeight, strideWidth,
            padTop, padLeft, isMax, rowCount, columnCount, scratch))
