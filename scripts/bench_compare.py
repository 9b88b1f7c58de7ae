#!/usr/bin/env python3
"""Write throughput of destination-aws-datalake next to DuckDB, on the same inputs, in one run.

For each input shape (scripts/bench_shapes.py) and each output format, the destination (writing
into a local lake) and DuckDB (`COPY` from the same Airbyte message file, 2 threads, explicit
column types, in a node process of its own) run alternately, BENCH_REPEAT times each; the
medians are reported as a markdown table: MB/s (input bytes / wall), records/s, CPU/wall
((user+sys) / wall of the child, from wait4) and peak RSS (ru_maxrss of the child).

Environment:
  BENCH_RECORDS   records of the "users" shape (default 1000000, about 387 bytes each)
  BENCH_SHAPE_MB  input size of every other shape, in MB (default 100; at least 2 records)
  BENCH_SHAPES    comma-separated subset of users,narrow,wide,nested,big,streams200
  BENCH_FORMATS   comma-separated subset of the format labels below
  BENCH_STREAMS   streams of the "streams200" shape (default 200)
  BENCH_REPEAT    runs per engine, format and shape (default 3)
  BENCH_CHECK=1   also count the rows of the destination's output with DuckDB
  BENCH_OUT       also write the table to this file
  BENCH_INPUTS    the cache of generated inputs (default build/bench-inputs)
"""
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_shapes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INPUTS = os.environ.get("BENCH_INPUTS", os.path.join(ROOT, "build", "bench-inputs"))
DUCKDB_THREADS = 2
# label -> (destination format, DuckDB FORMAT, DuckDB COMPRESSION or None, file extension)
FORMATS = {
    "Parquet/SNAPPY": ({"format_type": "Parquet", "compression_codec": "SNAPPY"}, "parquet", "snappy", ".parquet"),
    "Parquet/ZSTD": ({"format_type": "Parquet", "compression_codec": "ZSTD"}, "parquet", "zstd", ".parquet"),
    "JSONL/GZIP": ({"format_type": "JSONL", "compression_codec": "GZIP"}, "json", "gzip", ".json.gz"),
    "JSONL/ZSTD": ({"format_type": "JSONL", "compression_codec": "ZSTD"}, "json", "zstd", ".json.zst"),
    "JSONL/none": ({"format_type": "JSONL", "compression_codec": "UNCOMPRESSED"}, "json", None, ".json"),
}


def run(cmd, stdin_path, stdout_path):
    """Run cmd; return (wall seconds, user+sys seconds, peak RSS KiB) of that child."""
    with open(stdin_path or os.devnull, "rb") as stdin, open(stdout_path, "wb") as stdout:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout)
        _, wait_status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(wait_status) != 0:
        sys.exit(f"{' '.join(cmd[:3])} failed with exit code {os.waitstatus_to_exitcode(wait_status)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def dir_bytes(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def sql_quote(text):
    return "'" + text.replace("'", "''") + "'"


def reader_sql(input_path, shape):
    data = bench_shapes.duckdb_type(("struct", bench_shapes.SHAPES[shape][0]))
    columns = f"{{type: 'VARCHAR', record: {sql_quote(f'STRUCT(stream VARCHAR, data {data})')}}}"
    return (f"read_json({sql_quote(input_path)}, format='newline_delimited', "
            f"maximum_object_size=67108864, columns={columns})")


def duckdb_sql(input_path, shape, label, out_dir):
    """The DuckDB statements doing the destination's work, and a sentence saying what they do."""
    _, fmt, codec, ext = FORMATS[label]
    options = f"FORMAT {fmt}" + (f", COMPRESSION {codec}" if codec else "")
    source = reader_sql(input_path, shape)
    streams = bench_shapes.stream_names(shape)
    if len(streams) == 1:
        target = os.path.join(out_dir, streams[0] + ext)
        return (f"COPY (SELECT unnest(record.data) FROM {source} WHERE type = 'RECORD' AND "
                f"record.stream = {sql_quote(streams[0])}) TO {sql_quote(target)} ({options});\n",
                "one COPY of the RECORD lines' data fields")
    if fmt == "parquet":
        return (f"COPY (SELECT record.stream AS stream, unnest(record.data) FROM {source} "
                f"WHERE type = 'RECORD') TO {sql_quote(out_dir)} ({options}, PARTITION_BY (stream));\n",
                "one COPY ... PARTITION_BY (stream): one directory per stream")
    # COPY TO json has no PARTITION_BY: parse once into a temporary table, then one COPY a stream.
    statements = [f"CREATE TEMP TABLE r AS SELECT record.stream AS stream, unnest(record.data) "
                  f"FROM {source} WHERE type = 'RECORD';\n"]
    for name in streams:
        target = os.path.join(out_dir, name + ext)
        statements.append(f"COPY (SELECT * EXCLUDE (stream) FROM r WHERE stream = {sql_quote(name)}) "
                          f"TO {sql_quote(target)} ({options});\n")
    return "".join(statements), (f"parse once into a temporary table, then {len(streams)} COPY "
                                 "(COPY TO json has no PARTITION_BY)")


def count_sql(lake, label):
    _, fmt, _, ext = FORMATS[label]
    files = sql_quote(os.path.join(lake, "bench", "**", "*" + ext))
    if fmt == "parquet":
        return f"SELECT count(*) FROM read_parquet({files});\n"
    return f"SELECT count(*) FROM read_json({files}, format='newline_delimited');\n"


def duckdb_run(work, sql):
    sql_path = os.path.join(work, "query.sql")
    with open(sql_path, "w") as f:
        f.write(sql)
    out = os.path.join(work, "duckdb.out")
    measured = run(["node", os.path.join(ROOT, "scripts", "bench_duckdb.mjs"), str(DUCKDB_THREADS), sql_path],
                   None, out)
    with open(out) as f:
        reply = json.load(f)
    return measured, reply["rows"], reply["query_seconds"]


def ours_run(binary, work, input_path, catalog_path, label):
    lake = os.path.join(work, "lake")
    config = os.path.join(work, "config.json")
    with open(config, "w") as f:
        json.dump({"bucket_name": "bench", "lakeformation_database_name": "db", "format": FORMATS[label][0],
                   "local_lake_path": lake, "airbyte_meta_columns": False,
                   "commit_interval_seconds": 300}, f)
    return run([binary, "write", "--config", config, "--catalog", catalog_path], input_path,
               os.path.join(work, "ours.out"))


def measure_shape(binary, work, shape, count, labels, repeat, check):
    input_path, catalog_path = bench_shapes.ensure_input(INPUTS, shape, count)
    size = os.path.getsize(input_path)
    rows, notes = [], {}
    for label in labels:
        results = {"ours": [], "duckdb": []}
        for rep in range(repeat):
            for engine in (["ours", "duckdb"] if rep % 2 == 0 else ["duckdb", "ours"]):
                out_dir = os.path.join(work, "out")
                shutil.rmtree(out_dir, ignore_errors=True)
                shutil.rmtree(os.path.join(work, "lake"), ignore_errors=True)
                os.makedirs(out_dir)
                if engine == "ours":
                    measured = ours_run(binary, work, input_path, catalog_path, label)
                    inside = measured[0]
                    out_bytes = dir_bytes(os.path.join(work, "lake", "bench"))
                    if check and rep == 0:
                        (_, counted, _) = duckdb_run(work, count_sql(os.path.join(work, "lake"), label))
                        if counted != count:
                            sys.exit(f"{shape} {label}: the destination wrote {counted} rows of {count}")
                else:
                    sql, note = duckdb_sql(input_path, shape, label, out_dir)
                    notes[f"{shape} {FORMATS[label][1]}" if len(bench_shapes.stream_names(shape)) > 1 else "other shapes"] = note
                    measured, written, inside = duckdb_run(work, sql)
                    if written != count:
                        sys.exit(f"{shape} {label}: DuckDB wrote {written} rows of {count}")
                    out_bytes = dir_bytes(out_dir)
                results[engine].append(measured + (out_bytes, inside))
        rows.append((shape, label, size, count, {e: summarize(r) for e, r in results.items()}))
        print(f"  {shape} {label}: ours {rows[-1][4]['ours']['wall']:.2f} s, "
              f"DuckDB {rows[-1][4]['duckdb']['wall']:.2f} s", file=sys.stderr, flush=True)
    return rows, notes


def summarize(runs):
    return {"wall": statistics.median(r[0] for r in runs), "cpu": statistics.median(r[1] / r[0] for r in runs),
            "rss": statistics.median(r[2] for r in runs), "out": statistics.median(r[3] for r in runs),
            "inside": statistics.median(r[4] for r in runs)}


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({model})"


def table(rows):
    lines = ["| shape | format | ours MB/s | ours rec/s | ours CPU/wall | ours RSS MiB | ours out MB "
             "| DuckDB MB/s | DuckDB rec/s | DuckDB CPU/wall | DuckDB RSS MiB | DuckDB out MB | ours/DuckDB speed | same, DuckDB query only |",
             "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for shape, label, size, count, r in rows:
        cells = [shape, label]
        for engine in ("ours", "duckdb"):
            m = r[engine]
            cells += [f"{size / 1e6 / m['wall']:.1f}", f"{count / m['wall']:,.0f}", f"{m['cpu']:.2f}",
                      f"{m['rss'] / 1024:.0f}", f"{m['out'] / 1e6:.1f}"]
        cells.append(f"{r['duckdb']['wall'] / r['ours']['wall']:.2f}x")
        cells.append(f"{r['duckdb']['inside'] / r['ours']['wall']:.2f}x")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "destination-aws-datalake"))
    users = int(os.environ.get("BENCH_RECORDS", "1000000"))
    shape_bytes = float(os.environ.get("BENCH_SHAPE_MB", "100")) * 1e6
    shapes = [s for s in os.environ.get("BENCH_SHAPES", ",".join(bench_shapes.SHAPES)).split(",") if s]
    labels = [f for f in os.environ.get("BENCH_FORMATS", ",".join(FORMATS)).split(",") if f]
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    check = os.environ.get("BENCH_CHECK") == "1"
    for name in shapes + labels:
        if name not in bench_shapes.SHAPES and name not in FORMATS:
            sys.exit(f"unknown shape or format {name!r}")
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    rows, notes = [], {}
    os.makedirs(INPUTS, exist_ok=True)
    # The outputs go next to the inputs, on the same file system for both engines.
    with tempfile.TemporaryDirectory(prefix="work-", dir=INPUTS) as work:
        startup = statistics.median(duckdb_run(work, "SELECT 1;\n")[0][0] for _ in range(repeat))
        for shape in shapes:
            count = users if shape == "users" else max(2, int(shape_bytes // bench_shapes.SHAPES[shape][2]))
            print(f"{shape}: {count} records ...", file=sys.stderr, flush=True)
            shape_rows, shape_notes = measure_shape(binary, work, shape, count, labels, repeat, check)
            rows += shape_rows
            notes.update(shape_notes)
    elapsed = time.perf_counter() - started
    report = [f"Machine: {machine()}, {datetime.date.today().isoformat()}; load average "
              f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after; {elapsed:.0f} s in all. "
              f"Median of {repeat} runs each, the two engines alternating on the same input file.", "",
              table(rows), "",
              "Inputs (Airbyte messages, a STATE every 10,000 records): " + "; ".join(
                  f"{s} = {bench_shapes.SHAPES[s][4]} ({r[2] / 1e6:.0f} MB, {r[3]:,} records)"
                  for s, r in {row[0]: row for row in rows}.items()) + ".",
              "Ours: `destination-aws-datalake write` into a local lake (`local_lake_path`), "
              "`airbyte_meta_columns: false` (the data columns only, like DuckDB), one table a stream.",
              f"DuckDB {DUCKDB_THREADS} threads, in a node process of its own (start-up alone: {startup:.2f} s, "
              "included in its wall time): `read_json(format='newline_delimited', columns={type, "
              "record: STRUCT(stream, data STRUCT(<the catalog's columns, date-time as TIMESTAMPTZ>))})` "
              "keeping `type = 'RECORD'` lines, `unnest(record.data)` into the columns, then "
              + "; ".join(f"{s}: {n}" for s, n in notes.items()) + ".",
              "ours/DuckDB speed = DuckDB wall / ours wall (above 1: ours is faster); \"query only\" "
              "leaves out DuckDB's start-up (time of its statements inside the process)."]
    text = "\n".join(report)
    print(text)
    if os.environ.get("BENCH_OUT"):
        with open(os.environ["BENCH_OUT"], "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
