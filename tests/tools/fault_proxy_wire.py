"""HTTP/1.1 wire helpers of fault_proxy.py: reading message heads, relaying bodies as framed
(Content-Length, chunked, until EOF), the error answers the proxy makes up in each AWS protocol's
dialect, and closing a connection with a reset. Python 3 standard library only.
"""

import json
import re
import socket
import struct
from email.utils import formatdate

BUF = 256 * 1024
MAX_HEAD = 64 * 1024


def read_head(reader):
    """Read a request/response head; returns (raw bytes, first line, [(name, value)]) or None on EOF
    before any byte."""
    lines, size = [], 0
    while True:
        line = reader.readline(MAX_HEAD + 1)
        if not line:
            if not lines:
                return None
            raise ConnectionError("connection closed inside a message head")
        size += len(line)
        if size > MAX_HEAD:
            raise ConnectionError("message head too large")
        if not lines and line in (b"\r\n", b"\n"):
            continue  # tolerate stray CRLF between messages
        lines.append(line)
        if line in (b"\r\n", b"\n"):
            break
    first = lines[0].rstrip(b"\r\n").decode("latin-1")
    headers = []
    for raw in lines[1:-1]:
        name, _, value = raw.decode("latin-1").partition(":")
        headers.append((name.strip().lower(), value.strip()))
    return b"".join(lines), first, headers


def header(headers, name):
    for k, v in headers:
        if k == name:
            return v
    return None


def has_token(headers, name, token):
    return any(token in [t.strip().lower() for t in v.split(",")] for k, v in headers if k == name)


def body_framing(headers):
    """('chunked', None) | ('length', n) | ('none', 0)"""
    if has_token(headers, "transfer-encoding", "chunked"):
        return "chunked", None
    cl = header(headers, "content-length")
    if cl is not None:
        return "length", int(cl)
    return "none", 0


def relay_length(reader, n, write, limit=None):
    """Copy exactly n bytes (or at most `limit` of them) from reader to write(); returns count."""
    left = n if limit is None else min(n, limit)
    done = 0
    while left > 0:
        chunk = reader.read1(min(BUF, left)) if hasattr(reader, "read1") else reader.read(min(BUF, left))
        if not chunk:
            raise ConnectionError("connection closed inside a body")
        write(chunk)
        done += len(chunk)
        left -= len(chunk)
    return done


def relay_chunked(reader, write):
    """Copy a chunked body verbatim (sizes, extensions, trailers); returns payload bytes."""
    total = 0
    while True:
        size_line = reader.readline(MAX_HEAD)
        if not size_line:
            raise ConnectionError("connection closed inside a chunked body")
        write(size_line)
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while True:  # trailers up to the empty line
                t = reader.readline(MAX_HEAD)
                if not t:
                    raise ConnectionError("connection closed inside chunked trailers")
                write(t)
                if t in (b"\r\n", b"\n"):
                    return total
        total += relay_length(reader, size, write)
        crlf = reader.readline(MAX_HEAD)
        write(crlf)


def relay_until_eof(reader, write):
    total = 0
    while True:
        chunk = reader.read1(BUF)
        if not chunk:
            return total
        write(chunk)
        total += len(chunk)


def discard(_data):
    pass


def rst_close(sock):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


# ----------------------------------------------------------------------------------------------
# Made-up error answers, in the dialect of the service asked
# ----------------------------------------------------------------------------------------------
# The AWS protocols name errors differently: S3 (REST-XML) in an <Error> document, Glue (JSON 1.1,
# x-amz-target) in a "__type" member, Lake Formation (REST-JSON, POST /Operation) in the
# X-Amzn-ErrorType header, STS (query, a form POST) in an <ErrorResponse> document. Each fault
# kind answers as the service would: (status, code, message) per dialect.
ERRORS = {
    "500": {"s3": (500, "InternalError", "We encountered an internal error. Please try again."),
            "json": (500, "InternalServiceException", "Internal service error"),
            "rest-json": (500, "InternalServiceException", "Internal service error"),
            "query": (500, "InternalFailure", "The request processing has failed because of an unknown error")},
    "503": {"s3": (503, "ServiceUnavailable", "Please reduce your request rate."),
            "json": (503, "ServiceUnavailableException", "Service unavailable"),
            "rest-json": (503, "ServiceUnavailableException", "Service unavailable"),
            "query": (503, "ServiceUnavailable", "Service is unable to handle request")},
    "throttle": {"s3": (503, "SlowDown", "Please reduce your request rate."),
                 "json": (400, "ThrottlingException", "Rate exceeded"),
                 "rest-json": (400, "ThrottlingException", "Rate exceeded"),
                 "query": (400, "Throttling", "Rate exceeded")},
}
REASONS = {400: "Bad Request", 500: "Internal Server Error", 503: "Service Unavailable"}
REST_JSON_PATH = re.compile(r"^/[A-Z][A-Za-z]+$")


def dialect(method, path, headers):
    """The protocol of a request: "json" (x-amz-target), "query" (form POST), "rest-json"
    (a JSON POST to /Operation, as Lake Formation's) or "s3"."""
    if header(headers, "x-amz-target"):
        return "json"
    content_type = (header(headers, "content-type") or "").lower()
    if method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
        return "query"
    if method == "POST" and content_type.startswith("application/json") and REST_JSON_PATH.match(path):
        return "rest-json"
    return "s3"


def error_response(kind, proto, n, head_only, close):
    """The whole answer (head and body) of fault `kind` to request `n` in dialect `proto`."""
    status, code, message = ERRORS[kind][proto]
    request_id = f"fault-proxy-{n}"
    extra = ""
    if proto == "s3":
        content_type = "application/xml"
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}'
                f'</Message><RequestId>{request_id}</RequestId><HostId>fault-proxy</HostId></Error>')
        extra = f"x-amz-request-id: {request_id}\r\n"
    elif proto == "query":
        content_type = "text/xml"
        body = (f'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>'
                f'{"Sender" if status == 400 else "Receiver"}</Type><Code>{code}</Code><Message>{message}'
                f'</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>')
        extra = f"x-amzn-RequestId: {request_id}\r\n"
    elif proto == "json":
        content_type = "application/x-amz-json-1.1"
        body = json.dumps({"__type": code, "message": message})
        extra = f"x-amzn-RequestId: {request_id}\r\n"
    else:
        content_type = "application/json"
        body = json.dumps({"message": message})
        extra = f"x-amzn-RequestId: {request_id}\r\nx-amzn-ErrorType: {code}\r\n"
    data = body.encode()
    head = (f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {0 if head_only else len(data)}\r\n{extra}"
            f"Date: {formatdate(usegmt=True)}\r\nServer: fault-proxy\r\n"
            f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n").encode()
    return head + (b"" if head_only else data)


def fin_close(sock):
    """Close gracefully (FIN): the peer reads what was sent, then end of stream."""
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
