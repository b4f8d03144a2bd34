// The engine's own AVX-512 GEMM micro-kernels against OpenBLAS's SGEMM, one thread: the narrow
// GEMM (weights packed in panels of 64 rows, tiles of 64 x 6 in 24 registers) on the products of
// ResNet-50's convolutions, and the packed GEMM (panels of 8 rows, tiles of 8 x 32, B read in
// place, bias and ReLU applied as it stores) on MobileNetV2's and ResNet-50's, beside a plain loop
// of independent multiply-adds that says what one core can do at all. Built and run by
// Benchmarks/gemm.sh; best of 30 runs each.
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "CKernels.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef float vector16 __attribute__((vector_size(64)));

// Twelve independent chains of 16-wide multiply-adds: the core's peak, whatever its FMA units.
__attribute__((target("avx512f"))) static double peak_gflops(void) {
    vector16 acc[12], x;
    for (int i = 0; i < 16; i++) x[i] = 1.0f + 1e-7f * i;
    for (int j = 0; j < 12; j++) acc[j] = x * (float)j;
    const long steps = 20000000;
    double start = now();
    for (long s = 0; s < steps; s++) {
        for (int j = 0; j < 12; j++) acc[j] = acc[j] * x + x;
        __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]), "+v"(acc[4]), "+v"(acc[5]));
        __asm__ volatile("" : "+v"(acc[6]), "+v"(acc[7]), "+v"(acc[8]), "+v"(acc[9]), "+v"(acc[10]), "+v"(acc[11]));
    }
    double seconds = now() - start;
    float sink = 0;
    for (int j = 0; j < 12; j++) sink += acc[j][0];
    if (sink == 42.0f) puts("");
    return 2.0 * 16 * 12 * steps / seconds / 1e9;
}

// Best of 30 runs of the engine's kernel and of OpenBLAS's SGEMM (followed by the engine's bias and
// ReLU pass when `epilogue`: the work the packed GEMM does as it stores), on the same random data.
static void compare(const long shapes[][3], size_t count, int packedKernel) {
    printf("%-18s%14s%14s%8s\n", "M x N x K", "engine GF/s", "OpenBLAS GF/s", "ratio");
    for (size_t s = 0; s < count; s++) {
        const long m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = malloc(sizeof(float) * m * n);
        float *bias = malloc(sizeof(float) * m);
        for (long i = 0; i < m * k; i++) a[i] = 0.01f * (float)(i % 7);
        for (long i = 0; i < k * n; i++) b[i] = 0.01f * (float)(i % 5);
        for (long i = 0; i < m; i++) bias[i] = 0.01f * (float)(i % 3);
        const size_t packedCount = packedKernel ? cnn_packed_gemm_count(m, k) : cnn_narrow_gemm_packed_count(m, k);
        float *packed = malloc(sizeof(float) * packedCount);
        float *scratch = malloc(sizeof(float) * cnn_narrow_gemm_scratch(n));
        if (packedKernel) cnn_packed_gemm_pack(packed, a, m, k);
        else cnn_narrow_gemm_pack(packed, a, m, k);
        double ours = 1e9, theirs = 1e9;
        for (int r = 0; r < 30; r++) {
            double t = now();
            if (packedKernel) cnn_packed_gemm(m, n, k, packed, b, n, c, n, bias, 0.0f, INFINITY);
            else cnn_narrow_gemm(m, n, k, packed, b, n, c, n, NULL, -INFINITY, INFINITY, scratch);
            t = now() - t;
            ours = t < ours ? t : ours;
            t = now();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n);
            if (packedKernel) cnn_bias_clamp(c, n, bias, m, n, 0.0f, INFINITY);
            t = now() - t;
            theirs = t < theirs ? t : theirs;
        }
        const double flops = 2.0 * m * n * k / 1e9;
        char label[32];
        snprintf(label, sizeof label, "%ldx%ldx%ld", m, n, k);
        printf("%-18s%14.1f%14.1f%8.2f\n", label, flops / ours, flops / theirs, theirs / ours);
        free(a), free(b), free(c), free(bias), free(packed), free(scratch);
    }
}

int main(void) {
    // ResNet-50's products (M filters x N pixels x K = Cin*kH*kW), for the narrow GEMM.
    static const long narrow[][3] = {
        {64, 12544, 147},  {64, 3136, 576},  {128, 784, 1152}, {256, 196, 2304}, {512, 49, 4608},
        {512, 784, 256},   {1024, 196, 256}, {2048, 49, 1024}, {256, 3136, 64},
    };
    // MobileNetV2's and ResNet-50's 1x1 products and unfolded blocks (the 7x7 stem's: 28 rows of
    // 112), with the bias and a ReLU, for the packed GEMM; the last one, K = 1152, is where the
    // engine leaves it to SGEMM.
    static const long packed[][3] = {
        {96, 12544, 16}, {144, 3136, 24}, {24, 3136, 144}, {192, 784, 32}, {576, 196, 96}, {64, 3136, 147},
        {64, 3136, 256}, {256, 3136, 64}, {128, 784, 512}, {512, 784, 128}, {1024, 196, 256}, {128, 784, 1152},
    };
    printf("one core's peak (12 chains of 16-wide multiply-adds): %.0f GFLOP/s\n", peak_gflops());
    printf("\nnarrow GEMM (64 x 6 tiles) against SGEMM:\n");
    compare(narrow, sizeof narrow / sizeof narrow[0], 0);
    printf("\npacked GEMM (8 x 32 tiles, bias and ReLU as it stores) against SGEMM and a bias pass:\n");
    compare(packed, sizeof packed / sizeof packed[0], 1);
    return 0;
}
