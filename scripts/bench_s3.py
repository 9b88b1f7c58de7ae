#!/usr/bin/env python3
"""Upload throughput to radosgw: one object of BENCH_S3_MB (default 1024) MB, uploaded by our S3
store with 1, 2 and 4 part workers, and by boto3 (upload_fileobj, same part size and worker
counts) in the same run. Starts radosgw with scripts/radosgw.sh if needed."""
import io
import os
import subprocess
import sys
import time

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def radosgw_env():
    subprocess.run([os.path.join(ROOT, "scripts/radosgw.sh"), "start"], check=True,
                   stdout=subprocess.DEVNULL)
    out = subprocess.run([os.path.join(ROOT, "scripts/radosgw.sh"), "env"], check=True,
                         capture_output=True, text=True).stdout
    env = {}
    for line in out.splitlines():
        line = line.removeprefix("export ").strip()
        if "=" in line:
            k, v = line.split("=", 1)
            env[k] = v.strip("'\"")
    return env


BUCKET = "datalake-bench"


def bench_bucket(rgw):
    """A boto3 S3 client for radosgw, once the benchmarks' bucket exists."""
    s3 = boto3.client("s3", endpoint_url=rgw["RADOSGW_ENDPOINT"],
                      region_name=rgw.get("RADOSGW_REGION", "us-east-1"),
                      aws_access_key_id=rgw["RADOSGW_ACCESS_KEY"],
                      aws_secret_access_key=rgw["RADOSGW_SECRET_KEY"],
                      config=Config(s3={"addressing_style": "path"}))
    try:
        s3.create_bucket(Bucket=BUCKET)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    return s3


def main():
    tool = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/s3_upload_tool")
    mb = int(os.environ.get("BENCH_S3_MB", "1024"))
    rgw = radosgw_env()
    region = rgw.get("RADOSGW_REGION", "us-east-1")
    s3 = bench_bucket(rgw)
    bucket = BUCKET
    env = dict(os.environ, S3_ENDPOINT=rgw["RADOSGW_ENDPOINT"], AWS_REGION=region,
               AWS_ACCESS_KEY_ID=rgw["RADOSGW_ACCESS_KEY"],
               AWS_SECRET_ACCESS_KEY=rgw["RADOSGW_SECRET_KEY"])
    data = os.urandom(4 << 20) * (mb // 4)
    print(f"object: {mb} MB, parts of 8 MiB, radosgw at {rgw['RADOSGW_ENDPOINT']}")
    for workers in (1, 2, 4):
        out = subprocess.run([tool, "--mb", str(mb), "--workers", str(workers), "--bucket", bucket,
                              "--key", f"bench/ours-{workers}.bin"], env=env, check=True,
                             capture_output=True, text=True).stdout.split()
        ours = float(out[2])
        config = TransferConfig(multipart_threshold=8 << 20, multipart_chunksize=8 << 20,
                                max_concurrency=workers, use_threads=workers > 1)
        start = time.perf_counter()
        s3.upload_fileobj(io.BytesIO(data), bucket, f"bench/boto3-{workers}.bin", Config=config)
        theirs = len(data) / 1e6 / (time.perf_counter() - start)
        print(f"{workers} workers: destination-aws-datalake {ours:7.1f} MB/s   "
              f"boto3 {theirs:7.1f} MB/s   ratio {ours / theirs:.2f}x")
        for key in (f"bench/ours-{workers}.bin", f"bench/boto3-{workers}.bin"):
            size = s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
            assert size == len(data), (key, size)
            s3.delete_object(Bucket=bucket, Key=key)


if __name__ == "__main__":
    main()
