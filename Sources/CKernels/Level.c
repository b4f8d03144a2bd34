#include <stdatomic.h>

#include "CKernels.h"

static atomic_int forced = -1;

static int supported(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512bw"))
        return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
    return 0;
}

int cnn_kernels_level(void) {
    static atomic_int best = -1;
    int level = atomic_load_explicit(&best, memory_order_relaxed);
    if (level < 0) {
        level = supported();
        atomic_store_explicit(&best, level, memory_order_relaxed);
    }
    int f = atomic_load_explicit(&forced, memory_order_relaxed);
    return f >= 0 && f < level ? f : level;
}

int cnn_kernels_cpu_level(void) { return supported(); }

void cnn_kernels_force_level(int level) { atomic_store_explicit(&forced, level, memory_order_relaxed); }

const char *cnn_kernels_level_name(void) {
    switch (cnn_kernels_level()) {
    case 2: return "avx512";
    case 1: return "avx2";
    default: return "baseline";
    }
}
