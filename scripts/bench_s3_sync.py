#!/usr/bin/env python3
"""A whole sync into S3 against the same sync into the local lake: the destination writes a
generated input (scripts/bench_shapes.py: BENCH_SHAPE, default "users"; BENCH_RECORDS records,
default 1,000,000) as Parquet/SNAPPY to radosgw with its tables in Glue (moto_server), and to a
local lake directory, alternately, BENCH_REPEAT times each (default 3); prints the median wall
times, MB/s, their ratio, and the CPU time radosgw and its Ceph daemons took during the S3 runs
(they share this machine's cores with the destination, which a sync against Amazon S3 does not).
The first S3 run creates the tables; the later ones append to them. BENCH_TABLE_FORMAT=iceberg
writes Iceberg tables (default hive), for the per-commit cost of each format against S3 and Glue.

  python3 scripts/bench_s3_sync.py build/destination-aws-datalake
  BENCH_SHAPE=streams200 BENCH_RECORDS=555555 python3 scripts/bench_s3_sync.py build/...
"""
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_shapes  # noqa: E402
from bench_s3 import BUCKET, bench_bucket, radosgw_env  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFIX = "sync-bench"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto():
    port = free_port()
    child = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:  # bounded readiness polling
        try:
            urllib.request.urlopen(endpoint, timeout=1)
            return child, endpoint
        except OSError:
            if time.monotonic() > deadline or child.poll() is not None:
                child.kill()
                raise SystemExit("moto_server did not start")
            time.sleep(0.1)


def ceph_cpu_seconds():
    """User + system CPU seconds of the running radosgw and Ceph daemons."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        if name in ("radosgw", "ceph-osd", "ceph-mon"):
            fields = stat[stat.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def run(binary, config_path, catalog_path, input_path):
    with open(input_path, "rb") as stdin:
        start = time.perf_counter()
        done = subprocess.run([binary, "write", "--config", config_path, "--catalog", catalog_path],
                              stdin=stdin, capture_output=True)
        elapsed = time.perf_counter() - start
    states = sum(1 for line in done.stdout.splitlines() if line.startswith(b'{"type":"STATE"'))
    if done.returncode != 0:
        raise SystemExit(f"sync failed ({done.returncode}): {done.stdout[-2000:]!r}")
    return elapsed, states


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/destination-aws-datalake")
    shape = os.environ.get("BENCH_SHAPE", "users")
    records = int(os.environ.get("BENCH_RECORDS", "1000000"))
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    inputs = os.environ.get("BENCH_INPUTS", os.path.join(ROOT, "build", "bench-inputs"))
    input_path, catalog_path = bench_shapes.ensure_input(inputs, shape, records)
    size_mb = os.path.getsize(input_path) / 1e6

    rgw = radosgw_env()
    region = rgw.get("RADOSGW_REGION", "us-east-1")
    s3 = bench_bucket(rgw)
    moto, glue = start_moto()
    work = tempfile.mkdtemp(prefix="bench-s3-sync-")
    try:
        common = {
            "aws_account_id": "123456789012", "region": region, "bucket_name": BUCKET,
            "bucket_prefix": PREFIX, "lakeformation_database_name": "bench",
            "format": {"format_type": "Parquet", "compression_codec": "SNAPPY"},
            "airbyte_meta_columns": False,
            "table_format": os.environ.get("BENCH_TABLE_FORMAT", "hive"),
            "credentials": {"credentials_title": "IAM User",
                            "aws_access_key_id": rgw["RADOSGW_ACCESS_KEY"],
                            "aws_secret_access_key": rgw["RADOSGW_SECRET_KEY"]},
        }
        configs = {
            "S3": dict(common, s3_endpoint=rgw["RADOSGW_ENDPOINT"], glue_endpoint=glue,
                       lakeformation_endpoint=glue),
            "local": dict(common, local_lake_path=os.path.join(work, "lake")),
        }
        paths = {}
        for name, config in configs.items():
            paths[name] = os.path.join(work, f"{name}.json")
            with open(paths[name], "w") as f:
                json.dump(config, f)
        times = {"S3": [], "local": []}
        ceph = []
        states = set()
        for _ in range(repeat):
            before = ceph_cpu_seconds()
            elapsed, n = run(binary, paths["S3"], catalog_path, input_path)
            ceph.append(ceph_cpu_seconds() - before)
            times["S3"].append(elapsed)
            states.add(n)
            shutil.rmtree(os.path.join(work, "lake"), ignore_errors=True)
            elapsed, n = run(binary, paths["local"], catalog_path, input_path)
            times["local"].append(elapsed)
            states.add(n)
        if len(states) != 1:
            raise SystemExit(f"the runs acknowledged different numbers of STATEs: {states}")
        s3_wall = statistics.median(times["S3"])
        local_wall = statistics.median(times["local"])
        print(f"{shape}, {records:,} records ({size_mb:.0f} MB) to Parquet/SNAPPY "
              f"({common['table_format']} tables), median of {repeat}, "
              f"alternating; {states.pop()} STATEs acknowledged by every run")
        print(f"  local lake: {local_wall:.2f} s  {size_mb / local_wall:6.1f} MB/s")
        print(f"  S3 (radosgw) + Glue (moto): {s3_wall:.2f} s  {size_mb / s3_wall:6.1f} MB/s   "
              f"S3/local throughput {local_wall / s3_wall:.2f}")
        print(f"  radosgw and Ceph took {statistics.median(ceph):.2f} s of CPU a run, on the same cores")
    finally:
        moto.kill()
        shutil.rmtree(work, ignore_errors=True)
        paginator = s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=BUCKET, Prefix=PREFIX + "/"):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=BUCKET, Key=item["Key"])


if __name__ == "__main__":
    main()
