#!/usr/bin/env bash
# Build the libFuzzer targets (fuzz/*_fuzz.cc) with clang, ASan and UBSan into build-fuzz/, then
# for each target: replay its committed corpus (fuzz/corpus/<target>/: seeds and every crash
# input found so far), and fuzz for FUZZ_SECONDS from it. A crash, a sanitizer report, a violated
# invariant, a timeout or too much memory fails the run; the input is saved under
# build-fuzz/artifacts/<target>/ (README.md, "Fuzzing", says how it becomes a regression test).
#
#   scripts/fuzz.sh                      every target, 20 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh     longer
#   scripts/fuzz.sh record_decoder       some targets only
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
seconds=${FUZZ_SECONDS:-20}
jobs=${JOBS:-$(nproc)}
cxx=$(command -v clang++-14 || command -v clang++ || true)
if [[ -z "$cxx" ]]; then
  echo "fuzz: clang++ not found (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 1
fi

cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDATALAKE_FUZZ=ON -DDATALAKE_BUILD_TESTS=OFF -DDATALAKE_BUILD_BENCH=OFF \
  >"$build_dir.configure.log" 2>&1 || { cat "$build_dir.configure.log"; exit 1; }
cmake --build "$build_dir" --target fuzz_all -j "$jobs"

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

failed=()
for name in "${targets[@]}"; do
  binary="$build_dir/fuzz/${name}_fuzz"
  corpus="fuzz/corpus/$name"
  work="$build_dir/corpus/$name"      # inputs this run adds (not committed)
  artifacts="$build_dir/artifacts/$name"
  mkdir -p "$work" "$artifacts"
  log="$build_dir/fuzz-$name.log"
  start=$(date +%s)
  # Replay every committed input once, then fuzz from the committed and the earlier runs' inputs.
  if "$binary" -runs=0 -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$artifacts/" "$corpus" \
      >"$log" 2>&1 &&
     "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$work" "$corpus" >>"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    printf 'fuzz %-16s ok   %3ss  %s, %s runs, %s/s (%s corpus files replayed)\n' "$name" \
      "$(($(date +%s) - start))" "$cov" "$runs" "$speed" "$(ls "$corpus" | wc -l)"
  else
    printf 'fuzz %-16s FAILED (log: %s)\n' "$name" "$log"
    grep -E -A12 'invariant violated|ERROR: AddressSanitizer|runtime error|ERROR: libFuzzer' \
      "$log" | head -40
    ls -t "$artifacts" | head -3 | sed "s|^|  input: $artifacts/|"
    failed+=("$name")
  fi
done
if ((${#failed[@]} > 0)); then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
