#!/usr/bin/env python3
"""Iceberg tables next to Hive tables: the same input written by `destination-aws-datalake write`
into a local lake with only `table_format` different, for each input shape of
scripts/bench_shapes.py and several settings (the default commit interval; a commit at every
STATE, i.e. every 10,000 records; partitioned by month of a timestamp column where the shape
has one: the shapes' timestamps cycle through 12 months record by record, so every file stays
open; by day, 84 days would overflow the 64 open partition files a stream keeps). Runs alternate
between the two formats on the same input file; prints the median wall time, MB/s, peak RSS and
the ratio Iceberg / Hive per case, and the size of the Iceberg table's metadata (every metadata
file, manifest list and manifest).

  python3 scripts/bench_iceberg.py [BINARY]

Environment: BENCH_SHAPES (default users,narrow,wide,nested,big,streams200), BENCH_REPEAT
(default 3), BENCH_SHAPE_MB (default 100; users is BENCH_RECORDS records, default 1,000,000),
BENCH_STREAMS (the streams200 shape's stream count).
"""
import json
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_compare  # noqa: E402
import bench_shapes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The timestamp column a shape is partitioned by in the "month" setting.
TIME_COLUMN = {"users": "created_at", "narrow": "ts", "big": "ts", "streams200": "ts"}


def settings_for(shape):
    out = [("default commit interval", {}), ("commit every STATE", {"commit_interval_seconds": 0})]
    if shape in TIME_COLUMN:
        out.append(("partition_by month", {"partition_by": [{"field": TIME_COLUMN[shape], "transform": "month"}]}))
    return out


def dir_bytes(path, suffix):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files
               if f.endswith(suffix))


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "destination-aws-datalake"))
    shapes = [s for s in os.environ.get("BENCH_SHAPES", ",".join(bench_shapes.SHAPES)).split(",") if s]
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    users = int(os.environ.get("BENCH_RECORDS", "1000000"))
    shape_bytes = float(os.environ.get("BENCH_SHAPE_MB", "100")) * 1e6
    print(f"| shape | setting | Hive s | Iceberg s | Hive MB/s | Iceberg MB/s | Iceberg / Hive time | "
          f"peak RSS Hive / Iceberg MiB | Iceberg metadata KB |")
    print("|---|---|---|---|---|---|---|---|---|")
    ratios = []
    with tempfile.TemporaryDirectory(prefix="work-", dir=bench_compare.INPUTS) as work:
        for shape in shapes:
            count = users if shape == "users" else max(2, int(shape_bytes // bench_shapes.SHAPES[shape][2]))
            input_path, catalog_path = bench_shapes.ensure_input(bench_compare.INPUTS, shape, count)
            size = os.path.getsize(input_path)
            for label, extra in settings_for(shape):
                results = {"hive": [], "iceberg": []}
                metadata_kb = 0
                for _ in range(repeat):
                    for table_format in ("hive", "iceberg"):
                        lake = os.path.join(work, "lake")
                        shutil.rmtree(lake, ignore_errors=True)
                        config = os.path.join(work, "config.json")
                        with open(config, "w") as f:
                            json.dump({"bucket_name": "bench", "lakeformation_database_name": "db",
                                       "local_lake_path": lake, "airbyte_meta_columns": False,
                                       "format": {"format_type": "Parquet", "compression_codec": "SNAPPY"},
                                       "table_format": table_format, **extra}, f)
                        wall, _, rss = bench_compare.run(
                            [binary, "write", "--config", config, "--catalog", catalog_path],
                            input_path, os.path.join(work, "out.jsonl"))
                        results[table_format].append((wall, rss))
                        if table_format == "iceberg":
                            metadata_kb = (dir_bytes(lake, ".metadata.json") + dir_bytes(lake, ".avro")) / 1e3
                hive = statistics.median(w for w, _ in results["hive"])
                iceberg = statistics.median(w for w, _ in results["iceberg"])
                ratios.append(iceberg / hive)
                print(f"| {shape} | {label} | {hive:.2f} | {iceberg:.2f} | {size / 1e6 / hive:.0f} | "
                      f"{size / 1e6 / iceberg:.0f} | {iceberg / hive:.2f} | "
                      f"{max(r for _, r in results['hive']) / 1024:.0f} / "
                      f"{max(r for _, r in results['iceberg']) / 1024:.0f} | {metadata_kb:.0f} |", flush=True)
    print(f"\nIceberg / Hive wall time: median {statistics.median(ratios):.2f}, "
          f"largest {max(ratios):.2f} over {len(ratios)} cases (median of {repeat} alternating runs each)")


if __name__ == "__main__":
    main()
