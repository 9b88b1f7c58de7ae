#!/usr/bin/env bash
# Run the sample sync of examples/ into ./demo-lake and show what landed.
set -euo pipefail
binary=${1:-build/destination-aws-datalake}
cd "$(dirname "$0")/.."
rm -rf demo-lake
echo "== check"
"$binary" check --config examples/config.json
echo "== write (stdout: the Airbyte messages the destination emits)"
"$binary" write --config examples/config.json --catalog examples/catalog.json \
  < examples/messages.jsonl
echo "== what landed in ./demo-lake"
python3 scripts/show_lake.py demo-lake
