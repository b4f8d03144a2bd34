// Sixteen floats as one value (the compiler's vector extension): one AVX-512 register, two AVX2
// ones, four SSE ones, so that a kernel body written once vectorizes in each CNN_KERNEL variant.
// Loads and stores are macros: a function taking or returning the vector would change the ABI
// between the variants.
#ifndef CNN_TUI_CKERNELS_VECTOR16_H
#define CNN_TUI_CKERNELS_VECTOR16_H

typedef float cnn_v16 __attribute__((vector_size(64)));
typedef int cnn_i16 __attribute__((vector_size(64)));

// An unaligned load or store of the 16 floats at p.
#define CNN_V16_LOAD(v, p) __builtin_memcpy(&(v), (p), sizeof(cnn_v16))
#define CNN_V16_STORE(p, v) __builtin_memcpy((p), &(v), sizeof(cnn_v16))

// v clamped to [lower, upper] as `v < lower ? lower : (v > upper ? upper : v)` is, lane by lane (a NaN stays NaN).
#define CNN_V16_CLAMP(v, lower, upper)                                            \
    do {                                                                          \
        const cnn_v16 lo_ = (cnn_v16){0} + (lower), hi_ = (cnn_v16){0} + (upper); \
        const cnn_i16 below_ = (v) < lo_, above_ = (v) > hi_;                     \
        cnn_i16 bits_ = (cnn_i16)(v);                                             \
        bits_ = (bits_ & ~above_) | ((cnn_i16)hi_ & above_);                      \
        (v) = (cnn_v16)((bits_ & ~below_) | ((cnn_i16)lo_ & below_));             \
    } while (0)

// The four phases of the 64 floats at p, p[4t + k] for t < 16 into vk, and p[4(t + 1)] and
// p[4(t + 1) + 1] into v4 and v5 (p[64] and p[65] read too).
#define CNN_V16_DEINTERLEAVE4(p, v0, v1, v2, v3, v4, v5)                                                        \
    do {                                                                                                        \
        cnn_v16 a_, b_, c_, d_, e_;                                                                             \
        CNN_V16_LOAD(a_, (p));                                                                                  \
        CNN_V16_LOAD(b_, (p) + 16);                                                                             \
        CNN_V16_LOAD(c_, (p) + 32);                                                                             \
        CNN_V16_LOAD(d_, (p) + 48);                                                                             \
        e_ = (cnn_v16){(p)[64], (p)[65]};                                                                       \
        const cnn_v16 abEven_ = __builtin_shufflevector(a_, b_, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24,  \
                                                        26, 28, 30);                                            \
        const cnn_v16 abOdd_ = __builtin_shufflevector(a_, b_, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25,   \
                                                       27, 29, 31);                                             \
        const cnn_v16 cdEven_ = __builtin_shufflevector(c_, d_, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24,  \
                                                        26, 28, 30);                                            \
        const cnn_v16 cdOdd_ = __builtin_shufflevector(c_, d_, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25,   \
                                                       27, 29, 31);                                             \
        (v0) = __builtin_shufflevector(abEven_, cdEven_, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, \
                                       30);                                                                     \
        (v2) = __builtin_shufflevector(abEven_, cdEven_, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, \
                                       31);                                                                     \
        (v1) = __builtin_shufflevector(abOdd_, cdOdd_, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28,   \
                                       30);                                                                     \
        (v3) = __builtin_shufflevector(abOdd_, cdOdd_, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29,   \
                                       31);                                                                     \
        (v4) = __builtin_shufflevector((v0), e_, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);        \
        (v5) = __builtin_shufflevector((v1), e_, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17);        \
    } while (0)

// p[2t + k] = vk[t], 32 floats.
#define CNN_V16_INTERLEAVE2(p, v0, v1)                                                                              \
    do {                                                                                                            \
        const cnn_v16 lo_ = __builtin_shufflevector((v0), (v1), 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, \
                                                    23);                                                            \
        const cnn_v16 hi_ = __builtin_shufflevector((v0), (v1), 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14,   \
                                                    30, 15, 31);                                                    \
        CNN_V16_STORE((p), lo_);                                                                                    \
        CNN_V16_STORE((p) + 16, hi_);                                                                               \
    } while (0)

// The inverse of the first four phases: p[4t + k] = vk[t], 64 floats.
#define CNN_V16_INTERLEAVE4(p, v0, v1, v2, v3)                                                                    \
    do {                                                                                                          \
        const cnn_v16 lo01_ = __builtin_shufflevector((v0), (v1), 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6,    \
                                                      22, 7, 23);                                                 \
        const cnn_v16 hi01_ = __builtin_shufflevector((v0), (v1), 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29,   \
                                                      14, 30, 15, 31);                                            \
        const cnn_v16 lo23_ = __builtin_shufflevector((v2), (v3), 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6,    \
                                                      22, 7, 23);                                                 \
        const cnn_v16 hi23_ = __builtin_shufflevector((v2), (v3), 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29,   \
                                                      14, 30, 15, 31);                                            \
        const cnn_v16 q0_ = __builtin_shufflevector(lo01_, lo23_, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, \
                                                    22, 23);                                                      \
        const cnn_v16 q1_ = __builtin_shufflevector(lo01_, lo23_, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29,   \
                                                    14, 15, 30, 31);                                              \
        const cnn_v16 q2_ = __builtin_shufflevector(hi01_, hi23_, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, \
                                                    22, 23);                                                      \
        const cnn_v16 q3_ = __builtin_shufflevector(hi01_, hi23_, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29,   \
                                                    14, 15, 30, 31);                                              \
        CNN_V16_STORE((p), q0_);                                                                                  \
        CNN_V16_STORE((p) + 16, q1_);                                                                             \
        CNN_V16_STORE((p) + 32, q2_);                                                                             \
        CNN_V16_STORE((p) + 48, q3_);                                                                             \
    } while (0)

#endif
