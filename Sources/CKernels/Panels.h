// Weights packed in panels of rows, as the engine's own GEMMs take them (NarrowGEMM.c: 64 rows,
// PackedGEMM.c: 8), and their product loop by loop where those GEMMs have no fast variant.
#ifndef CNN_TUI_CKERNELS_PANELS_H
#define CNN_TUI_CKERNELS_PANELS_H

#include <stddef.h>

// packed[p][kk][r] = weight[p * panel + r][kk] ([M/panel][K][panel]), rows past M zero.
static inline void cnn_pack_panels(float *packed, const float *weight, size_t m, size_t k, size_t panel) {
    const size_t panels = (m + panel - 1) / panel;
    for (size_t p = 0; p < panels; p++)
        for (size_t kk = 0; kk < k; kk++)
            for (size_t r = 0; r < panel; r++) {
                const size_t row = p * panel + r;
                packed[(p * k + kk) * panel + r] = row < m ? weight[row * k + kk] : 0.0f;
            }
}

// C [M x N] = W · B + bias, clamped to [lower, upper], with W packed in panels of `panel` rows:
// correct everywhere, for CPUs without AVX-512 (the engine uses SGEMM there).
static inline void cnn_panel_gemm_portable(size_t m, size_t n, size_t k, const float *packed, size_t panel,
                                           const float *b, size_t ldb, float *c, size_t ldc, const float *bias,
                                           float lower, float upper) {
    for (size_t row = 0; row < m; row++) {
        const float *w = packed + (row / panel) * k * panel + row % panel;
        float *target = c + row * ldc;
        for (size_t x = 0; x < n; x++) target[x] = 0.0f;
        for (size_t kk = 0; kk < k; kk++) {
            const float wk = w[kk * panel];
            const float *bk = b + kk * ldb;
            for (size_t x = 0; x < n; x++) target[x] += wk * bk[x];
        }
        const float add = bias ? bias[row] : 0.0f;
        for (size_t x = 0; x < n; x++) {
            float v = target[x] + add;
            v = v < lower ? lower : v;
            target[x] = v > upper ? upper : v;
        }
    }
}

#endif
