#!/usr/bin/env python3
"""An independent reader of what the destination wrote to S3 and Glue, for the end-to-end tests:
boto3 lists and downloads the objects under a prefix, and reads a Glue table definition. It also
seeds a table as another writer left it, for tests that start from one.

  lake_reader.py objects --endpoint URL --bucket B --prefix P --download DIR
      prints [{"key","size","etag"}] and downloads each object to DIR/<key>
  lake_reader.py table --endpoint URL --database D --table T
      prints the Glue Table (GetTable), or null
  lake_reader.py partitions --endpoint URL --database D --table T
      prints the table's partitions (GetPartitions, every page) as [{"Values","Location"}], sorted
  lake_reader.py lftags --endpoint URL --database D [--create --key K --values a,b]
      prints the database's LF tags; with --create, creates the LF tag instead (prints [])
  lake_reader.py uploads --endpoint URL --bucket B --prefix P
      prints the incomplete multipart uploads under P as [{"key","upload_id","initiated"}]
  lake_reader.py snapshot --endpoint URL --bucket B --prefix P --glue-endpoint URL --database D
                          --tables t1,t2 --lake DIR
      copies what a query engine can see into a local lake layout in one go: every object under
      P to DIR/B/<key>, each table's Glue definition to DIR/_catalog/D/<t>.json and its
      partitions to DIR/_catalog/D/<t>.partitions.json ([{"Values","StorageDescriptor":
      {"Location"}}]); prints {"objects": [...], "uploads": [...], "tables": {t: bool}}
  lake_reader.py snapshot --endpoint URL --bucket B --glue-endpoint URL --many SPEC
      the same for each {"prefix","database","tables":[...],"lake"} of the JSON file SPEC, in one
      process; prints the list of their results
  lake_reader.py delete --endpoint URL --bucket B --prefix P
      deletes every object under P (P must not be empty); prints the number deleted
  lake_reader.py assume-role --endpoint URL --role-arn ARN
      assumes the role (STS AssumeRole); prints {"AccessKeyId","SecretAccessKey","SessionToken"}
  lake_reader.py seed --endpoint URL --bucket B --glue-endpoint URL --database D --spec JSON
      sets up what another writer (the original connector) left, for a test to start from: puts
      each object of spec["objects"] ({key: text}), creates the database if it is missing and
      the table spec["table_input"] (a Glue TableInput, sent as given); prints {}
Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment.
"""
import argparse
import concurrent.futures
import json
import os
import sys

import boto3
from botocore.config import Config


def client(service, endpoint, pool=10):
    return boto3.client(service, endpoint_url=endpoint, region_name=os.environ.get("AWS_REGION", "us-east-1"),
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 5},
                                      max_pool_connections=pool))


def objects(args):
    s3 = client("s3", args.endpoint)
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=args.bucket, Prefix=args.prefix):
        for o in page.get("Contents", []):
            out.append({"key": o["Key"], "size": o["Size"], "etag": o["ETag"]})
            if args.download:
                path = os.path.join(args.download, o["Key"])
                os.makedirs(os.path.dirname(path), exist_ok=True)
                s3.download_file(args.bucket, o["Key"], path)
    print(json.dumps(out))


def table(args):
    glue = client("glue", args.endpoint)
    try:
        t = glue.get_table(DatabaseName=args.database, Name=args.table)["Table"]
    except glue.exceptions.EntityNotFoundException:
        t = None
    print(json.dumps(t, default=str))


def partitions(args):
    glue = client("glue", args.endpoint)
    out = []
    for page in glue.get_paginator("get_partitions").paginate(DatabaseName=args.database, TableName=args.table):
        for p in page["Partitions"]:
            out.append({"Values": p["Values"], "Location": p["StorageDescriptor"]["Location"]})
    out.sort(key=lambda p: p["Location"])
    print(json.dumps(out))


def list_uploads(s3, bucket, prefix):
    out = []
    for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=prefix):
        for u in page.get("Uploads", []):
            out.append({"key": u["Key"], "upload_id": u["UploadId"], "initiated": str(u["Initiated"])})
    return out


def uploads(args):
    print(json.dumps(list_uploads(client("s3", args.endpoint), args.bucket, args.prefix)))


def snapshot(args):
    s3 = client("s3", args.endpoint, pool=32)
    glue = client("glue", args.glue_endpoint, pool=32)
    if not args.many:
        print(json.dumps(snapshot_one(s3, glue, args.bucket, args.prefix, args.database, args.tables, args.lake)))
        return
    with open(args.many, encoding="utf-8") as f:
        specs = json.load(f)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        outs = pool.map(lambda x: snapshot_one(s3, glue, args.bucket, x["prefix"], x["database"],
                                               ",".join(x["tables"]), x["lake"]), specs)
        print(json.dumps(list(outs)))


def snapshot_one(s3, glue, bucket, prefix, database, tables, lake):
    out = {"objects": [], "uploads": list_uploads(s3, bucket, prefix), "tables": {}}
    # The catalog first, then the objects: a reader that sees a definition finds every object
    # it named (the destination writes objects before it registers them).
    catalog = os.path.join(lake, "_catalog", database)
    os.makedirs(catalog, exist_ok=True)
    for name in [t for t in tables.split(",") if t]:
        try:
            t = glue.get_table(DatabaseName=database, Name=name)["Table"]
        except glue.exceptions.EntityNotFoundException:
            out["tables"][name] = False
            continue
        out["tables"][name] = True
        with open(os.path.join(catalog, name + ".json"), "w") as f:
            json.dump(t, f, default=str)
        parts = []
        for page in glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=name):
            for p in page["Partitions"]:
                parts.append({"Values": p["Values"], "StorageDescriptor": {"Location": p["StorageDescriptor"]["Location"]}})
        if parts:
            with open(os.path.join(catalog, name + ".partitions.json"), "w") as f:
                json.dump(parts, f)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            out["objects"].append({"key": o["Key"], "size": o["Size"]})

    def download(key):
        path = os.path.join(lake, bucket, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:  # one GET per object: quicker than download_file for small ones
            f.write(s3.get_object(Bucket=bucket, Key=key)["Body"].read())

    # several GETs at once: a snapshot of many small objects is bound by the round trips
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(download, [o["key"] for o in out["objects"]]))
    return out


def delete(args):
    if not args.prefix:
        raise SystemExit("delete: an empty prefix would empty the bucket")
    s3 = client("s3", args.endpoint)
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=args.bucket, Prefix=args.prefix)
            for o in page.get("Contents", [])]
    for i in range(0, len(keys), 1000):
        s3.delete_objects(Bucket=args.bucket, Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]]})
    print(json.dumps(len(keys)))


def lftags(args):
    lf = client("lakeformation", args.endpoint)
    if args.create:
        try:
            lf.create_lf_tag(TagKey=args.key, TagValues=args.values.split(","))
        except lf.exceptions.AlreadyExistsException:
            pass
        print("[]")
        return
    tags = lf.get_resource_lf_tags(Resource={"Database": {"Name": args.database}})
    print(json.dumps(tags.get("LFTagOnDatabase", [])))


def assume_role(args):
    sts = client("sts", args.endpoint)
    c = sts.assume_role(RoleArn=args.role_arn, RoleSessionName="lake-reader", DurationSeconds=3600)["Credentials"]
    print(json.dumps({k: c[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}))


def seed(args):
    spec = json.loads(args.spec)
    s3 = client("s3", args.endpoint)
    for key, text in spec.get("objects", {}).items():
        s3.put_object(Bucket=args.bucket, Key=key, Body=text.encode("utf-8"))
    glue = client("glue", args.glue_endpoint)
    try:
        glue.create_database(DatabaseInput={"Name": args.database})
    except glue.exceptions.AlreadyExistsException:
        pass
    glue.create_table(DatabaseName=args.database, TableInput=spec["table_input"])
    print("{}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    o = sub.add_parser("objects")
    o.add_argument("--endpoint", required=True)
    o.add_argument("--bucket", required=True)
    o.add_argument("--prefix", default="")
    o.add_argument("--download")
    t = sub.add_parser("table")
    t.add_argument("--endpoint", required=True)
    t.add_argument("--database", required=True)
    t.add_argument("--table", required=True)
    pt = sub.add_parser("partitions")
    pt.add_argument("--endpoint", required=True)
    pt.add_argument("--database", required=True)
    pt.add_argument("--table", required=True)
    f = sub.add_parser("lftags")
    f.add_argument("--endpoint", required=True)
    f.add_argument("--database", required=True)
    f.add_argument("--create", action="store_true")
    f.add_argument("--key", default="")
    f.add_argument("--values", default="")
    u = sub.add_parser("uploads")
    u.add_argument("--endpoint", required=True)
    u.add_argument("--bucket", required=True)
    u.add_argument("--prefix", default="")
    s = sub.add_parser("snapshot")
    s.add_argument("--endpoint", required=True)
    s.add_argument("--bucket", required=True)
    s.add_argument("--prefix")
    s.add_argument("--glue-endpoint", required=True)
    s.add_argument("--database")
    s.add_argument("--tables")
    s.add_argument("--lake")
    s.add_argument("--many", help="a JSON file: [{prefix, database, tables: [...], lake}], one snapshot each")
    d = sub.add_parser("delete")
    d.add_argument("--endpoint", required=True)
    d.add_argument("--bucket", required=True)
    d.add_argument("--prefix", required=True)
    a = sub.add_parser("assume-role")
    a.add_argument("--endpoint", required=True)
    a.add_argument("--role-arn", required=True)
    sd = sub.add_parser("seed")
    sd.add_argument("--endpoint", required=True)
    sd.add_argument("--bucket", required=True)
    sd.add_argument("--glue-endpoint", required=True)
    sd.add_argument("--database", required=True)
    sd.add_argument("--spec", required=True)
    args = p.parse_args()
    {"objects": objects, "table": table, "partitions": partitions, "lftags": lftags, "uploads": uploads,
     "snapshot": snapshot, "delete": delete, "assume-role": assume_role, "seed": seed}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
