#!/usr/bin/env bash
# Training speed: `cnn-tui train` against a PyTorch eager training loop on the same model, batch,
# optimizer (Adam), thread count (one) and images. Needs the reference virtualenv
# (Scripts/setup-reference-env.sh). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for the
# measured commands, as on a user's machine.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product cnn-tui >/dev/null
venv="${CNN_TUI_REF_VENV:-$HOME/.venvs/cnn-tui-ref}"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 "$venv/bin/python" Benchmarks/training_vs_pytorch.py
