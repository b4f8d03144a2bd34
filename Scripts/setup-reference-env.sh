#!/usr/bin/env bash
# Creates (or updates) the Python virtualenv that the fixture scripts under Scripts/ run in.
# It lives outside the repository (about 6 GB: torch, torchvision, torchinfo, tensorflow-cpu, onnx,
# onnxruntime, onnxscript for torch.onnx's default exporter, keras 3, tf2onnx, and the counters fvcore,
# ptflops, thop and torchscan whose conventions `summary --count` follows);
# cnn-tui itself never needs it. Usage: Scripts/setup-reference-env.sh [VENV_DIR]
set -euo pipefail
venv="${1:-${CNN_TUI_REF_VENV:-$HOME/.venvs/cnn-tui-ref}}"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet \
  torch torchvision torchinfo==1.8.0 \
  tensorflow-cpu \
  onnx onnxruntime onnxscript safetensors \
  keras "fvcore==0.1.5.post20221221" "ptflops==0.7.5" "thop==0.1.1.post2209072238" "torchscan==0.2.0" \
  "mlxtend==0.25.0" "foolbox==3.3.4" pillow numpy
# tf2onnx (Keras -> ONNX fixtures) pins an old protobuf that onnx and tensorflow do not take; its
# converter runs with theirs, so it goes in without its pins.
"$venv/bin/pip" install --quiet --no-deps tf2onnx
echo "reference environment ready: $venv"
