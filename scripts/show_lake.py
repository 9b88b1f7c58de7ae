#!/usr/bin/env python3
"""Print the tables of a local lake: their Glue columns, data files and row counts."""
import gzip
import json
import os
import sys


def count_rows(path):
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return sum(1 for _ in f), None
    if path.endswith(".zst"):
        return None, "zstd (use zstdcat to read)"
    with open(path, "rb") as f:
        return sum(1 for _ in f), None


def main(lake):
    catalog = os.path.join(lake, "_catalog")
    for database in sorted(os.listdir(catalog)):
        for name in sorted(os.listdir(os.path.join(catalog, database))):
            if name.startswith("_") or not name.endswith(".json") or name.endswith(".partitions.json"):
                continue
            with open(os.path.join(catalog, database, name)) as f:
                table = json.load(f)
            sd = table["StorageDescriptor"]
            location = sd["Location"]
            print(f"table {database}.{table['Name']}  ->  {location}")
            for col in sd["Columns"]:
                print(f"    {col['Name']:<24} {col['Type']}")
            for key in table.get("PartitionKeys", []):
                print(f"    {key['Name']:<24} {key['Type']}  (partition key)")
            partitions_file = os.path.join(catalog, database, name[:-len(".json")] + ".partitions.json")
            if os.path.exists(partitions_file):
                with open(partitions_file) as f:
                    partitions = json.load(f)
                print(f"    partitions: {len(partitions)}")
            bucket_path = location[len("s3://"):]
            data_dir = os.path.join(lake, bucket_path)
            total = 0
            for root, dirs, files in os.walk(data_dir):
                dirs.sort()
                for file in sorted(files):
                    path = os.path.join(root, file)
                    rows, note = count_rows(path)
                    total += rows or 0
                    size = os.path.getsize(path)
                    shown = os.path.relpath(path, lake)
                    print(f"    file {shown}  {size} bytes  {rows if rows is not None else note} rows")
            print(f"    rows: {total}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "demo-lake")
