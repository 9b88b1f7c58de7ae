#!/usr/bin/env bash
# Sanitizer test runs (make sanitize-test, make tsan-test; both part of make test). clang 14 builds
# both (its sanitizer runtimes are static, so log_path works, and it has libFuzzer).
#   scripts/sanitize.sh asan   ASan + UBSan (+ LeakSanitizer) build in build-san: every unit test,
#                              then the end-to-end suite against the instrumented binary. The
#                              same build has libFuzzer's coverage instrumentation and the fuzz
#                              targets: scripts/fuzz.sh (make fuzz) runs them from it.
#   scripts/sanitize.sh tsan   TSan build in build-tsan: the unit tests of the pipeline and of
#                              the modules with threads (sync: the pipeline and its crash points;
#                              storage: upload pool and S3 store; common: cancellation; protocol:
#                              the message writer and reader cancellation) except their slow
#                              single-threaded suites, then the end-to-end tests whose syncs run
#                              the pipeline with uploads on the upload pool's threads (s3, cancel,
#                              concurrent), which is where the AWS clients' shared credentials,
#                              connection pool and retry state are used from several threads.
#   scripts/sanitize.sh build asan|tsan [TARGET...]
#                              configure and build only (all targets of the mode by default).
# Every report is fatal: the code is built with -fno-sanitize-recover=all and the runtimes halt on
# the first error.
# - Unit tests: each test binary runs once, whole, JOBS at a time (not one process per test as
#   under CTest: a suite's servers, moto and the fakes, start once, which makes the run 3x
#   shorter). A failing binary's output, report included, is printed.
# - End-to-end tests: the binary writes its reports to files (log_path), not to the stderr the
#   tests read, because several tests expect it to fail (config errors, SIGTERM, crash points)
#   and a sanitizer's exit must not pass for that failure: the run fails if any report file
#   exists, and prints them. Not run here: the image test (it runs the release build's image) and
#   the documentation tests (no binary).
# Needs the test services (make services) and their environment (the Makefile passes it).
# TIME_FACTOR scales the end-to-end tests' time limits (DATALAKE_TEST_TIME_FACTOR), MEMORY_FACTOR
# their memory bounds (DATALAKE_TEST_MEMORY_FACTOR).
set -euo pipefail
cd "$(dirname "$0")/.."

build_only=false
if [[ ${1:-} == build ]]; then
  build_only=true
  shift
fi
mode=${1:-}
shift || true
jobs=${JOBS:-$(nproc)}
case "$mode" in
  asan)
    dir=build-san
    sanitize=address,undefined
    extra=(-DDATALAKE_FUZZ=ON)
    targets=(all)
    unit=()  # every *_tests binary
    gtest_filter='*'
    # Not the memory budget's RSS comparison either: shadow memory and quarantine distort it (the
    # release run checks it).
    mapfile -t e2e < <(ls tests/e2e/*.test.mjs |
      grep -v -E '/(image|docs_links|docs_refs|memory_budget)\.test')
    factor=${TIME_FACTOR:-3}
    memory_factor=${MEMORY_FACTOR:-3}
    # The fault matrix's cells at rate 0.3 (retries that recover) and in an outage (the retry
    # budget spent, transient_error, the resumed sync): every service and fault kind through
    # both paths, half the cells (the release run has them all, and the README comparison).
    export FAULT_MATRIX_CELLS=${FAULT_MATRIX_CELLS:-' (0\.3|outage)$'}
    # The Iceberg table over many commits: 250 (past the merging and expiry thresholds of 100,
    # so every maintenance path runs); the release run makes the full thousand.
    export ICEBERG_COMMITS=${ICEBERG_COMMITS:-250}
    ;;
  tsan)
    dir=build-tsan
    sanitize=thread
    extra=()
    unit=(sync_tests storage_tests common_tests protocol_tests)
    targets=(destination-aws-datalake "${unit[@]}")
    # Not the slow single-threaded suites of 64 MB messages (minutes under TSan; ASan runs them),
    # nor the allocation counts (TSan's runtime owns operator new; reader_alloc_test.cc).
    gtest_filter='-ReaderLargeTest.*:ChunkReaderTest.GrowsForALongLine*:ReaderAllocationTest.*'
    e2e=(tests/e2e/s3.test.mjs tests/e2e/cancel.test.mjs tests/e2e/concurrent.test.mjs
      tests/e2e/parallel_encode.test.mjs)
    factor=${TIME_FACTOR:-5}
    memory_factor=${MEMORY_FACTOR:-8}
    ;;
  *)
    echo "usage: $0 [build] asan|tsan [TARGET...]" >&2
    exit 2
    ;;
esac
if (($# > 0)); then targets=("$@"); fi
reports=$(pwd)/$dir/sanitizer-reports
cxx=$(command -v clang++-14 || command -v clang++ || true)
if [[ -z "$cxx" ]]; then
  echo "sanitize: clang++ not found (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 1
fi

# -O1 -g1: fast to build, fast enough to run, file:line in every report; the tests' own code at
# -O0 (half their build time). Asserts stay on. No benchmarks. ccache keeps rebuilds cheap.
cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
  '-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1' -DDATALAKE_TEST_COMPILE_OPTIONS=-O0 \
  -DDATALAKE_SANITIZE="$sanitize" "${extra[@]}" -DDATALAKE_BUILD_BENCH=OFF \
  >"$dir.configure.log" 2>&1 ||
  { cat "$dir.configure.log"; exit 1; }

start=$SECONDS
unset MAKEFLAGS MFLAGS MAKELEVEL  # run from make: no "Entering directory" on every line
cmake --build "$dir" -j "$jobs" --target "${targets[@]}"
build_s=$((SECONDS - start))
if $build_only; then exit 0; fi
if [[ ! -d node_modules ]]; then npm ci --no-audit --no-fund --loglevel=error; fi
# A binary without the runtime would pass everything: make sure it is instrumented.
runtime=$([[ $mode == asan ]] && echo __asan_init || echo __tsan_init)
if ! nm "$dir/destination-aws-datalake" | grep "$runtime" >/dev/null; then
  echo "$dir/destination-aws-datalake is not built with -fsanitize=$sanitize" >&2
  exit 1
fi

# halt_on_error with -fno-sanitize-recover: the first report ends the process (abort, so that it
# cannot be mistaken for an orderly exit). Leaks are checked at every exit (ASan's LeakSanitizer).
# Suppressions: only third-party code (the files say what and why).
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
# The crash tests' pairs of crash points: every fourth first point (the release run takes all).
export DATALAKE_TEST_CRASH_STRIDE=4
export TSAN_OPTIONS=halt_on_error=1:abort_on_error=1:second_deadlock_stack=1:suppressions=$(pwd)/scripts/tsan.supp

start=$SECONDS
status=0
mkdir -p "$dir/unit-logs"
if ((${#unit[@]} == 0)); then
  mapfile -t unit < <(cd "$dir" && find . -maxdepth 1 -name '*_tests' -type f -printf '%f\n' | sort)
fi
# The longest first (under ASan: sync about 60 s, aws 50 s of which 35 s wait for an STS session
# to expire, format 50 s, protocol 40 s), so that the short ones fill in beside them.
ordered=()
for t in sync_tests aws_tests format_tests protocol_tests; do
  if printf '%s\n' "${unit[@]}" | grep -qx "$t"; then ordered+=("$t"); fi
done
for t in "${unit[@]}"; do
  if ! printf '%s\n' "${ordered[@]}" | grep -qx "$t"; then ordered+=("$t"); fi
done
printf '%s\n' "${ordered[@]}" | (cd "$dir" && xargs -P "$jobs" -I{} sh -c \
  'if ./{} --gtest_brief=1 "--gtest_filter=$0" >unit-logs/{}.log 2>&1; then echo "ok   {}";
   else echo "FAIL {}"; cat unit-logs/{}.log; exit 1; fi' "$gtest_filter") || status=1
unit_s=$((SECONDS - start))

rm -rf "$reports"
mkdir -p "$reports"
start=$SECONDS
ASAN_OPTIONS=$ASAN_OPTIONS:log_path=$reports/asan \
  UBSAN_OPTIONS=$UBSAN_OPTIONS:log_path=$reports/ubsan \
  TSAN_OPTIONS=$TSAN_OPTIONS:log_path=$reports/tsan \
  DATALAKE_BINARY=$(pwd)/$dir/destination-aws-datalake DATALAKE_TEST_TIME_FACTOR=$factor \
  DATALAKE_TEST_MEMORY_FACTOR=$memory_factor \
  node --test --test-concurrency=2 "${e2e[@]}" || status=$?
e2e_s=$((SECONDS - start))

found=$(find "$reports" -type f | sort)
if [[ -n "$found" ]]; then
  echo "Sanitizer reports from the end-to-end tests ($(echo "$found" | wc -l)):" >&2
  for f in $found; do
    echo "==== $f" >&2
    cat "$f" >&2
  done
  status=1
fi
echo "$mode: build ${build_s}s, unit tests ${unit_s}s, end-to-end tests ${e2e_s}s" \
  "($(((build_s + unit_s + e2e_s) / 60))m$(((build_s + unit_s + e2e_s) % 60))s)"
exit $status
