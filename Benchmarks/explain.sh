#!/usr/bin/env bash
# How long each explanation takes on VGG-16 (224x224, He-initialized weights) on the first bundled
# ImageNet photo, through `cnn-tui explain` in a release build: wall time of the whole command
# (weights, the forward pass, the method) and its peak RSS, one run each. OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE are unset for the measured commands, as on a user's machine.
# Usage: Benchmarks/explain.sh [MODEL]   (default vgg16)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product cnn-tui >/dev/null
bin=.build/release/cnn-tui
model="${1:-vgg16}"
run() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$bin" "$@"; }
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(run run lenet5 | grep -o 'OpenBLAS [^)]*')"
echo "$model on imagenet:0, one run each: wall time of the command (weights, forward pass, method), peak RSS"
printf '%-13s %-44s %10s %10s\n' method settings seconds "RSS MB"
# The last feature map larger than 1x1 is Grad-CAM's default; the ERF and top patches take the
# middle of the network (VGG-16: features.15, 256x56x56).
mid="${EXPLAIN_LAYER:-features.15}"
for spec in "erf|--layer $mid" "erf|--layer $mid --samples 20" "gradcam|" "guided|" "occlusion|--patch 32 --stride 16" "top-patches|--layer $mid --channel 0"; do
  method="${spec%%|*}"
  settings="${spec#*|}"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  /usr/bin/time -f "%M" -o /tmp/cnn-tui-explain-rss.$$ env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
    "$bin" explain "$model" --sample imagenet:0 --method "$method" $settings >/tmp/cnn-tui-explain.$$ 2>&1 ||
    { echo "$method FAILED"; cat /tmp/cnn-tui-explain.$$; exit 1; }
  end=$(date +%s.%N)
  printf '%-13s %-44s %10.2f %10d\n' "$method" "${settings:-(defaults)}" "$(echo "$end - $start" | bc)" \
    "$(( $(cat /tmp/cnn-tui-explain-rss.$$) / 1024 ))"
done
echo "For comparison, the forward pass alone: $(run run "$model" --sample imagenet:0 | grep 'forward pass')"
rm -f /tmp/cnn-tui-explain.$$ /tmp/cnn-tui-explain-rss.$$
