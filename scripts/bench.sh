#!/usr/bin/env bash
# Benchmark: see scripts/bench.py. BENCH_MB sets the input size (default 1024).
set -euo pipefail
exec python3 "$(dirname "$0")/bench.py" "$@"
