#!/usr/bin/env python3
"""Many interleaved streams against one stream of the same records: the `streams200` input of
scripts/bench_shapes.py (200 streams interleaved record by record, 4 columns) and the same lines
with every record and STATE naming one stream, each written by `destination-aws-datalake write`
into a local lake (Parquet/SNAPPY, no meta columns), alternating, BENCH_REPEAT times each.
Prints each run's wall time, CPU time (user + system), peak RSS and minor page faults, then the
medians and the ratio many / one (issue target: at most 1.5x).

Each run writes a lake directory of its own, and all of them are removed only at the end: on an
ext4 file system without a journal, a file created within a minute of thousands of deletions
makes the allocator skip every recently deleted inode (ext4's recently_deleted), which would
charge the many-files run for the previous run's clean-up.

  python3 scripts/bench_streams.py [BINARY]

Environment: BENCH_STREAMS_RECORDS (default 6,000,000: 1.07 GB), BENCH_STREAMS (default 200),
BENCH_REPEAT (default 5), BENCH_INPUTS (where inputs are cached, as bench_compare.py).
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_compare  # noqa: E402
import bench_shapes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ONE = "one"


def one_stream_input(path, catalog_path):
    """The same lines with every stream named ONE: (path, catalog path), cached beside them."""
    base = path[: -len(".jsonl")] + "-one-stream"
    out, out_catalog = base + ".jsonl", base + ".catalog.json"
    if not os.path.exists(out):
        names = re.compile(r'"(stream|name)":\s*"s\d{3}"')
        with open(path) as src, open(out + ".part", "w") as dst:
            for line in src:
                dst.write(names.sub(lambda m: f'"{m.group(1)}":"{ONE}"', line, count=1))
        with open(catalog_path) as f:
            catalog = json.load(f)
        first = catalog["streams"][0]
        first["stream"]["name"] = ONE
        catalog["streams"] = [first]
        with open(out_catalog, "w") as f:
            json.dump(catalog, f)
        os.replace(out + ".part", out)
    return out, out_catalog


def run(binary, config_path, input_path, catalog_path):
    """(wall s, cpu s, peak RSS MiB, minor faults) of one write."""
    with open(input_path, "rb") as stdin:
        start = time.monotonic()
        proc = subprocess.Popen([binary, "write", "--config", config_path, "--catalog", catalog_path],
                                stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{binary} failed on {input_path}: {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, usage.ru_minflt


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "destination-aws-datalake"))
    records = int(os.environ.get("BENCH_STREAMS_RECORDS", "6000000"))
    repeat = int(os.environ.get("BENCH_REPEAT", "5"))
    many_path, many_catalog = bench_shapes.ensure_input(bench_compare.INPUTS, "streams200", records)
    one_path, one_catalog = one_stream_input(many_path, many_catalog)
    streams = bench_shapes.SHAPES["streams200"][3]
    cases = [(f"{streams} streams", many_path, many_catalog), ("1 stream", one_path, one_catalog)]
    size_mb = os.path.getsize(many_path) / 1e6
    print(f"{records:,} records, {size_mb:.0f} MB, Parquet/SNAPPY into a local lake; "
          f"{repeat} alternating runs each")
    print("| run | case | wall s | CPU s | CPU / wall | peak RSS MiB | minor faults |")
    print("|---|---|---|---|---|---|---|")
    results = {name: [] for name, _, _ in cases}
    with tempfile.TemporaryDirectory(prefix="streams-", dir=bench_compare.INPUTS) as work:
        n = 0
        for r in range(repeat):
            for name, input_path, catalog_path in cases:
                n += 1
                config_path = os.path.join(work, "config.json")
                with open(config_path, "w") as f:
                    json.dump({"bucket_name": "bench", "lakeformation_database_name": "db",
                               "format": {"format_type": "Parquet", "compression_codec": "SNAPPY"},
                               "local_lake_path": os.path.join(work, f"lake-{n}"),
                               "airbyte_meta_columns": False,
                               "credentials": {"credentials_title": "IAM User",
                                               "aws_access_key_id": "x", "aws_secret_access_key": "y"},
                               "region": "us-east-1", "aws_account_id": "111111111111"}, f)
                wall, cpu, rss, faults = run(binary, config_path, input_path, catalog_path)
                results[name].append((wall, cpu, rss, faults))
                print(f"| {r + 1} | {name} | {wall:.2f} | {cpu:.2f} | {cpu / wall:.2f} | {rss:.0f} | {faults:,} |",
                      flush=True)
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("| case | median wall s | median CPU s | MB/s | largest peak RSS MiB |")
    print("|---|---|---|---|---|")
    medians = {}
    for name, _, _ in cases:
        runs = results[name]
        medians[name] = statistics.median(w for w, _, _, _ in runs)
        print(f"| {name} | {medians[name]:.2f} | {statistics.median(c for _, c, _, _ in runs):.2f} | "
              f"{size_mb / medians[name]:.0f} | {max(m for _, _, m, _ in runs):.0f} |")
    many, one = cases[0][0], cases[1][0]
    print(f"\n{many} / {one} wall time: {medians[many] / medians[one]:.2f}x")


if __name__ == "__main__":
    main()
