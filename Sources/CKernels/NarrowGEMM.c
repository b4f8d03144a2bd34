// C = W · B for maps of few pixels (ResNet's 7x7 stage: N = 49), where OpenBLAS's SGEMM runs
// at about half its speed. The weights W [M x K] are packed once per model into panels of 64
// rows ([M/64][K][64]); a tile of 64 output channels x 6 pixels keeps 24 AVX-512 accumulators,
// each k adding a 64-channel column of W times 6 broadcast pixels of B. Tiles of 7 pixels (28
// accumulators, the 4 vectors of W and a broadcast: 33 of the 32 registers) ran at 87-92 GFLOP/s
// on an AMD EPYC (Zen 4) where these run at 100-115 (Benchmarks/gemm.sh, one core's peak 117).
#include <immintrin.h>

#include "Dispatch.h"
#include "Panels.h"

enum { PANEL = 64, TILE = 6, KBLOCK = 1024 };

size_t cnn_narrow_gemm_packed_count(size_t m, size_t k) { return (m + PANEL - 1) / PANEL * PANEL * k; }

size_t cnn_narrow_gemm_scratch(size_t n) { return (n + TILE - 1) / TILE * TILE * PANEL; }

void cnn_narrow_gemm_pack(float *packed, const float *weight, size_t m, size_t k) { cnn_pack_panels(packed, weight, m, k, PANEL); }

// Accumulates kc steps of one tile into t[j][64] (j < nr); `first` starts from zero. Only the
// first `vectors` 16-row vectors of the panel are computed: the last panel of a layer whose
// filters are not a multiple of 64 (MobileNetV2's 960 -> 160 projections: 32 of its 64 rows).
// Step k also asks for the cache line at next + 16 k (k < nextLines) to be brought into L2.
CNN_TARGET_AVX512 CNN_INLINE void narrow_tile(size_t kc, const float *a, const float *b, size_t ldb, float *t,
                                              const int nr, int first, const int vectors, const float *next,
                                              size_t nextLines) {
    __m512 acc[TILE][4];
    for (int j = 0; j < TILE; j++)
        for (int v = 0; v < 4; v++)
            acc[j][v] = (j < nr && v < vectors && !first) ? _mm512_loadu_ps(t + j * PANEL + 16 * v) : _mm512_setzero_ps();
    for (size_t k = 0; k < kc; k++) {
        const float *ak = a + k * PANEL;
        if (k < nextLines) _mm_prefetch((const char *)(next + 16 * k), _MM_HINT_T1);
        __m512 av[4];
        for (int v = 0; v < 4; v++) av[v] = v < vectors ? _mm512_loadu_ps(ak + 16 * v) : _mm512_setzero_ps();
        const float *bk = b + k * ldb;
        for (int j = 0; j < TILE; j++) {
            if (j < nr) {
                const __m512 bj = _mm512_set1_ps(bk[j]);
                for (int v = 0; v < 4; v++)
                    if (v < vectors) acc[j][v] = _mm512_fmadd_ps(av[v], bj, acc[j][v]);
            }
        }
    }
    for (int j = 0; j < TILE; j++)
        if (j < nr)
            for (int v = 0; v < 4; v++)
                if (v < vectors) _mm512_storeu_ps(t + j * PANEL + 16 * v, acc[j][v]);
}

// One variant per tile width and panel height, so that the accumulators of each stay in registers.
#define NARROW_WIDTHS(vectors)                                                         \
    switch (nr) {                                                                      \
    case 6: narrow_tile(kc, a, b, ldb, t, 6, first, vectors, next, nextLines); break;  \
    case 5: narrow_tile(kc, a, b, ldb, t, 5, first, vectors, next, nextLines); break;  \
    case 4: narrow_tile(kc, a, b, ldb, t, 4, first, vectors, next, nextLines); break;  \
    case 3: narrow_tile(kc, a, b, ldb, t, 3, first, vectors, next, nextLines); break;  \
    case 2: narrow_tile(kc, a, b, ldb, t, 2, first, vectors, next, nextLines); break;  \
    default: narrow_tile(kc, a, b, ldb, t, 1, first, vectors, next, nextLines); break; \
    }
CNN_TARGET_AVX512 static void narrow_tile_any(size_t kc, const float *a, const float *b, size_t ldb, float *t, int nr,
                                              int first, int vectors, const float *next, size_t nextLines) {
    switch (vectors) {
    case 1: NARROW_WIDTHS(1) break;
    case 2: NARROW_WIDTHS(2) break;
    case 3: NARROW_WIDTHS(3) break;
    default: NARROW_WIDTHS(4) break;
    }
}
#undef NARROW_WIDTHS

// The 16 x 16 matrix whose rows are the 16 vectors, transposed in place.
CNN_TARGET_AVX512 CNN_INLINE void narrow_transpose16(__m512 m[16]) {
    __m512 t[16];
    for (int i = 0; i < 8; i++) {  // per 128-bit lane: rows 2i and 2i + 1 interleaved
        t[2 * i] = _mm512_unpacklo_ps(m[2 * i], m[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(m[2 * i], m[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {  // lane L of m[4i + k]: rows 4i ..< 4i + 4 of column 4L + k
        const __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
        const __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
        m[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        m[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        m[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
        m[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
    for (int k = 0; k < 4; k++) {  // rows 0-7 and 8-15 of columns k, 8 + k (t[k], t[8 + k]) and 4 + k, 12 + k
        t[k] = _mm512_shuffle_f32x4(m[k], m[4 + k], 0x88);
        t[4 + k] = _mm512_shuffle_f32x4(m[k], m[4 + k], 0xdd);
        t[8 + k] = _mm512_shuffle_f32x4(m[8 + k], m[12 + k], 0x88);
        t[12 + k] = _mm512_shuffle_f32x4(m[8 + k], m[12 + k], 0xdd);
    }
    for (int k = 0; k < 4; k++) {
        m[k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0x88);
        m[8 + k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0xdd);
        m[4 + k] = _mm512_shuffle_f32x4(t[4 + k], t[12 + k], 0x88);
        m[12 + k] = _mm512_shuffle_f32x4(t[4 + k], t[12 + k], 0xdd);
    }
}

CNN_TARGET_AVX512 static void narrow_gemm_avx512(size_t m, size_t n, size_t k, const float *packed, const float *b,
                                                 size_t ldb, float *c, size_t ldc, const float *bias, float lower,
                                                 float upper, float *scratch) {
    const size_t panels = (m + PANEL - 1) / PANEL, tiles = (n + TILE - 1) / TILE;
    const __m512 lo = _mm512_set1_ps(lower), hi = _mm512_set1_ps(upper);
    for (size_t p = 0; p < panels; p++) {
        const size_t rows = m - p * PANEL < PANEL ? m - p * PANEL : PANEL;
        const int vectors = (int)((rows + 15) / 16);
        // K in blocks, so that a block of the panel (KBLOCK x 64) stays in L2 across the tiles.
        for (size_t k0 = 0; k0 < k; k0 += KBLOCK) {
            const size_t kc = k - k0 < KBLOCK ? k - k0 : KBLOCK;
            const float *a = packed + (p * k + k0) * PANEL;
            // The next panel's part of this K block (kc x 64 floats, 4 kc lines) is brought into L2
            // while this one is multiplied, a line per step of the first tiles: a layer's weights are
            // read once a pass, from L3 or memory. MobileNetV2's 320 -> 1,280 at 7x7, its weights
            // cycled through 24 MB or 300 MB of copies: 94 -> 103-104 GFLOP/s.
            const float *following = p + 1 < panels ? packed + ((p + 1) * k + k0) * PANEL : 0;
            for (size_t t = 0; t < tiles; t++) {
                const int nr = (int)(n - t * TILE < TILE ? n - t * TILE : TILE);
                const size_t done = t * kc, lines = following ? 4 * kc : 0;
                const size_t nextLines = done < lines ? (lines - done < kc ? lines - done : kc) : 0;
                narrow_tile_any(kc, a, b + k0 * ldb + t * TILE, ldb, scratch + t * TILE * PANEL, nr, k0 == 0, vectors,
                                following ? following + 16 * done : 0, nextLines);
            }
        }
        // The tiles hold [pixel][channel]; C is [channel][pixel]: 16 x 16 blocks transposed in registers.
        for (int v = 0; v < vectors; v++) {
            for (size_t x0 = 0; x0 < n; x0 += 16) {
                const size_t width = n - x0 < 16 ? n - x0 : 16;
                __m512 block[16];
                for (size_t i = 0; i < 16; i++)
                    block[i] = i < width ? _mm512_loadu_ps(scratch + (x0 + i) * PANEL + 16 * v) : _mm512_setzero_ps();
                narrow_transpose16(block);
                const __mmask16 mask = width == 16 ? 0xFFFF : (__mmask16)((1u << width) - 1);
                for (size_t r = 0; r < 16 && 16 * v + r < rows; r++) {
                    const size_t row = p * PANEL + 16 * v + r;
                    const __m512 y = _mm512_add_ps(block[r], _mm512_set1_ps(bias ? bias[row] : 0.0f));
                    _mm512_mask_storeu_ps(c + row * ldc + x0, mask, _mm512_min_ps(hi, _mm512_max_ps(lo, y)));
                }
            }
        }
    }
}

int cnn_narrow_gemm_is_fast(void) { return cnn_kernels_level() >= 2; }

void cnn_narrow_gemm(size_t m, size_t n, size_t k, const float *packed, const float *b, size_t ldb, float *c,
                     size_t ldc, const float *bias, float lower, float upper, float *scratch) {
    if (cnn_narrow_gemm_is_fast()) narrow_gemm_avx512(m, n, k, packed, b, ldb, c, ldc, bias, lower, upper, scratch);
    else cnn_panel_gemm_portable(m, n, k, packed, PANEL, b, ldb, c, ldc, bias, lower, upper);
}
