#!/usr/bin/env bash
# UI latency: start-up to first frame and key press to next frame for the largest models, in a
# release build; then the real binary's start-up to its first frame on a pseudo-terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product cnn-tui-ui-bench >/dev/null
swift build -c release --product cnn-tui >/dev/null
.build/release/cnn-tui-ui-bench
echo
echo "Whole process, launch to first frame drawn by ncurses (script(1) gives it a terminal), median of 9:"
for model in nasnet_mobile densenet121 inception_v3; do
  times=()
  for _ in 1 2 3 4 5 6 7 8 9; do
    start=$(date +%s%N)
    TERM=xterm-256color script -qec ".build/release/cnn-tui open $model --first-frame-only" /dev/null >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 5p)
  awk -v m="$model" -v us="$median" 'BEGIN { printf "%-15s %8.2f ms\n", m, us / 1000 }'
done
