#!/usr/bin/env bash
# The C kernels (Sources/CKernels, every instruction-set variant: the tests run each at AVX-512,
# AVX2 and baseline where the CPU has them) under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer, through the tests that drive them: the vector kernels against their
# reference loops, the BLAS-backed and packed GEMM paths, convolution forward and backward,
# Winograd, the optimizers and the executor. Any report fails the run (no recovery from UB).
# Its own build folder (.build-sanitize); about 10 minutes on 2 cores. Swift code runs under
# AddressSanitizer only (swiftc has no -sanitize=undefined on Linux).
# Usage: Scripts/sanitize-kernels.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
filter='CNNEngineTests\.(VectorKernelTests|BLASKernelsTests|ConvolutionTests|ConvolutionBackwardTests|OptimizerTests|ExecutorTests)'
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); flags: $(grep -m1 -o -w -E 'avx512f|avx2|fma' /proc/cpuinfo | sort -u | tr '\n' ' ')"
mkdir -p .build-sanitize
log=.build-sanitize/sanitize.log
# XCTest's own objects (its expectations' weak references, its test-run records) are still held
# at exit; nothing of cnn-tui's may be.
printf 'leak:libXCTest.so\n' >.build-sanitize/lsan.supp
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/.build-sanitize/lsan.supp:print_suppressions=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
# A report aborts; Swift's backtracer would then spend many minutes under ASan.
export SWIFT_BACKTRACE=enable=no
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# Swift has no UBSan on Linux: AddressSanitizer over everything, UBSan over the C (the kernels).
swift test --scratch-path .build-sanitize --sanitize=address -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=all \
  --filter "$filter" "$@" 2>&1 | tee "$log" |
  grep -aE "runtime error|ERROR: AddressSanitizer|ERROR: LeakSanitizer|SUMMARY|error:|Executed .* tests|Suppressions|suppressed" | sort -u || true
# A report anywhere in the log fails the run, whatever XCTest said; so does a failed test.
if grep -qaE "runtime error|ERROR: AddressSanitizer|ERROR: LeakSanitizer" "$log"; then exit 1; fi
if grep -qaE "with [1-9][0-9]* failures?" "$log" || ! grep -qaE "Executed [0-9]+ tests, with 0 failures" "$log"; then exit 1; fi
