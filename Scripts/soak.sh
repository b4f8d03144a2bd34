#!/usr/bin/env bash
# The browser under abuse, with the release build: 10,000 random keys and a resize every 250 on
# each of lenet5, googlenet and vgg16 (a frame within a second of every key, the terminal restored
# after Ctrl-C), then VGG-16's peak memory after 200 sample changes against after 20 (within 10%).
# Usage: Scripts/soak.sh [KEYS_PER_MODEL] [SEED]   (defaults 10000, 7; SOAK_MODELS="lenet5 vgg16" picks models).
# Needs tmux. About 10 minutes per 10,000 keys.
set -euo pipefail
cd "$(dirname "$0")/.."
keys="${1:-10000}"
seed="${2:-7}"
swift build -c release --product cnn-tui >/dev/null
swift build --build-tests >/dev/null
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $keys keys per model, seed $seed; binary .build/release/cnn-tui"
export CNN_TUI_BINARY="$PWD/.build/release/cnn-tui"
models="${SOAK_MODELS:-lenet5 googlenet vgg16}"
failed=0
log=$(mktemp)
for model in $models; do
  CNN_TUI_SOAK_KEYS="$keys" CNN_TUI_SOAK_MODELS="$model" CNN_TUI_SOAK_SEED="$seed" \
    swift test --skip-build --filter SoakTests.testRandomKeysAndResizes >"$log" 2>&1 || failed=1
  grep -aE "^soak|error:|Executed .* tests" "$log" | head -20 || true
done
CNN_TUI_SOAK_MEMORY=1 swift test --skip-build --filter SoakTests.testMemoryDoesNotGrowWithSampleChanges >"$log" 2>&1 || failed=1
grep -aE "^soak|error:|Executed .* tests" "$log" | head -20 || true
rm -f "$log"
exit $failed
