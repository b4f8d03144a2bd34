#!/usr/bin/env bash
# Engine vs ONNX Runtime vs PyTorch eager (single-threaded, batch 1, medians). Needs the reference
# virtualenv (Scripts/setup-reference-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product cnn-tui >/dev/null
venv="${CNN_TUI_REF_VENV:-$HOME/.venvs/cnn-tui-ref}"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 "$venv/bin/python" Benchmarks/engine_vs_references.py "$@"
