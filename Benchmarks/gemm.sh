#!/usr/bin/env bash
# The two ways to products that do not depend on OpenBLAS knowing the CPU, measured on it: the
# engine's own AVX-512 micro-kernels (CKernels' narrow and packed GEMMs) against OpenBLAS's SGEMM with the
# kernel OpenBLAS picks (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, one thread), on
# ResNet-50's convolution products, with one core's multiply-add peak beside them. Needs clang
# (the Swift toolchain's) and libopenblas-dev (.ci/run installs it). Prints the CPU and
# OpenBLAS's kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/gemm_kernels
trap 'rm -rf "$(dirname "$bin")"' EXIT
clang -O2 -ISources/CKernels/include -ISources/CKernels Benchmarks/gemm_kernels.c Sources/CKernels/NarrowGEMM.c \
  Sources/CKernels/PackedGEMM.c Sources/CKernels/Im2col.c Sources/CKernels/Elementwise.c Sources/CKernels/Level.c -o "$bin" -lopenblas -lm
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "OpenBLAS kernel: $(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_VERBOSE=2 OPENBLAS_NUM_THREADS=1 "$bin" 2>&1 >/dev/null | sed -n 's/^Core: //p' | head -1)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 "$bin"
