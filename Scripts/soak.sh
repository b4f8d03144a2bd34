#!/usr/bin/env bash
# The browser under abuse, with the release build: 10,000 random keys and a resize every 250 on
# each of lenet5, googlenet and vgg16 (a frame within a second of every key, the terminal restored
# after Ctrl-C), then VGG-16's peak memory after 200 sample changes against after 20 (within 10%).
# Usage: Scripts/soak.sh [KEYS_PER_MODEL] [SEED]   (defaults 10000, 7). Needs tmux. About 30 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
keys="${1:-10000}"
seed="${2:-7}"
swift build -c release --product cnn-tui >/dev/null
swift build --build-tests >/dev/null
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $keys keys per model, seed $seed; binary .build/release/cnn-tui"
export CNN_TUI_BINARY="$PWD/.build/release/cnn-tui"
for model in lenet5 googlenet vgg16; do
  CNN_TUI_SOAK_KEYS="$keys" CNN_TUI_SOAK_MODELS="$model" CNN_TUI_SOAK_SEED="$seed" \
    swift test --skip-build --filter SoakTests.testRandomKeysAndResizes 2>&1 | grep -aE "^soak|error:|Executed .* tests" | head -20
done
CNN_TUI_SOAK_MEMORY=1 swift test --skip-build --filter SoakTests.testMemoryDoesNotGrowWithSampleChanges 2>&1 |
  grep -aE "^soak|error:|Executed .* tests" | head -20
