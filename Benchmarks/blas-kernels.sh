#!/usr/bin/env bash
# What OpenBLAS's kernel choice costs the engine: `cnn-tui run MODEL --threads 1` (median of
# repeated passes) with each of OpenBLAS's x86-64 kernel families forced through
# OPENBLAS_CORETYPE, and with it unset (OpenBLAS's own pick, or the engine's replacement where
# OpenBLAS falls back to kernels without AVX2: see BLASKernels.swift). Prescott is what Debian 12's
# OpenBLAS 0.3.21 runs on a CPU it does not know (Intel Xeon family 6 model 207); SkylakeX is what
# the engine has it load there instead. Usage: Benchmarks/blas-kernels.sh [MODEL ...]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product cnn-tui >/dev/null 2>&1
models=("$@")
((${#models[@]})) || models=(resnet18_cifar resnet50 vgg16 mobilenet_v2)
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); flags: $(grep -m1 -o 'avx512f\|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
flags=$(grep -m1 '^flags' /proc/cpuinfo)
cores=(Prescott Haswell)
[[ $flags == *avx512f* ]] && cores+=(SkylakeX)
[[ $flags == *avx512_bf16* ]] && cores+=(Cooperlake)
cores+=(unset)
printf '%-16s' model
for core in "${cores[@]}"; do printf '%14s' "$core"; done
printf '   %s\n' "kernels when unset"
for model in "${models[@]}"; do
  printf '%-16s' "$model"
  for core in "${cores[@]}"; do
    if [[ $core == unset ]]; then
      line=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .build/release/cnn-tui run "$model" --threads 1 --repeat 7 | tail -1)
    else
      line=$(env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$core" .build/release/cnn-tui run "$model" --threads 1 --repeat 7 | tail -1)
    fi
    printf '%12s ms' "$(sed -E 's/forward pass: ([0-9.]+) ms.*/\1/' <<<"$line")"
  done
  printf '   %s\n' "$(sed -E 's/.*; (OpenBLAS .*)\)$/\1/' <<<"$line")"
done
