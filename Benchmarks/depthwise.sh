#!/usr/bin/env bash
# The depthwise convolution kernels on MobileNetV2's and EfficientNet-B0's layers: the padded-plane
# kernel against the AVX-512 row kernel, one thread (Benchmarks/depthwise_kernels.c). Needs clang
# (the Swift toolchain's). Prints the CPU and the instruction set the row kernel ran with.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/depthwise_kernels
trap 'rm -rf "$(dirname "$bin")"' EXIT
clang -O2 -ISources/CKernels/include -ISources/CKernels Benchmarks/depthwise_kernels.c Sources/CKernels/Depthwise.c \
  Sources/CKernels/PackedGEMM.c Sources/CKernels/Im2col.c Sources/CKernels/Elementwise.c \
  Sources/CKernels/Level.c -o "$bin" -lm
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); flags: $(grep -m1 -o -w -E 'avx2|avx512f' /proc/cpuinfo | sort -u | tr '\n' ' ')"
"$bin"
