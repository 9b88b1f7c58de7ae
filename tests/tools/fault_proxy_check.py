#!/usr/bin/env python3
"""End-to-end check of fault_proxy.py in front of radosgw, with boto3 and botocore's retries.

Usage:
    scripts/radosgw.sh start && eval "$(scripts/radosgw.sh env)"
    "$RADOSGW_PYTHON" tests/tools/fault_proxy_check.py [--fault-rate 0.2] [--seed 1] [--objects 40]

Starts the proxy (port 0) in front of the plain radosgw endpoint, writes small objects and a
3-part multipart upload through it with botocore's standard retry mode, reads and lists them back
through it (retrying a body cut by a "reset" fault, which botocore does not retry by itself),
then verifies every object directly against radosgw. Then checks the deterministic mode
(--fail), AssumeRole + S3 with temporary credentials through a second proxy in front of the
STS endpoint (the signed Host is the proxy's), and the throttle (JSON 1.1 and query dialects),
reset-head, truncate and stall kinds on the wire. Exits 1 on any mismatch.
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ResponseStreamingError

HERE = os.path.dirname(os.path.abspath(__file__))


def config(attempts):
    kw = dict(s3={"addressing_style": "path"}, retries={"max_attempts": attempts, "mode": "standard"},
              read_timeout=10, connect_timeout=5)
    try:
        return Config(request_checksum_calculation="when_required",
                      response_checksum_validation="when_required", **kw)
    except TypeError:
        return Config(**kw)


class Proxy:
    def __init__(self, target, *extra, log=None):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fault_proxy.py"), "--target", target, "--port", "0",
             *(["--log", log] if log else []), *extra],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()  # blocks until the proxy is listening
        if not line.startswith("FAULT_PROXY_PORT="):
            self.proc.kill()
            raise RuntimeError(f"fault_proxy did not start: {line!r}")
        self.url = f"http://127.0.0.1:{line.split('=', 1)[1]}"

    def stats(self):
        with urllib.request.urlopen(self.url + "/__stats", timeout=5) as r:
            return json.load(r)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def raw_exchange(url, request, timeout=10.0):
    """Send `request` (bytes) and read until the proxy closes; returns (bytes, error, seconds)."""
    host, port = url.removeprefix("http://").split(":")
    t0 = time.monotonic()
    data, error = b"", None
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        try:
            sock.sendall(request)
            while chunk := sock.recv(65536):
                data += chunk
        except OSError as e:
            error = type(e).__name__
    return data, error, time.monotonic() - t0


def wire_checks(target, failures):
    """Each newer kind does what fault_proxy.py says, seen from the client's socket."""
    glue = (b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSGlue.GetTable\r\n"
            b"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    sts = (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           b"Content-Length: 15\r\nConnection: close\r\n\r\nAction=GetCaller")
    get = b"GET /no-such-bucket-fault-check/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    checks = []
    with Proxy(target, "--fault-rate", "1", "--kinds", "throttle") as proxy:
        data, _, _ = raw_exchange(proxy.url, glue)
        checks.append(("throttle, JSON 1.1", data.startswith(b"HTTP/1.1 400 ") and b'"__type": "ThrottlingException"' in data))
        data, _, _ = raw_exchange(proxy.url, sts)
        checks.append(("throttle, query", data.startswith(b"HTTP/1.1 400 ") and b"<Code>Throttling</Code>" in data))
    with Proxy(target, "--fault-rate", "1", "--kinds", "reset-head") as proxy:
        data, error, _ = raw_exchange(proxy.url, glue[:-2])  # the head only: the body never goes
        checks.append(("reset-head", data == b"" and error == "ConnectionResetError"))
    with Proxy(target, "--fault-rate", "1", "--kinds", "truncate") as proxy:
        data, error, _ = raw_exchange(proxy.url, get)
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1)) if head else 0
        checks.append(("truncate", error is None and 0 < len(body) < length))
    with Proxy(target, "--fault-rate", "1", "--kinds", "stall", "--stall-seconds", "1") as proxy:
        data, error, seconds = raw_exchange(proxy.url, get)
        checks.append(("stall", data == b"" and seconds >= 0.9))
    for name, ok in checks:
        if not ok:
            failures.append(f"wire check {name}")
    print(f"fault_proxy_check: wire checks: {', '.join(n for n, ok in checks if ok)} ok")


def get_body(client, bucket, key, tries=8):
    for attempt in range(tries):
        try:
            return client.get_object(Bucket=bucket, Key=key)["Body"].read()
        except ResponseStreamingError:
            if attempt == tries - 1:
                raise
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fault-rate", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--objects", type=int, default=40)
    ap.add_argument("--log", default="", help="proxy request log file")
    args = ap.parse_args()
    E = os.environ
    endpoint, sts_endpoint = E["RADOSGW_ENDPOINT"], E["RADOSGW_STS_ENDPOINT"]
    ak, sk = E["RADOSGW_ACCESS_KEY"], E["RADOSGW_SECRET_KEY"]
    region = E.get("RADOSGW_REGION", "us-east-1")
    target = endpoint.split("//", 1)[1].rstrip("/")
    sts_target = sts_endpoint.split("//", 1)[1].rstrip("/")

    def s3(url, key=ak, secret=sk, token=None, attempts=12):
        return boto3.client("s3", endpoint_url=url, region_name=region, aws_access_key_id=key,
                            aws_secret_access_key=secret, aws_session_token=token, config=config(attempts))

    direct = s3(endpoint, attempts=1)
    bucket = "fpcheck-" + os.urandom(4).hex()
    direct.create_bucket(Bucket=bucket)
    failures = []
    t0 = time.monotonic()
    try:
        # 1. random faults at --fault-rate
        with Proxy(target, "--fault-rate", str(args.fault_rate), "--seed", str(args.seed),
                   log=args.log or None) as proxy:
            via = s3(proxy.url)
            objs = {}
            for i in range(args.objects):
                body = os.urandom(1000 + i * 7919)
                via.put_object(Bucket=bucket, Key=f"small/{i:03d}", Body=body)
                objs[f"small/{i:03d}"] = body
            parts = [os.urandom(5 << 20), os.urandom(5 << 20), os.urandom(2 << 20)]
            up = via.create_multipart_upload(Bucket=bucket, Key="big")
            done = []
            for n, p in enumerate(parts, 1):
                r = via.upload_part(Bucket=bucket, Key="big", UploadId=up["UploadId"], PartNumber=n, Body=p)
                done.append({"PartNumber": n, "ETag": r["ETag"]})
            try:
                via.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=up["UploadId"],
                                              MultipartUpload={"Parts": done})
            except ClientError as e:
                # a retried Complete whose first attempt succeeded behind a reset: NoSuchUpload
                if e.response["Error"]["Code"] != "NoSuchUpload":
                    raise
                print("fault_proxy_check: Complete retried after success -> NoSuchUpload (expected)")
            objs["big"] = b"".join(parts)
            for k in list(objs)[: args.objects // 2] + ["big"]:
                if get_body(via, bucket, k) != objs[k]:
                    failures.append(f"GET through proxy differs: {k}")
            listed = [o["Key"] for page in via.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, PaginationConfig={"PageSize": 9}) for o in page.get("Contents", [])]
            if sorted(listed) != sorted(objs):
                failures.append(f"listing through proxy: {len(listed)} keys, expected {len(objs)}")
            stats = proxy.stats()
        for k, body in objs.items():
            if direct.get_object(Bucket=bucket, Key=k)["Body"].read() != body:
                failures.append(f"object differs at radosgw: {k}")
        print(f"fault_proxy_check: random faults: {len(objs)} objects ({sum(map(len, objs.values()))} bytes) "
              f"verified; proxy: {stats['requests']} requests, {stats['faults']} faults {stats['by_kind']}")
        if args.fault_rate > 0 and stats["faults"] == 0:
            failures.append("no fault was injected")

        # 2. deterministic faults by request index; retries make every call succeed
        with Proxy(target, "--fail", "1:503,2:500,3:reset,5:slow", "--slow-max", "0.6") as proxy:
            via = s3(proxy.url)
            via.put_object(Bucket=bucket, Key="fixed/a", Body=b"A" * 5000)  # requests 1-4 (503, 500, reset, ok)
            got = get_body(via, bucket, "fixed/a")                         # request 5 (slow)
            stats = proxy.stats()
        if got != b"A" * 5000 or stats["by_kind"] != {"503": 1, "500": 1, "reset": 1, "slow": 1}:
            failures.append(f"deterministic mode: {stats}")
        print(f"fault_proxy_check: fixed faults: {stats['by_kind']} in {stats['requests']} requests, object intact")

        # 3. STS through a proxy: AssumeRole and temporary credentials, Host signed as the proxy's
        with Proxy(sts_target, "--fail", "1:503,3:500") as proxy:
            sts = boto3.client("sts", endpoint_url=proxy.url, region_name=region,
                               aws_access_key_id=E["RADOSGW_ROLE_USER_ACCESS_KEY"],
                               aws_secret_access_key=E["RADOSGW_ROLE_USER_SECRET_KEY"], config=config(5))
            c = sts.assume_role(RoleArn=E["RADOSGW_ROLE_ARN"], RoleSessionName="fault-proxy-check",
                                DurationSeconds=900)["Credentials"]
            tmp = s3(proxy.url, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
            tmp.put_object(Bucket=bucket, Key="sts/obj", Body=b"via role")
            ok = get_body(tmp, bucket, "sts/obj") == b"via role"
            stats = proxy.stats()
        if not ok or stats["faults"] != 2:
            failures.append(f"STS through proxy: ok={ok} stats={stats}")
        print(f"fault_proxy_check: STS via proxy: AssumeRole + put/get ok, faults {stats['by_kind']}")
        # 4. the kinds checked on the wire, with raw sockets
        wire_checks(target, failures)
    finally:
        keys = [o["Key"] for p in direct.get_paginator("list_objects_v2").paginate(Bucket=bucket)
                for o in p.get("Contents", [])]
        for i in range(0, len(keys), 1000):
            direct.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]]})
        try:
            direct.delete_bucket(Bucket=bucket)
        except ClientError as e:
            print(f"fault_proxy_check: could not delete {bucket}: {e}")
    for f in failures:
        print(f"FAIL {f}")
    print(f"fault_proxy_check: {'FAILED' if failures else 'ok'} in {time.monotonic() - t0:.1f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
