#!/usr/bin/env bash
# ONNX import speed: large exported networks (torchvision's resnet50, 102 MB of weights; convnext_tiny, 114 MB; vgg16,
# 553 MB) from launch to the browser's first frame, and to `summary`'s last line, in a release
# build. The files are exported with the reference virtualenv (Scripts/setup-reference-env.sh)
# into a temporary folder, by both of torch.onnx's exporters.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${CNN_TUI_REF_VENV:-$HOME/.venvs/cnn-tui-ref}/bin/python"
swift build -c release --product cnn-tui >/dev/null 2>&1
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
"$python" - "$folder" <<'PY' >/dev/null 2>&1
import sys, warnings, torch, torchvision
warnings.filterwarnings("ignore")
for name in ["resnet50", "convnext_tiny", "vgg16"]:
    m = getattr(torchvision.models, name)().eval()
    x = torch.randn(1, 3, 224, 224)
    torch.onnx.export(m, (x,), f"{sys.argv[1]}/{name}-torchscript.onnx", dynamo=False, opset_version=17)
    torch.onnx.export(m, (x,), f"{sys.argv[1]}/{name}-dynamo.onnx", dynamo=True)
PY
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
median() { sort -n | sed -n "$(( ($1 + 1) / 2 ))p"; }
printf '%-26s %10s %14s %14s\n' file "size" "first frame" "summary"
for file in "$folder"/*.onnx; do
  size=$(cat "$file" "$file".data 2>/dev/null | wc -c || true)
  frames=(); summaries=()
  for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    TERM=xterm-256color script -qec ".build/release/cnn-tui open '$file' --first-frame-only" /dev/null >/dev/null
    frames+=($(( ($(date +%s%N) - start) / 1000 )))
    start=$(date +%s%N)
    .build/release/cnn-tui summary "$file" >/dev/null
    summaries+=($(( ($(date +%s%N) - start) / 1000 )))
  done
  frame=$(printf '%s\n' "${frames[@]}" | median 5)
  summary=$(printf '%s\n' "${summaries[@]}" | median 5)
  awk -v f="$(basename "$file")" -v s="$size" -v a="$frame" -v b="$summary" \
    'BEGIN { printf "%-26s %7.1f MB %11.0f ms %11.0f ms\n", f, s / 1e6, a / 1000, b / 1000 }'
done
echo "(median of 5 runs each, whole process)"
