// One kernel body, three compiled variants, chosen at run time.
//
// CNN_KERNEL(name, (params), (args)) expects `static inline void name##_body(params)` marked
// CNN_INLINE; it defines AVX-512, AVX2+FMA and baseline copies (the body is inlined into each and
// vectorized for that target) and the public `void name(params)` that calls the best one.
#ifndef CNN_TUI_CKERNELS_DISPATCH_H
#define CNN_TUI_CKERNELS_DISPATCH_H

#include "CKernels.h"

#define CNN_INLINE static inline __attribute__((always_inline))
#define CNN_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma,f16c")))
#define CNN_TARGET_AVX2 __attribute__((target("avx2,fma,f16c")))

#define CNN_KERNEL(name, params, args)                                   \
    CNN_TARGET_AVX512 static void name##_avx512 params { name##_body args; } \
    CNN_TARGET_AVX2 static void name##_avx2 params { name##_body args; }     \
    static void name##_baseline params { name##_body args; }                 \
    void name params {                                                     \
        switch (cnn_kernels_level()) {                                     \
        case 2: name##_avx512 args; break;                                 \
        case 1: name##_avx2 args; break;                                   \
        default: name##_baseline args; break;                             \
        }                                                                  \
    }

#endif
