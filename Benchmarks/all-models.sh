#!/usr/bin/env bash
# Runs a forward pass of every zoo model at its default input size with the engine (release build,
# He-initialized weights), printing the top class line and the time of each.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product cnn-tui >/dev/null
bin=.build/release/cnn-tui
for model in $($bin list | awk 'NR > 3 && NF > 3 && $1 !~ /^=/ {print $1}' | grep -v '^Params\|^Depth'); do
  /usr/bin/time -f "%M" -o /tmp/cnn-tui-rss.$$ $bin run "$model" > /tmp/cnn-tui-run.$$ 2>&1 || { echo "$model FAILED"; cat /tmp/cnn-tui-run.$$; exit 1; }
  printf '%-18s %s  (top: %s)  peak RSS %d MB\n' "$model" "$(grep 'forward pass' /tmp/cnn-tui-run.$$)" \
    "$(grep -m1 ' 1\. class' /tmp/cnn-tui-run.$$ | sed 's/^ *1\. //')" "$(( $(cat /tmp/cnn-tui-rss.$$) / 1024 ))"
done
rm -f /tmp/cnn-tui-run.$$ /tmp/cnn-tui-rss.$$
