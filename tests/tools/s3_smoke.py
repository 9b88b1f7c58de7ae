#!/usr/bin/env python3
"""Prove that the radosgw test environment is a working S3 + STS server.

Usage:
    scripts/radosgw.sh start && eval "$(scripts/radosgw.sh env)"
    "$RADOSGW_PYTHON" tests/tools/s3_smoke.py [--endpoint URL] [--wait-expiry]

Reads RADOSGW_* from the environment (see scripts/radosgw.sh). Checks: bucket create, put/get,
a 3-part multipart upload (5 MiB parts), multi-delete, paginated listing, SigV4 verification
(a wrong secret gives SignatureDoesNotMatch), STS AssumeRole with the role user's keys and S3
with the temporary credentials, DurationSeconds at and below the minimum. --wait-expiry also
waits until a minimum-duration session has expired and checks that radosgw then refuses it
(takes RADOSGW_STS_MIN_DURATION seconds plus a little). Prints a summary; exits 1 on failure.
Python 3 with boto3/botocore only.
"""

import argparse
import datetime as dt
import hashlib
import os
import re
import sys
import time
import traceback
import uuid

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

RESULTS = []  # (name, ok, detail)


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        sys.exit(f"s3_smoke: {name} is not set; run: eval \"$(scripts/radosgw.sh env)\"")
    return value


def client_config(**extra):
    """Path-style, no retries (a failure must show), and checksums only where an operation requires
    them, so that new and old botocore (>= 1.36 adds CRC32 checksums by default) send the same."""
    kwargs = dict(s3={"addressing_style": "path"}, retries={"max_attempts": 1, "mode": "standard"},
                  connect_timeout=5, read_timeout=60, **extra)
    try:
        return Config(request_checksum_calculation="when_required",
                      response_checksum_validation="when_required", **kwargs)
    except TypeError:  # older botocore (Debian's 1.29) has no such options and no such default
        return Config(**kwargs)


def check(name):
    def wrap(fn):
        def run(*a, **kw):
            t0 = time.monotonic()
            try:
                detail = fn(*a, **kw) or ""
                RESULTS.append((name, True, f"{detail} ({time.monotonic() - t0:.2f}s)"))
                return True
            except Exception as e:  # noqa: BLE001 - report every failure
                tb = traceback.format_exc(limit=3)
                RESULTS.append((name, False, f"{type(e).__name__}: {e}\n{tb}"))
                return False
        return run
    return wrap


LAST_BODY = {}  # client id -> body of its last HTTP response (radosgw's STS errors need it)


def error_code(e):
    """The S3/STS error code. radosgw answers STS errors in S3 form (<Error><Code>, no
    <ErrorResponse>), which botocore's query parser does not read: fall back to the raw body."""
    if not isinstance(e, ClientError):
        return None
    code = e.response.get("Error", {}).get("Code")
    if code:
        return code
    status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    body = LAST_BODY.get("sts", b"")
    m = re.search(rb"<Code>([^<]*)</Code>", body)
    return f"{m.group(1).decode()} (HTTP {status}, S3-style error body)" if m else f"HTTP {status}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", default=os.environ.get("RADOSGW_ENDPOINT"))
    ap.add_argument("--wait-expiry", action="store_true",
                    help="also wait for a minimum-duration STS session to expire and check it is refused")
    args = ap.parse_args()
    endpoint = args.endpoint or env("RADOSGW_ENDPOINT")
    sts_endpoint = env("RADOSGW_STS_ENDPOINT")
    region = env("RADOSGW_REGION", "us-east-1")
    ak, sk = env("RADOSGW_ACCESS_KEY"), env("RADOSGW_SECRET_KEY")
    role_arn = env("RADOSGW_ROLE_ARN")
    rak, rsk = env("RADOSGW_ROLE_USER_ACCESS_KEY"), env("RADOSGW_ROLE_USER_SECRET_KEY")
    min_duration = int(env("RADOSGW_STS_MIN_DURATION", "900"))
    print(f"s3_smoke: endpoint {endpoint}, region {region}, boto3 {boto3.__version__}, "
          f"botocore {botocore.__version__}")

    def s3_client(key, secret, token=None, reg=region, url=endpoint):
        return boto3.client("s3", endpoint_url=url, region_name=reg, aws_access_key_id=key,
                            aws_secret_access_key=secret, aws_session_token=token, config=client_config())

    def sts_client(key, secret, reg=region):
        # parameter_validation off: let radosgw, not botocore, judge DurationSeconds below 900
        c = boto3.client("sts", endpoint_url=sts_endpoint, region_name=reg, aws_access_key_id=key,
                         aws_secret_access_key=secret, config=client_config(parameter_validation=False))

        def keep_body(http_response, **_):
            LAST_BODY["sts"] = http_response.content
        c.meta.events.register("after-call.sts", keep_body)
        return c

    s3 = s3_client(ak, sk)
    bucket = f"smoke-{uuid.uuid4().hex[:12]}"
    state = {}

    @check("create bucket")
    def t_create():
        s3.create_bucket(Bucket=bucket)
        s3.head_bucket(Bucket=bucket)
        return bucket

    @check("put/get object")
    def t_put_get():
        body = b"hello radosgw \x00\xff" * 1000
        r = s3.put_object(Bucket=bucket, Key="dir/hello world+1.txt", Body=body)
        got = s3.get_object(Bucket=bucket, Key="dir/hello world+1.txt")
        data = got["Body"].read()
        assert data == body, "body differs"
        assert r["ETag"].strip('"') == hashlib.md5(body).hexdigest(), f"ETag {r['ETag']}"
        rng = s3.get_object(Bucket=bucket, Key="dir/hello world+1.txt", Range="bytes=0-4")
        assert rng["ResponseMetadata"]["HTTPStatusCode"] == 206 and rng["Body"].read() == b"hello"
        return f"{len(body)} bytes, ETag ok, Range->206"

    @check("multipart upload (3 parts: 5 MiB, 5 MiB, 1 MiB)")
    def t_multipart():
        key = "multi/obj.bin"
        parts_data = [os.urandom(5 << 20), os.urandom(5 << 20), os.urandom(1 << 20)]
        up = s3.create_multipart_upload(Bucket=bucket, Key=key)
        uid = up["UploadId"]
        parts = []
        for i, data in enumerate(parts_data, 1):
            r = s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=i, Body=data)
            parts.append({"PartNumber": i, "ETag": r["ETag"]})
        listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=uid)
        assert [p["PartNumber"] for p in listed["Parts"]] == [1, 2, 3]
        done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=uid,
                                            MultipartUpload={"Parts": parts})
        # Ceph 16.2 answers <ETag></ETag> here (fixed in later releases); HEAD has the real one.
        complete_etag = done.get("ETag") or "(empty)"
        etag = s3.head_object(Bucket=bucket, Key=key)["ETag"]
        md5s = b"".join(hashlib.md5(d).digest() for d in parts_data)
        assert etag.strip('"') == f"{hashlib.md5(md5s).hexdigest()}-3", f"HEAD ETag {etag}"
        whole = b"".join(parts_data)
        got = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert hashlib.sha256(got).digest() == hashlib.sha256(whole).digest(), "content differs"
        # a too-small non-last part is refused at Complete time, as on AWS
        up2 = s3.create_multipart_upload(Bucket=bucket, Key="multi/small")
        ps = []
        for i in (1, 2):
            r = s3.upload_part(Bucket=bucket, Key="multi/small", UploadId=up2["UploadId"], PartNumber=i,
                               Body=b"x" * 1024)
            ps.append({"PartNumber": i, "ETag": r["ETag"]})
        try:
            s3.complete_multipart_upload(Bucket=bucket, Key="multi/small", UploadId=up2["UploadId"],
                                         MultipartUpload={"Parts": ps})
            small = "EntityTooSmall NOT enforced"
        except ClientError as e:
            small = f"small parts -> {error_code(e)}"
        # abort works
        up3 = s3.create_multipart_upload(Bucket=bucket, Key="multi/aborted")
        s3.abort_multipart_upload(Bucket=bucket, Key="multi/aborted", UploadId=up3["UploadId"])
        return (f"HEAD ETag {etag} (= AWS formula), Complete response ETag {complete_etag}, "
                f"{len(whole)} bytes intact, {small}, abort ok")

    @check("list with pagination")
    def t_list():
        keys = [f"list/k{i:03d}" for i in range(25)]
        for k in keys:
            s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
        seen, pages, token = [], 0, None
        while True:
            kw = dict(Bucket=bucket, Prefix="list/", MaxKeys=7)
            if token:
                kw["ContinuationToken"] = token
            r = s3.list_objects_v2(**kw)
            pages += 1
            seen += [o["Key"] for o in r.get("Contents", [])]
            if not r.get("IsTruncated"):
                break
            token = r["NextContinuationToken"]
            assert pages < 20, "pagination does not end"
        assert seen == keys, f"listed {len(seen)} keys"
        r = s3.list_objects_v2(Bucket=bucket, Prefix="", Delimiter="/")
        prefixes = sorted(p["Prefix"] for p in r.get("CommonPrefixes", []))
        assert prefixes == ["dir/", "list/", "multi/"], prefixes
        return f"{len(seen)} keys in {pages} pages of 7; delimiter prefixes {prefixes}"

    @check("multi-delete (DeleteObjects)")
    def t_multi_delete():
        keys = [f"list/k{i:03d}" for i in range(25)]
        r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys] +
                                                   [{"Key": "list/does-not-exist"}]})
        errs = r.get("Errors", [])
        assert not errs, errs
        left = s3.list_objects_v2(Bucket=bucket, Prefix="list/").get("KeyCount")
        assert left == 0, f"{left} left"
        return f"{len(r.get('Deleted', []))} deleted, 0 left"

    @check("SigV4 verified: wrong secret -> SignatureDoesNotMatch")
    def t_bad_sig():
        bad = s3_client(ak, sk[:-1] + ("A" if sk[-1] != "A" else "B"))
        try:
            bad.list_objects_v2(Bucket=bucket)
        except ClientError as e:
            assert error_code(e) == "SignatureDoesNotMatch", error_code(e)
            status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        else:
            raise AssertionError("request with a wrong secret succeeded")
        try:
            s3_client("NOSUCHACCESSKEY00000", sk).list_objects_v2(Bucket=bucket)
        except ClientError as e:
            unknown = error_code(e)
        else:
            raise AssertionError("request with an unknown key succeeded")
        try:  # the STS-enabled daemon verifies too, but reports it differently
            s3_client(ak, sk[:-1] + ("A" if sk[-1] != "A" else "B"), url=sts_endpoint).list_objects_v2(
                Bucket=bucket)
        except ClientError as e:
            on_sts = error_code(e)
        else:
            raise AssertionError("request with a wrong secret succeeded on the STS endpoint")
        return (f"HTTP {status} SignatureDoesNotMatch; unknown key -> {unknown}; "
                f"wrong secret on the STS endpoint -> {on_sts}")

    @check("SigV4 region in the credential scope")
    def t_regions():
        out = []
        for reg in ("us-east-1", "eu-west-1", "default"):
            try:
                s3_client(ak, sk, reg=reg).head_bucket(Bucket=bucket)
                out.append(f"{reg}: ok")
            except ClientError as e:
                out.append(f"{reg}: {error_code(e) or e.response['ResponseMetadata']['HTTPStatusCode']}")
        try:  # boto3 sends <LocationConstraint>eu-west-1</...> outside us-east-1
            b2 = f"smoke-loc-{uuid.uuid4().hex[:8]}"
            s3_client(ak, sk, reg="eu-west-1").create_bucket(
                Bucket=b2, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
            s3.delete_bucket(Bucket=b2)
            out.append("CreateBucket LocationConstraint=eu-west-1: ok")
        except ClientError as e:
            out.append(f"CreateBucket LocationConstraint=eu-west-1: {error_code(e)}")
        return "; ".join(out)

    @check("STS AssumeRole -> temporary credentials work for S3")
    def t_sts():
        # the role user's own keys reach nothing (so a client that forgets the role fails)
        try:
            s3_client(rak, rsk).put_object(Bucket=bucket, Key="sts/direct", Body=b"x")
            direct = "ACCEPTED (!)"
        except ClientError as e:
            direct = error_code(e)
        assert "ACCEPTED" not in direct
        sts = sts_client(rak, rsk)
        r = sts.assume_role(RoleArn=role_arn, RoleSessionName="smoke-session")
        c = r["Credentials"]
        state["creds"] = c
        tmp = s3_client(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], url=sts_endpoint)
        body = b"written with temporary credentials"
        tmp.put_object(Bucket=bucket, Key="sts/obj", Body=body)
        assert tmp.get_object(Bucket=bucket, Key="sts/obj")["Body"].read() == body
        # the role may read what the bucket owner wrote
        assert tmp.get_object(Bucket=bucket, Key="dir/hello world+1.txt")["Body"].read()[:5] == b"hello"
        owner = tmp.get_object_acl(Bucket=bucket, Key="sts/obj")["Owner"]["ID"]
        # the bucket owner cannot read the role's object without a bucket policy (it is not its own)
        try:
            s3.get_object(Bucket=bucket, Key="sts/obj")["Body"].read()
            owner_read = "readable by the bucket owner"
        except ClientError as e:
            owner_read = f"bucket owner GetObject -> {error_code(e)}"
        # ... but can in the pre-made bucket, whose policy allows it
        pre = os.environ.get("RADOSGW_BUCKET")
        if pre:
            tmp.put_object(Bucket=pre, Key="smoke/sts-obj", Body=body)
            assert s3.get_object(Bucket=pre, Key="smoke/sts-obj")["Body"].read() == body
            s3.delete_object(Bucket=pre, Key="smoke/sts-obj")
            owner_read += f"; in {pre} (bucket policy) readable"
        # temporary credentials are only understood by the STS-enabled daemon
        try:
            s3_client(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]).head_bucket(Bucket=bucket)
            plain = "accepted"
        except ClientError as e:
            plain = error_code(e) or str(e.response["ResponseMetadata"]["HTTPStatusCode"])
        # a bucket of the role session's own, and multipart with temporary credentials
        b3 = f"smoke-sts-{uuid.uuid4().hex[:8]}"
        tmp.create_bucket(Bucket=b3)
        up = tmp.create_multipart_upload(Bucket=b3, Key="m")
        p1 = tmp.upload_part(Bucket=b3, Key="m", UploadId=up["UploadId"], PartNumber=1, Body=b"y" * (5 << 20))
        p2 = tmp.upload_part(Bucket=b3, Key="m", UploadId=up["UploadId"], PartNumber=2, Body=b"z")
        tmp.complete_multipart_upload(Bucket=b3, Key="m", UploadId=up["UploadId"], MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["ETag"]}]})
        tmp.delete_objects(Bucket=b3, Delete={"Objects": [{"Key": "m"}]})
        tmp.delete_bucket(Bucket=b3)
        # tampered session token and missing token are refused
        try:
            s3_client(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"][:-4] + "AAAA",
                      url=sts_endpoint).get_object(Bucket=bucket, Key="sts/obj")
            bad_token = "ACCEPTED (!)"
        except ClientError as e:
            bad_token = error_code(e)
        try:
            s3_client(c["AccessKeyId"], c["SecretAccessKey"], url=sts_endpoint).get_object(
                Bucket=bucket, Key="sts/obj")
            no_token = "ACCEPTED (!)"
        except ClientError as e:
            no_token = error_code(e)
        assert "ACCEPTED" not in bad_token + no_token, (bad_token, no_token)
        # the user's own keys cannot assume it if not in the trust policy
        try:
            sts_client(ak, sk).assume_role(RoleArn=role_arn, RoleSessionName="intruder")
            other = "ACCEPTED (!)"
        except ClientError as e:
            other = error_code(e)
        ttl = (c["Expiration"] - dt.datetime.now(dt.timezone.utc)).total_seconds()
        return (f"role user's own keys -> {direct}; AccessKeyId {c['AccessKeyId']}, default duration "
                f"~{ttl:.0f}s, AssumedRoleUser {r['AssumedRoleUser']['Arn']}; put/get/multipart/bucket "
                f"ok; objects owned by {owner}; {owner_read}; tampered token -> {bad_token}, no token -> "
                f"{no_token}, untrusted user -> {other}, temp creds on the plain endpoint -> {plain}")

    @check(f"STS DurationSeconds={min_duration} (minimum) and below")
    def t_sts_duration():
        sts = sts_client(rak, rsk)
        before = dt.datetime.now(dt.timezone.utc)
        r = sts.assume_role(RoleArn=role_arn, RoleSessionName="smoke-min", DurationSeconds=min_duration)
        exp = r["Credentials"]["Expiration"]
        ttl = (exp - before).total_seconds()
        assert abs(ttl - min_duration) < 30, f"Expiration {exp} is {ttl:.0f}s away"
        state["min_creds"] = r["Credentials"]
        try:
            sts.assume_role(RoleArn=role_arn, RoleSessionName="smoke-short", DurationSeconds=min_duration - 1)
            below = "accepted"
        except ClientError as e:
            below = error_code(e)
        try:  # the role's MaxSessionDuration is 3600 (radosgw-admin role create's default)
            sts.assume_role(RoleArn=role_arn, RoleSessionName="smoke-long", DurationSeconds=7200)
            above = "accepted"
        except ClientError as e:
            above = error_code(e)
        try:
            who = sts_client(rak, rsk).get_caller_identity()["Arn"]
        except ClientError as e:
            who = f"unsupported ({error_code(e)})"
        return (f"Expiration {exp.isoformat()} ({ttl:.0f}s); DurationSeconds={min_duration - 1} -> {below}; "
                f"7200 (> role max 3600) -> {above}; GetCallerIdentity -> {who}")

    @check("STS session refused after Expiration")
    def t_expiry():
        c = state["min_creds"]
        tmp = s3_client(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], url=sts_endpoint)
        tmp.list_objects_v2(Bucket=bucket, MaxKeys=1)
        deadline = c["Expiration"] + dt.timedelta(seconds=120)
        print(f"s3_smoke: waiting for the session to expire at {c['Expiration'].isoformat()} ...", flush=True)
        while True:
            now = dt.datetime.now(dt.timezone.utc)
            try:
                tmp.list_objects_v2(Bucket=bucket, MaxKeys=1)
            except ClientError as e:
                code = error_code(e) or str(e.response["ResponseMetadata"]["HTTPStatusCode"])
                late = (now - c["Expiration"]).total_seconds()
                assert late > -5, f"refused {-late:.0f}s BEFORE expiry: {code}"
                return f"refused {late:.0f}s after Expiration with {code}"
            assert now < deadline, "still accepted 120 s after Expiration"
            time.sleep(2)  # poll interval

    ok = t_create()
    if ok:
        t_put_get()
        t_multipart()
        t_list()
        t_multi_delete()
        t_bad_sig()
        t_regions()
        t_sts()
        if t_sts_duration() and args.wait_expiry:
            t_expiry()
        # clean up the bucket
        try:
            keys = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
                    for o in p.get("Contents", [])]
            if keys:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
            s3.delete_bucket(Bucket=bucket)
        except ClientError as e:
            print(f"s3_smoke: cleanup of {bucket} failed: {e}")

    print("\n== s3_smoke summary")
    for name, passed, detail in RESULTS:
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {detail}")
    failed = sum(1 for _, p, _ in RESULTS if not p)
    print(f"{len(RESULTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
