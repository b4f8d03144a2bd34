#!/usr/bin/env bash
# Coverage-guided fuzzing of every reader of a user's file (libFuzzer, with AddressSanitizer):
# the harnesses of Fuzz/ (a package of their own), each run for SECONDS (default 600) from its
# committed seeds (Fuzz/Corpus/READER) and what earlier runs found (.build-fuzz/corpus/READER).
# A crash, leak, timeout or out-of-memory stops that reader's run and leaves its input in
# .build-fuzz/artifacts/READER/; make it a regression input under Tests/Fixtures/fuzz/READER/.
# Usage: Scripts/fuzz.sh [SECONDS] [READER...]   readers: safetensors idx cifar png pnm onnx keras modeltext
# Environment: FUZZ_JOBS=N runs N readers at a time (default 1); FUZZ_RUNS=N stops each after N inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds="${1:-600}"
shift || true
readers=("$@")
[ ${#readers[@]} -gt 0 ] || readers=(safetensors idx cifar png pnm onnx keras modeltext)
scratch="$root/.build-fuzz"
mkdir -p "$scratch"
echo "building the harnesses (debug, -sanitize=fuzzer,address)…"
if ! (cd Fuzz && swift build --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address >"$scratch.build.log" 2>&1); then
  grep -E "error" "$scratch.build.log" | sort -u | head -20
  echo "the harnesses did not build (log: $scratch.build.log)"
  exit 1
fi
run_one() {
  local reader=$1
  local corpus="$scratch/corpus/$reader" artifacts="$scratch/artifacts/$reader"
  mkdir -p "$corpus" "$artifacts"
  local log="$scratch/$reader.log"
  local runs=()
  [ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
  # -rss_limit_mb: the readers refuse what is too large before allocating; 2.5 GB is far above
  # what a refused file may take. -timeout: seconds for one input.
  local status=0
  "$scratch/debug/fuzz-$reader" "$corpus" "$root/Fuzz/Corpus/$reader" -max_total_time="$seconds" "${runs[@]}" \
    -rss_limit_mb=2560 -malloc_limit_mb=2560 -timeout=20 -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 ||
    status=$?
  local execs cov
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || echo "cov: ?")
  printf '%-12s exit %-3s %12s executions  %-22s corpus %5s  peak RSS %s MB\n' "$reader" "$status" "$execs" "$cov" \
    "$(ls "$corpus" | wc -l)" "$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")"
  if [ $status -ne 0 ]; then grep -E "ERROR|SUMMARY|Test unit written|==[0-9]+==" "$log" | head -8; fi
  return $status
}
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); ${seconds}s per reader"
failed=0
jobs_at_once="${FUZZ_JOBS:-1}"
pids=()
for reader in "${readers[@]}"; do
  run_one "$reader" &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_at_once" ]; do sleep 1; done
done
# Every reader's status, however close together they ended.
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit $failed
