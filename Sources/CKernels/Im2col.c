#include <string.h>

#include "Dispatch.h"

// The output columns x0 ..< x1 whose input column x*sW + offset lies in 0 ..< width.
CNN_INLINE void cnn_columns_inside(long offset, long strideWidth, long width, long outWidth, long *x0, long *x1) {
    long first = offset >= 0 ? 0 : (-offset + strideWidth - 1) / strideWidth;
    long end = width - offset <= 0 ? 0 : (width - offset + strideWidth - 1) / strideWidth;
    end = end < outWidth ? end : outWidth;
    *x0 = first < end ? first : end;
    *x1 = end;
}

CNN_INLINE void cnn_im2col_body(float *columns, const float *in, long channels, long height, long width, long outWidth,
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
                    if (iy < 0 || iy >= height) {
                        memset(line, 0, (size_t)outWidth * sizeof(float));
                        continue;
                    }
                    const float *source = plane + iy * width + offset;
                    for (long x = 0; x < x0; x++) line[x] = 0.0f;
                    if (strideWidth == 1) {
                        memcpy(line + x0, source + x0, (size_t)(x1 - x0) * sizeof(float));
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
CNN_KERNEL(cnn_im2col,
           (float *columns, const float *in, long channels, long height, long width, long outWidth, long kernelHeight,
            long kernelWidth, long strideHeight, long strideWidth, long padTop, long padLeft, long dilationHeight,
            long dilationWidth, long firstRow, long rows, long pitch),
           (columns, in, channels, height, width, outWidth, kernelHeight, kernelWidth, strideHeight, strideWidth,
            padTop, padLeft, dilationHeight, dilationWidth, firstRow, rows, pitch))

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
