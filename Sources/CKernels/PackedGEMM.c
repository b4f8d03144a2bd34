// C = W · B + bias, clamped, for convolutions whose B need not be packed: a 1x1 convolution's
// input as it is ([K][pixels]), or a block of im2col columns. The weights W [M x K] are packed
// once per model into panels of 8 rows ([M/8][K][8]); a tile of 8 output channels x 32 pixels
// keeps 16 AVX-512 accumulators, each k adding 8 broadcast weights times 32 pixels of B read in
// place, and the bias and clamp are applied as the tile is stored (no second pass over C).
// Columns go in blocks of about 512 KB of B, each block's panels in turn, so the block stays in
// L2 while every panel passes over it. Measured against OpenBLAS 0.3.21 (Cooperlake kernel, one
// thread) followed by its bias pass, on MobileNetV2's and ResNet-50's 1x1 products: 1.0-1.5x.
#include <immintrin.h>

#include "Dispatch.h"
#include "Panels.h"

enum { ROWS = 8, COLUMNS = 32, BLOCK_FLOATS = 1 << 17 };

// cnn_im2col_packed_gemm's bands: 256 KB of columns. On MobileNetV2's stem inside the network
// (warm `run --profile`, one AMD EPYC) 64, 256 KB and the whole 1.4 MB map took 0.32-0.34,
// 0.30-0.34 and 0.33-0.54 ms; ResNet-50's 7x7 stem 3.07-3.13, 2.69-2.91 and 2.85-3.02 ms.
enum { BAND_FLOATS = 1 << 16 };

size_t cnn_packed_gemm_count(size_t m, size_t k) { return (m + ROWS - 1) / ROWS * ROWS * k; }

void cnn_packed_gemm_pack(float *packed, const float *weight, size_t m, size_t k) { cnn_pack_panels(packed, weight, m, k, ROWS); }

// One tile: rows x width of C (rows <= 8, width <= 16 * vectors, the masks saying which columns).
// A tile of at most 16 columns (the last of a 14x14 map's 196) takes one vector per row, not two.
CNN_TARGET_AVX512 CNN_INLINE void packed_tile(size_t k, const float *a, const float *b, size_t ldb, float *c,
                                              size_t ldc, const float *bias, const float *residual, size_t rows,
                                              __mmask16 mask0, __mmask16 mask1, __m512 lower, __m512 upper,
                                              const int vectors) {
    __m512 acc[ROWS][2];
    for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (size_t kk = 0; kk < k; kk++) {
        const __m512 b0 = _mm512_maskz_loadu_ps(mask0, b + kk * ldb);
        const __m512 b1 = vectors == 2 ? _mm512_maskz_loadu_ps(mask1, b + kk * ldb + 16) : b0;
        const float *ak = a + kk * ROWS;
        for (int r = 0; r < ROWS; r++) {
            const __m512 w = _mm512_set1_ps(ak[r]);
            acc[r][0] = _mm512_fmadd_ps(w, b0, acc[r][0]);
            if (vectors == 2) acc[r][1] = _mm512_fmadd_ps(w, b1, acc[r][1]);
        }
    }
    for (size_t r = 0; r < rows; r++) {
        const __m512 add = _mm512_set1_ps(bias ? bias[r] : 0.0f);
        __m512 s0 = _mm512_add_ps(acc[r][0], add);
        if (residual) s0 = _mm512_add_ps(s0, _mm512_maskz_loadu_ps(mask0, residual + r * ldc));
        _mm512_mask_storeu_ps(c + r * ldc, mask0, _mm512_min_ps(upper, _mm512_max_ps(lower, s0)));
        if (vectors == 2) {
            __m512 s1 = _mm512_add_ps(acc[r][1], add);
            if (residual) s1 = _mm512_add_ps(s1, _mm512_maskz_loadu_ps(mask1, residual + r * ldc + 16));
            _mm512_mask_storeu_ps(c + r * ldc + 16, mask1, _mm512_min_ps(upper, _mm512_max_ps(lower, s1)));
        }
    }
}

CNN_TARGET_AVX512 static void packed_gemm_avx512(size_t m, size_t n, size_t k, const float *packed, const float *b,
                                                 size_t ldb, float *c, size_t ldc, const float *bias,
                                                 const float *residual, float lower, float upper) {
    const size_t panels = (m + ROWS - 1) / ROWS;
    size_t block = BLOCK_FLOATS / (k ? k : 1) / COLUMNS * COLUMNS;
    block = block < COLUMNS ? COLUMNS : block;
    const __m512 lo = _mm512_set1_ps(lower), hi = _mm512_set1_ps(upper);
    for (size_t first = 0; first < n; first += block) {
        const size_t end = n - first < block ? n : first + block;
        for (size_t p = 0; p < panels; p++) {
            const size_t rows = m - p * ROWS < ROWS ? m - p * ROWS : ROWS;
            for (size_t x = first; x < end; x += COLUMNS) {
                const size_t width = end - x < COLUMNS ? end - x : COLUMNS;
                const __mmask16 mask0 = width >= 16 ? 0xFFFF : (__mmask16)((1u << width) - 1);
                const __mmask16 mask1 = width >= 32 ? 0xFFFF : width > 16 ? (__mmask16)((1u << (width - 16)) - 1) : 0;
                const float *panel = packed + p * k * ROWS, *add = bias ? bias + p * ROWS : 0;
                const float *skip = residual ? residual + p * ROWS * ldc + x : 0;
                if (width > 16) packed_tile(k, panel, b + x, ldb, c + p * ROWS * ldc + x, ldc, add, skip, rows, mask0, mask1, lo, hi, 2);
                else packed_tile(k, panel, b + x, ldb, c + p * ROWS * ldc + x, ldc, add, skip, rows, mask0, mask1, lo, hi, 1);
            }
        }
    }
}


CNN_INLINE void cnn_packed_gemm_scale_body(float *scaled, const float *packed, size_t m, size_t k, const float *scale) {
    const size_t panels = (m + ROWS - 1) / ROWS;
    for (size_t p = 0; p < panels; p++)
        for (size_t i = 0; i < k; i++) {
            const float s = scale[i];
            const float *from = packed + (p * k + i) * ROWS;
            float *to = scaled + (p * k + i) * ROWS;
            for (int r = 0; r < ROWS; r++) to[r] = from[r] * s;
        }
}
CNN_KERNEL(cnn_packed_gemm_scale, (float *scaled, const float *packed, size_t m, size_t k, const float *scale),
           (scaled, packed, m, k, scale))

int cnn_packed_gemm_is_fast(void) { return cnn_kernels_level() >= 2; }

void cnn_packed_gemm(size_t m, size_t n, size_t k, const float *packed, const float *b, size_t ldb, float *c,
                     size_t ldc, const float *bias, float lower, float upper) {
    cnn_packed_gemm_residual(m, n, k, packed, b, ldb, c, ldc, bias, NULL, lower, upper);
}

void cnn_packed_gemm_residual(size_t m, size_t n, size_t k, const float *packed, const float *b, size_t ldb, float *c,
                              size_t ldc, const float *bias, const float *residual, float lower, float upper) {
    if (cnn_packed_gemm_is_fast()) {
        packed_gemm_avx512(m, n, k, packed, b, ldb, c, ldc, bias, residual, lower, upper);
        return;
    }
    if (!residual) {
        cnn_panel_gemm_portable(m, n, k, packed, ROWS, b, ldb, c, ldc, bias, lower, upper);
        return;
    }
    // The residual goes in before the clamp: the product and bias first, then one pass.
    cnn_panel_gemm_portable(m, n, k, packed, ROWS, b, ldb, c, ldc, bias, -__builtin_inff(), __builtin_inff());
    for (size_t r = 0; r < m; r++)
        for (size_t x = 0; x < n; x++) {
            float v = c[r * ldc + x] + residual[r * ldc + x];
            v = v < lower ? lower : v;
            c[r * ldc + x] = v > upper ? upper : v;
        }
}

void cnn_im2col_packed_gemm(float *scratch, size_t scratchFloats, const float *in, long channels, long height,
                            long width, long outWidth, long kernelHeight, long kernelWidth, long strideHeight,
                            long strideWidth, long padTop, long padLeft, long dilationHeight, long dilationWidth,
                            long firstRow, long rows, size_t m, const float *packed, float *c, size_t ldc,
                            const float *bias, const float *residual, float lower, float upper) {
    const size_t k = (size_t)(channels * kernelHeight * kernelWidth), rowFloats = k * (size_t)outWidth;
    // About BAND_FLOATS, within the scratch space, and at least the one row it always holds.
    size_t band = (BAND_FLOATS < scratchFloats ? BAND_FLOATS : scratchFloats) / rowFloats;
    band = band < 1 ? 1 : band;
    for (long y = 0; y < rows; y += (long)band) {
        const long count = rows - y < (long)band ? rows - y : (long)band;
        const size_t n = (size_t)(count * outWidth), offset = (size_t)(y * outWidth);
        cnn_im2col(scratch, in, channels, height, width, outWidth, kernelHeight, kernelWidth, strideHeight, strideWidth,
                   padTop, padLeft, dilationHeight, dilationWidth, firstRow + y, count, (long)n);
        cnn_packed_gemm_residual(m, n, k, packed, scratch, n, c + offset, ldc, bias, residual ? residual + offset : NULL,
                                 lower, upper);
    }
}
