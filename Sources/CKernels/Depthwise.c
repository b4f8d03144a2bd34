#include "Dispatch.h"

// For each output row and each tap, one pass over the row's columns whose input column is inside
// the map: out[y][x] += w[i][j] * in[y*sH - pT + i*dH][x*sW - pL + j*dW]. With stride 1 the pass
// reads the input row contiguously and vectorizes; the taps are added in the order of the
// reference loops (bias, then row by row of the filter).
CNN_INLINE void cnn_depthwise_conv2d_body(float *out, const float *in, const float *weight, const float *bias,
                                          size_t channels, long height, long width, long outHeight, long outWidth,
                                          long kernelHeight, long kernelWidth, long strideHeight, long strideWidth,
                                          long padTop, long padLeft, long dilationHeight, long dilationWidth) {
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
            long strideWidth, long padTop, long padLeft, long dilationHeight, long dilationWidth),
           (out, in, weight, bias, channels, height, width, outHeight, outWidth, kernelHeight, kernelWidth,
            strideHeight, strideWidth, padTop, padLeft, dilationHeight, dilationWidth))
