// The engine's depthwise convolution kernels on MobileNetV2's and EfficientNet-B0's depthwise
// layers, one thread, hot caches (best of 200 runs): the padded-plane kernel (a zero-padded copy
// of each plane, the whole plane summed at once; what AVX2 and baseline x86-64 run) against the
// AVX-512 row kernel (no copy, masked loads at the edges, four output rows per tile), both with
// ReLU6 fused as the networks have it. Each layer is checked against the other kernel. Built and
// run by Benchmarks/depthwise.sh.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "CKernels.h"

// The padded-plane kernel alone (Depthwise.c; the public entry picks the row kernel with AVX-512).
void cnn_depthwise_conv2d_portable(float *out, const float *in, const float *weight, const float *bias,
                                   size_t channels, long height, long width, long outHeight, long outWidth,
                                   long kernelHeight, long kernelWidth, long strideHeight, long strideWidth,
                                   long padTop, long padLeft, long dilationHeight, long dilationWidth, float lower,
                                   float upper, float *scratch);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct {
    const char *name;
    long channels, size, kernel, stride, count;
} layer;

typedef void (*kernel_fn)(float *, const float *, const float *, const float *, size_t, long, long, long, long, long,
                          long, long, long, long, long, long, long, float, float, float *);

static double best_seconds(kernel_fn f, float *out, const float *in, const float *w, const float *b, layer l, long o,
                           float *scratch) {
    const long pad = l.kernel / 2;
    double best = 1e9;
    for (int r = 0; r < 200; r++) {
        const double start = now();
        f(out, in, w, b, (size_t)l.channels, l.size, l.size, o, o, l.kernel, l.kernel, l.stride, l.stride, pad, pad, 1,
          1, 0.0f, 6.0f, scratch);
        const double t = now() - start;
        if (t < best) best = t;
    }
    return best;
}

int main(void) {
    // name, channels, input size, kernel, stride, how many such layers the network has
    const layer layers[] = {
        {"mobilenet_v2", 32, 112, 3, 1, 1},  {"mobilenet_v2", 96, 112, 3, 2, 1},  {"mobilenet_v2", 144, 56, 3, 1, 1},
        {"mobilenet_v2", 144, 56, 3, 2, 1},  {"mobilenet_v2", 192, 28, 3, 1, 2},  {"mobilenet_v2", 192, 28, 3, 2, 1},
        {"mobilenet_v2", 384, 14, 3, 1, 4},  {"mobilenet_v2", 576, 14, 3, 1, 2},  {"mobilenet_v2", 576, 14, 3, 2, 1},
        {"mobilenet_v2", 960, 7, 3, 1, 3},   {"efficientnet_b0", 32, 112, 3, 1, 1}, {"efficientnet_b0", 96, 112, 3, 2, 1},
        {"efficientnet_b0", 144, 56, 3, 1, 1}, {"efficientnet_b0", 144, 56, 5, 2, 1}, {"efficientnet_b0", 240, 28, 5, 1, 1},
        {"efficientnet_b0", 240, 28, 3, 2, 1}, {"efficientnet_b0", 480, 14, 3, 1, 2}, {"efficientnet_b0", 480, 14, 5, 1, 1},
        {"efficientnet_b0", 672, 14, 5, 1, 2}, {"efficientnet_b0", 672, 14, 5, 2, 1}, {"efficientnet_b0", 1152, 7, 5, 1, 3},
        {"efficientnet_b0", 1152, 7, 3, 1, 1},
    };
    printf("%-16s %-26s %12s %12s %7s\n", "network", "layer: CxHxW, KxK/S x N", "padded ms", "rows ms", "ratio");
    const char *network = "";
    double padded = 0, rows = 0;
    for (size_t i = 0; i < sizeof layers / sizeof *layers; i++) {
        const layer l = layers[i];
        if (*network && network != l.name) {
            printf("%-16s %-26s %12.3f %12.3f %7.2f\n", network, "whole network", padded, rows, padded / rows);
            padded = rows = 0;
        }
        network = l.name;
        const long o = (l.size + 2 * (l.kernel / 2) - l.kernel) / l.stride + 1;
        const size_t inCount = (size_t)(l.channels * l.size * l.size), outCount = (size_t)(l.channels * o * o);
        float *in = malloc(inCount * sizeof(float)), *a = malloc(outCount * sizeof(float)),
              *b = malloc(outCount * sizeof(float)), *w = malloc((size_t)(l.channels * l.kernel * l.kernel) * sizeof(float)),
              *bias = malloc((size_t)l.channels * sizeof(float));
        float *scratch = malloc(cnn_depthwise_scratch(o, o, l.kernel, l.kernel, l.stride, l.stride, 1, 1) * sizeof(float));
        srand(7);
        for (size_t k = 0; k < inCount; k++) in[k] = (float)rand() / (float)RAND_MAX - 0.5f;
        for (long k = 0; k < l.channels * l.kernel * l.kernel; k++) w[k] = (float)rand() / (float)RAND_MAX - 0.5f;
        for (long k = 0; k < l.channels; k++) bias[k] = 0.1f;
        const double tp = best_seconds(cnn_depthwise_conv2d_portable, a, in, w, bias, l, o, scratch);
        const double tr = best_seconds(cnn_depthwise_conv2d, b, in, w, bias, l, o, scratch);
        double diff = 0;
        for (size_t k = 0; k < outCount; k++) diff = fmax(diff, fabs(a[k] - b[k]));
        if (diff > 1e-5) {
            fprintf(stderr, "%s %ldx%ld: the kernels differ by %g\n", l.name, l.channels, l.size, diff);
            return 1;
        }
        char label[64];
        snprintf(label, sizeof label, "%ldx%ldx%ld, %ldx%ld/%ld x%ld", l.channels, l.size, l.size, l.kernel, l.kernel,
                 l.stride, l.count);
        printf("%-16s %-26s %12.3f %12.3f %7.2f\n", l.name, label, tp * 1e3, tr * 1e3, tp / tr);
        padded += l.count * tp * 1e3;
        rows += l.count * tr * 1e3;
        free(in), free(a), free(b), free(w), free(bias), free(scratch);
    }
    printf("%-16s %-26s %12.3f %12.3f %7.2f\n", network, "whole network", padded, rows, padded / rows);
    return 0;
}
