#!/usr/bin/env bash
# Build the libFuzzer targets (fuzz/*_fuzz.cc) in build-san/ (clang, ASan, UBSan and coverage
# instrumentation: the build scripts/sanitize.sh asan tests with), then for each target: replay
# its committed corpus (fuzz/corpus/<target>/: seeds and every crash input found so far), and fuzz
# for FUZZ_SECONDS from it. A crash, a sanitizer report, a violated invariant, a timeout or too
# much memory fails the run; the input is saved under build-san/fuzz-artifacts/<target>/
# (README.md, "Fuzzing", says how it becomes a regression test).
#
#   scripts/fuzz.sh                      every target, 20 s each, JOBS (nproc) at a time
#   FUZZ_SECONDS=600 scripts/fuzz.sh     longer
#   scripts/fuzz.sh record_decoder       some targets only
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build-san
seconds=${FUZZ_SECONDS:-20}
jobs=${JOBS:-$(nproc)}
scripts/sanitize.sh build asan fuzz_all

if (($# > 0)); then
  targets=("$@")
else
  targets=()
  for source in fuzz/*_fuzz.cc; do
    name=$(basename "$source" _fuzz.cc)
    targets+=("$name")
  done
fi

# Reports are fatal and name the input; leaks are bugs too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# One target: its summary line on stdout; exit status 1 when it failed.
fuzz_one() {
  local name=$1
  local binary="$build_dir/fuzz/${name}_fuzz"
  local corpus="fuzz/corpus/$name"
  local work="$build_dir/fuzz-corpus/$name"  # inputs this run adds (not committed)
  local artifacts="$build_dir/fuzz-artifacts/$name"
  mkdir -p "$work" "$artifacts"
  local log="$build_dir/fuzz-$name.log"
  local start=$SECONDS
  # Replay every committed input once, then fuzz from the committed and the earlier runs' inputs.
  if "$binary" -runs=0 -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$artifacts/" "$corpus" \
      >"$log" 2>&1 &&
     "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$work" "$corpus" >>"$log" 2>&1; then
    local runs speed cov
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    printf 'fuzz %-16s ok   %3ss  %s, %s runs, %s/s (%s corpus files replayed)\n' "$name" \
      "$((SECONDS - start))" "$cov" "$runs" "$speed" "$(ls "$corpus" | wc -l)"
  else
    printf 'fuzz %-16s FAILED (log: %s)\n' "$name" "$log"
    grep -E -A12 'invariant violated|ERROR: AddressSanitizer|runtime error|ERROR: libFuzzer' \
      "$log" | head -40
    ls -t "$artifacts" | head -3 | sed "s|^|  input: $artifacts/|"
    return 1
  fi
}

# JOBS targets at a time (each fuzzer is one process on one core); summaries in target order.
start=$SECONDS
for name in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  fuzz_one "$name" >"$build_dir/fuzz-$name.summary" 2>&1 &
done
wait
failed=()
for name in "${targets[@]}"; do
  cat "$build_dir/fuzz-$name.summary"
  if grep -q "^fuzz $name *FAILED" "$build_dir/fuzz-$name.summary"; then failed+=("$name"); fi
done
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, $jobs at a time: $((SECONDS - start)) s"
if ((${#failed[@]} > 0)); then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
