#!/usr/bin/env python3
"""End-to-end write benchmark into the local lake.

Generates BENCH_MB of Airbyte RECORD messages (Airbyte's BasicPerformanceTest shape: an id and two
100-character strings, plus a timestamp and a nested object), with a STATE every 10,000 records,
then times `destination-aws-datalake write` reading it from a file. With BENCH_PARTITIONING
(e.g. DAY), the stream is incremental with `updated_at` as its cursor, which advances one day
every 20,000 records, and the lake is partitioned by it. With BENCH_UNDECLARED=1 the catalog
declares only id, column1 and updated_at: column2 and nested are fields the destination checks
but does not store (the cost of checking what it skips). Prints records/s, MB/s and
peak RSS, next to two baselines measured in the same run on the same input: `cat` (the I/O
ceiling) and Python's json.loads per line (a floor for any Python destination's cost).
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time


def generate(path, target_bytes, moving_cursor):
    template = json.dumps({
        "type": "RECORD",
        "record": {"stream": "perf", "emitted_at": 1700000000000, "data": {
            "id": 0, "column1": "a" * 100, "column2": "b" * 100,
            "updated_at": "2024-05-01T10:00:00.123456Z",
            "nested": {"x": 1.5, "y": "text", "flag": True}}},
    }, separators=(",", ":"))
    head, tail = template.split('"id":0', 1)
    tails = {}
    written = 0
    records = 0
    with open(path, "w") as f:
        chunk = []
        while written < target_bytes:
            day = records // 20000 if moving_cursor else 0
            if day not in tails:
                date = (datetime.date(2024, 1, 1) + datetime.timedelta(days=day)).isoformat()
                tails[day] = tail.replace("2024-05-01", date)
            line = f'{head}"id":{records}{tails[day]}\n'
            chunk.append(line)
            written += len(line)
            records += 1
            if records % 10000 == 0:
                chunk.append(json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {
                    "stream_descriptor": {"name": "perf"}, "stream_state": {"id": records}}}}) + "\n")
                f.write("".join(chunk))
                chunk = []
        chunk.append(json.dumps({"type": "TRACE", "trace": {"type": "STREAM_STATUS", "emitted_at": 0,
                     "stream_status": {"stream_descriptor": {"name": "perf"}, "status": "COMPLETE"}}}) + "\n")
        f.write("".join(chunk))
    return records, os.path.getsize(path)


def timed(cmd, stdin_path):
    """Run cmd with stdin from a file; return (seconds, peak RSS in KiB of that process)."""
    with open(stdin_path, "rb") as stdin:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL)
        _, wait_status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(wait_status)
    if code != 0:
        sys.exit(f"{cmd[0]} failed with exit code {code}")
    return elapsed, usage.ru_maxrss


def python_json_rate(path, limit_bytes):
    start = time.perf_counter()
    done = 0
    with open(path, "rb") as f:
        for line in f:
            json.loads(line)
            done += len(line)
            if done >= limit_bytes:
                break
    return done / (time.perf_counter() - start)


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/destination-aws-datalake")
    target_mb = int(os.environ.get("BENCH_MB", "1024"))
    codec = os.environ.get("BENCH_CODEC", "UNCOMPRESSED")
    partitioning = os.environ.get("BENCH_PARTITIONING", "")
    undeclared = os.environ.get("BENCH_UNDECLARED", "") not in ("", "0")
    with tempfile.TemporaryDirectory(prefix="datalake-bench-") as work:
        data = os.path.join(work, "input.jsonl")
        print(f"generating {target_mb} MB of records ...", flush=True)
        records, size = generate(data, target_mb * 1_000_000, bool(partitioning))
        config = os.path.join(work, "config.json")
        catalog = os.path.join(work, "catalog.json")
        with open(config, "w") as f:
            json.dump({"bucket_name": "bench", "lakeformation_database_name": "db",
                       "format": {"format_type": "JSONL", "compression_codec": codec},
                       "local_lake_path": os.path.join(work, "lake"),
                       "partitioning": partitioning or "NO PARTITIONING",
                       "commit_interval_seconds": 300}, f)
        properties = {
            "id": {"type": "integer"}, "column1": {"type": "string"}, "column2": {"type": "string"},
            "updated_at": {"type": "string", "format": "date-time"},
            "nested": {"type": "object", "properties": {"x": {"type": "number"}, "y": {"type": "string"},
                                                        "flag": {"type": "boolean"}}}}
        if undeclared:
            del properties["column2"], properties["nested"]
        with open(catalog, "w") as f:
            json.dump({"streams": [{"stream": {"name": "perf", "json_schema": {"type": "object", "properties": properties},
                "supported_sync_modes": ["full_refresh", "incremental"]},
                "sync_mode": "incremental" if partitioning else "full_refresh",
                "cursor_field": ["updated_at"] if partitioning else [],
                "destination_sync_mode": "append"}]}, f)

        cat_seconds, _ = timed(["cat"], data)
        seconds, peak_kb = timed([binary, "write", "--config", config, "--catalog", catalog], data)
        py_rate = python_json_rate(data, min(size, 200_000_000))

        mb = size / 1e6
        print(f"input: {records} records, {mb:.0f} MB, JSONL {codec}"
              + (f", partitioned by {partitioning}" if partitioning else "")
              + (", column2 and nested undeclared" if undeclared else ""))
        print(f"destination-aws-datalake: {seconds:.2f} s  {records / seconds:,.0f} records/s  "
              f"{mb / seconds:.1f} MB/s  peak RSS {peak_kb / 1024:.1f} MiB")
        print(f"baseline cat:              {mb / cat_seconds:.1f} MB/s  "
              f"(destination at {cat_seconds / seconds:.2f}x of the I/O ceiling)")
        print(f"baseline python json.loads: {py_rate / 1e6:.1f} MB/s  "
              f"(destination {size / seconds / py_rate:.1f}x faster than parsing alone in Python)")


if __name__ == "__main__":
    main()
