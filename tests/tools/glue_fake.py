#!/usr/bin/env python3
"""A small fake of the AWS Glue Data Catalog for tests, with every request checked against
AWS's own service model (botocore).

Two modes:
  * standalone (default): implements GetDatabase, CreateDatabase, GetTable, CreateTable and
    UpdateTable with the semantics the Glue API documentation gives them, including table
    versions: a table starts at VersionId "0", every UpdateTable increments it, and an
    UpdateTable whose VersionId is not the current one fails with ConcurrentModificationException
    (HTTP 400) and changes nothing (docs/AWS-WIRE.md#table-versions-and-optimistic-locking).
    moto does not do this.
  * proxy (--forward http://host:port): validates every Glue and Lake Formation request, then
    forwards it unchanged to that server (moto) and relays the answer.

Validation (both modes): the operation must exist in the botocore model; the headers must be
those of the protocol (Glue JSON 1.1: POST /, X-Amz-Target AWSGlue.<Op>, Content-Type
application/x-amz-json-1.1; Lake Formation REST-JSON: POST /<Op>, Content-Type
application/json); the SigV4 scope must name the service; the body must be a JSON object that
botocore's ParamValidator accepts for the operation's input shape, and that also respects the
model's max lengths, max list sizes, enums and (where Python can compile them) patterns, which
ParamValidator does not check. An invalid request gets HTTP 400 {"__type":
"ValidationException", "message": <report>} and is recorded.

Test hooks (GET): /_fake/requests lists every request seen as {"service", "operation", "body",
"errors"}; /_fake/errors lists only the validation failures. POST /_fake/reset clears both.
POST /_fake/deny {"operations": ["GetTables", ...]} makes the valid requests of those operations
fail from then on as AWS fails a request the caller's policy does not allow (HTTP 400
AccessDeniedException naming "<service>:<Operation>"); {"operations": []} ends that.

Prints "PORT <n>" on stdout once listening (use --port 0 for a free port).
"""

import argparse
import http.client
import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.session
import botocore.validate

ACCOUNT_ID = "123456789012"
SESSION = botocore.session.get_session()
MODELS = {"glue": SESSION.get_service_model("glue"),
          "lakeformation": SESSION.get_service_model("lakeformation")}


class ApiError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


# ---- validation against the service model ----

def _extra_checks(value, shape, path, errors):
    """Check the constraints ParamValidator skips: max, enum, pattern (recursively)."""
    meta = shape.metadata
    if shape.type_name == "structure" and isinstance(value, dict):
        for key, member in shape.members.items():
            if key in value:
                _extra_checks(value[key], member, f"{path}.{key}", errors)
    elif shape.type_name == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            errors.append(f"{path}: {len(value)} items, the model allows at most {meta['max']}")
        for i, item in enumerate(value):
            _extra_checks(item, shape.member, f"{path}[{i}]", errors)
    elif shape.type_name == "map" and isinstance(value, dict):
        for key, item in value.items():
            _extra_checks(key, shape.key, f"{path} key", errors)
            _extra_checks(item, shape.value, f"{path}[{key!r}]", errors)
    elif shape.type_name == "string" and isinstance(value, str):
        if "max" in meta and len(value) > meta["max"]:
            errors.append(f"{path}: length {len(value)} above the model's max {meta['max']}")
        if shape.enum and value not in shape.enum:
            errors.append(f"{path}: {value!r} is not one of {shape.enum}")
        pattern = meta.get("pattern")
        if pattern:
            try:
                compiled = re.compile(pattern)
            except re.error:
                compiled = None  # Java-only syntax (surrogate ranges): not checkable here
            if compiled is not None and compiled.fullmatch(value) is None:
                errors.append(f"{path}: {value!r} does not match the pattern {pattern}")
    elif shape.type_name in ("integer", "long") and isinstance(value, int):
        if "max" in meta and value > meta["max"]:
            errors.append(f"{path}: {value} above the model's max {meta['max']}")


def validate(service, operation, headers, path, body_bytes):
    """Return (params, [error strings]) for one request."""
    errors = []
    model = MODELS[service]
    try:
        op = model.operation_model(operation)
    except Exception:  # botocore raises OperationNotFoundError
        return None, [f"{service} has no operation {operation!r}"]
    auth = headers.get("Authorization", "")
    if f"/{model.signing_name}/aws4_request" not in auth:
        errors.append(f"Authorization is not a SigV4 signature for {model.signing_name!r}")
    content_type = headers.get("Content-Type", "")
    if service == "glue":
        want = "application/x-amz-json-1.1"
        if path != "/":
            errors.append(f"Glue requests go to POST /, not {path!r}")
        if headers.get("X-Amz-Target") != f"AWSGlue.{operation}":
            errors.append("X-Amz-Target must be AWSGlue.<Operation>")
    else:
        want = "application/json"
        if path != op.http["requestUri"]:
            errors.append(f"{operation} goes to {op.http['requestUri']}, not {path!r}")
    if content_type.split(";")[0].strip() != want:
        errors.append(f"Content-Type {content_type!r}, expected {want}")
    try:
        params = json.loads(body_bytes.decode("utf-8"), parse_float=float)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return None, errors + [f"body is not JSON: {e}"]
    if not isinstance(params, dict):
        return None, errors + ["body is not a JSON object"]
    report = botocore.validate.ParamValidator().validate(params, op.input_shape)
    if report.has_errors():
        errors.append(report.generate_report())
    _extra_checks(params, op.input_shape, operation, errors)
    return params, errors


# ---- standalone Glue semantics ----

class Catalog:
    """Databases and tables of one or more catalogs (keyed by CatalogId)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.databases = {}  # (catalog, db) -> Database
        self.tables = {}     # (catalog, db, table) -> Table

    def handle(self, operation, p):
        handler = getattr(self, "op_" + operation, None)
        if handler is None:
            raise ApiError("UnsupportedOperationException",
                           f"glue_fake does not implement {operation}")
        with self.lock:
            return handler(p, p.get("CatalogId", ACCOUNT_ID))

    def _database(self, catalog, name):
        db = self.databases.get((catalog, name.lower()))
        if db is None:
            raise ApiError("EntityNotFoundException", f"Database {name} not found.")
        return db

    def op_CreateDatabase(self, p, catalog):
        db_input = p["DatabaseInput"]
        name = db_input["Name"].lower()  # Glue stores database names in lowercase
        if (catalog, name) in self.databases:
            raise ApiError("AlreadyExistsException", "Database already exists.")
        self.databases[(catalog, name)] = dict(db_input, Name=name, CreateTime=time.time(),
                                               CatalogId=catalog)
        return {}

    def op_GetDatabase(self, p, catalog):
        return {"Database": self._database(catalog, p["Name"])}

    def _table_input(self, p):
        table_input = p.get("TableInput")
        if table_input is None:
            raise ApiError("InvalidInputException", "TableInput is required")
        return table_input

    def op_CreateTable(self, p, catalog):
        db = self._database(catalog, p["DatabaseName"])
        table_input = self._table_input(p)
        name = table_input["Name"].lower()  # "folded to lowercase when it is stored"
        key = (catalog, db["Name"], name)
        if key in self.tables:
            raise ApiError("AlreadyExistsException", "Table already exists.")
        now = time.time()
        self.tables[key] = dict(table_input, Name=name, DatabaseName=db["Name"], CreateTime=now,
                                UpdateTime=now, CreatedBy=f"arn:aws:iam::{catalog}:user/fake",
                                IsRegisteredWithLakeFormation=False, CatalogId=catalog,
                                VersionId="0")
        return {}

    def _table(self, catalog, database, name):
        db = self._database(catalog, database)
        table = self.tables.get((catalog, db["Name"], name.lower()))
        if table is None:
            raise ApiError("EntityNotFoundException", f"Table {name} not found.")
        return table

    def op_GetTable(self, p, catalog):
        return {"Table": self._table(catalog, p["DatabaseName"], p["Name"])}

    def op_UpdateTable(self, p, catalog):
        table_input = self._table_input(p)
        current = self._table(catalog, p["DatabaseName"], table_input["Name"])
        version = p.get("VersionId")
        if version is not None and version != current["VersionId"]:
            raise ApiError("ConcurrentModificationException",
                           "Update table failed due to concurrent modifications.")
        # Replace semantics: the new definition is the TableInput, not a merge with the old one.
        kept = {k: current[k] for k in ("Name", "DatabaseName", "CreateTime", "CreatedBy",
                                        "IsRegisteredWithLakeFormation", "CatalogId")}
        new_version = str(int(current["VersionId"]) + 1)
        updated = dict(table_input, **kept, UpdateTime=time.time(), VersionId=new_version)
        self.tables[(catalog, current["DatabaseName"], current["Name"])] = updated
        return {}


# ---- HTTP ----

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "glue_fake"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def _reply(self, status, body, content_type="application/x-amz-json-1.1", headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "fake-%d" % time.monotonic_ns())
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, e):
        self._reply(e.status, {"__type": e.code, "message": e.message},
                    headers=[("X-Amzn-ErrorType", e.code)])

    def do_GET(self):
        state = self.server.state
        with state["lock"]:
            if self.path == "/_fake/requests":
                return self._reply(200, state["requests"], "application/json")
            if self.path == "/_fake/errors":
                return self._reply(200, [r for r in state["requests"] if r["errors"]],
                                   "application/json")
        self._reply(404, {"message": "no such test hook"}, "application/json")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        path = urllib.parse.urlsplit(self.path).path
        state = self.server.state
        if path == "/_fake/reset":
            with state["lock"]:
                state["requests"].clear()
            return self._reply(200, {}, "application/json")
        if path == "/_fake/deny":
            with state["lock"]:
                state["deny"] = set(json.loads(body or b"{}").get("operations", []))
            return self._reply(200, {}, "application/json")
        target = self.headers.get("X-Amz-Target", "")
        if target.startswith("AWSGlue."):
            service, operation = "glue", target[len("AWSGlue."):]
        elif "/lakeformation/aws4_request" in self.headers.get("Authorization", ""):
            service, operation = "lakeformation", path.lstrip("/")
        else:
            service, operation = "glue", target or path
        params, errors = validate(service, operation, self.headers, path, body)
        with state["lock"]:
            state["requests"].append({"service": service, "operation": operation,
                                      "body": params, "errors": errors})
        if errors:
            return self._error(ApiError("ValidationException", "; ".join(errors)))
        with state["lock"]:
            denied = operation in state["deny"]
        if denied:
            action = f"{service}:{operation}"
            return self._error(ApiError(
                "AccessDeniedException",
                f"User: arn:aws:iam::{ACCOUNT_ID}:user/test is not authorized to perform: {action} "
                f"on resource: arn:aws:{service}:us-east-1:{ACCOUNT_ID}:catalog because no "
                f"identity-based policy allows the {action} action"))
        if self.server.forward:
            return self._forward(body)
        if service != "glue":
            return self._error(ApiError("UnsupportedOperationException",
                                        "glue_fake implements no Lake Formation operation"))
        try:
            self._reply(200, self.server.catalog.handle(operation, params))
        except ApiError as e:
            self._error(e)

    def _forward(self, body):
        target = urllib.parse.urlsplit(self.server.forward)
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "content-length", "connection")}
        conn.request(self.command, self.path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        relayed = [(k, v) for k, v in response.getheaders()
                   if k.lower() not in ("content-length", "connection", "transfer-encoding",
                                        "content-type", "server", "date")]
        conn.close()
        self._reply(response.status, data,
                    response.getheader("Content-Type", "application/json"), relayed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--forward", default="", help="proxy mode: forward to this server")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.forward = args.forward
    server.catalog = Catalog()
    server.state = {"lock": threading.Lock(), "requests": [], "deny": set()}
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
