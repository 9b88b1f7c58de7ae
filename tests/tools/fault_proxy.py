#!/usr/bin/env python3
"""A fault-injecting HTTP/1.1 reverse proxy for testing AWS clients against radosgw and moto.

    fault_proxy.py --target 127.0.0.1:7480 [--port 0] [--fault-rate 0.2] [--seed 1]
                   [--kinds 500,503,reset,slow] [--fail 3,7:reset,9:slow] [--max-faults N]
                   [--after N] [--max-consecutive K] [--only-methods PUT,POST] [--only-path REGEX]
                   [--stall-seconds S] [--log FILE] [--stats FILE]

Listens on 127.0.0.1 only and forwards to a loopback target. Requests and responses are relayed
byte for byte: the request line and headers (Host included) go upstream unchanged, so SigV4
signatures made for the proxy's address verify at the server, which checks the Host header it
receives. Bodies of any size are streamed (Content-Length or chunked, both directions),
"Expect: 100-continue" and interim 1xx responses are relayed, and client connections are
kept alive (one upstream connection per client connection).

Fault kinds, drawn per request (request index N counts from 1 in arrival order). Made-up errors
speak the dialect of the request (fault_proxy_wire.dialect): S3 XML, Glue's JSON 1.1 "__type",
Lake Formation's X-Amzn-ErrorType, STS's query <ErrorResponse>.
  500           InternalError / InternalServiceException / InternalFailure; not forwarded
  503           ServiceUnavailable (S3) / ServiceUnavailableException / ServiceUnavailable
  throttle      SlowDown (S3, 503) / ThrottlingException (Glue, Lake Formation: HTTP 400) /
                Throttling (STS: HTTP 400); not forwarded
  reset-head    RST right after the request head, before any of its body is read; not forwarded
  reset-upload  half the request body is read (after a "100 Continue" of the proxy's own if the
                client waits for one), then RST; the request never reaches the server
  reset         request forwarded and processed; the response head and part of its body are
                sent, then the client connection is reset (TCP RST via SO_LINGER 0)
  truncate      request forwarded and processed; the response's Content-Length promises more
                than is sent (half its body; a bodiless answer promises 64 bytes and sends none),
                then the connection is closed normally (FIN)
  stall         request forwarded and processed; no byte of the response is sent until the
                client gives up (closes) or --stall-seconds pass, then the connection is closed
  slow          request forwarded; the response is delayed --slow-min..--slow-max seconds
Choice: a seeded RNG draws, for each request that matches --only-*, whether to inject
(--fault-rate) and which kind (uniform over --kinds). --fail N[:KIND],... injects on fixed
request indexes (KIND defaults to the first of --kinds). --max-faults caps the total, --after N
spares the first N matching requests (an outage that starts mid-run), --max-consecutive K spares
a request whose K previous attempts (same method, target and x-amz-target) were all faulted.

When ready it prints one line "FAULT_PROXY_PORT=<port>" on stdout (use --port 0 for a free
port), also written to --port-file. Each request is logged to --log as
"N METHOD /path fault=KIND status=CODE in=BYTES out=BYTES ms=MS" (path without query).
GET /__stats returns the counters as JSON (not forwarded); POST /__config?fault_rate=0.1&
kinds=500,503&max_faults=5 changes settings at run time, POST /__reset zeroes the counters.
On SIGTERM/SIGINT it stops, prints the stats JSON to stderr and writes it to --stats.
Python 3 standard library only.
"""

import argparse
import ipaddress
import json
import random
import re
import select
import signal
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

from fault_proxy_wire import (BUF, body_framing, dialect, discard, error_response, fin_close, has_token,
                              header, read_head, relay_chunked, relay_length, relay_until_eof, rst_close)

ALL_KINDS = ("500", "503", "throttle", "reset-head", "reset-upload", "reset", "truncate", "stall", "slow")
DEFAULT_KINDS = "500,503,reset,slow"
# Kinds answered by the proxy itself, the request never forwarded.
ERROR_KINDS = ("500", "503", "throttle")


class ClientGone(Exception):
    pass


class Settings:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.rng = random.Random(args.seed)
        self.fault_rate = args.fault_rate
        self.kinds = parse_kinds(args.kinds)
        self.fixed = parse_fixed(args.fail, self.kinds[0] if self.kinds else "500")
        self.max_faults = args.max_faults
        self.only_methods = {m.strip().upper() for m in args.only_methods.split(",")} if args.only_methods else None
        self.only_path = re.compile(args.only_path) if args.only_path else None
        self.slow_min, self.slow_max = args.slow_min, args.slow_max
        self.after = args.after
        self.max_consecutive = args.max_consecutive
        self.stall_seconds = args.stall_seconds
        self.index = 0
        self.matched = 0  # requests that matched --only-*
        self.in_a_row = {}  # request key -> faults on its latest attempts, for --max-consecutive
        self.stats = new_stats()

    def next_request(self, method, path, key):
        """Assign the request index and decide the fault (None for none); thread-safe. `key`
        names the request (method, target, x-amz-target), so that its retries are recognised."""
        with self.lock:
            self.index += 1
            n = self.index
            self.stats["requests"] += 1
            self.stats["by_method"][method] = self.stats["by_method"].get(method, 0) + 1
            matches = ((self.only_methods is None or method in self.only_methods) and
                       (self.only_path is None or self.only_path.search(path) is not None))
            kind = None
            if matches:
                self.matched += 1
                # draw for every matching request, so a run is reproducible from the seed
                draw, pick = self.rng.random(), self.rng.randrange(1 << 30)
                if n in self.fixed:
                    kind = self.fixed[n]
                elif self.kinds and draw < self.fault_rate and self.matched > self.after:
                    kind = self.kinds[pick % len(self.kinds)]
                if kind and self.max_faults is not None and self.stats["faults"] >= self.max_faults:
                    kind = None
                if kind and self.max_consecutive is not None and self.in_a_row.get(key, 0) >= self.max_consecutive:
                    kind = None
                self.in_a_row[key] = self.in_a_row.get(key, 0) + 1 if kind else 0
            delay = self.rng.uniform(self.slow_min, self.slow_max) if kind == "slow" else 0.0
            if kind:
                self.stats["faults"] += 1
                self.stats["by_kind"][kind] = self.stats["by_kind"].get(kind, 0) + 1
            return n, kind, delay

    def count(self, key, amount=1):
        with self.lock:
            self.stats[key] += amount

    def snapshot(self):
        with self.lock:
            s = json.loads(json.dumps(self.stats))
            s["fault_rate"] = self.fault_rate
            s["kinds"] = list(self.kinds)
            s["max_faults"] = self.max_faults
            s["after"] = self.after
            s["max_consecutive"] = self.max_consecutive
            return s


def new_stats():
    return {"requests": 0, "faults": 0, "by_kind": {}, "by_method": {}, "upstream_errors": 0,
            "client_errors": 0, "bytes_in": 0, "bytes_out": 0, "connections": 0}


def parse_kinds(text):
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    for k in kinds:
        if k not in ALL_KINDS:
            raise ValueError(f"unknown fault kind {k!r} (known: {', '.join(ALL_KINDS)})")
    return kinds


def parse_fixed(text, default_kind):
    fixed = {}
    for item in filter(None, (x.strip() for x in (text or "").split(","))):
        n, _, kind = item.partition(":")
        kind = kind or default_kind
        if kind not in ALL_KINDS:
            raise ValueError(f"unknown fault kind {kind!r} in --fail")
        fixed[int(n)] = kind
    return fixed


def loopback_host(host):
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False


# ----------------------------------------------------------------------------------------------
# One client connection
# ----------------------------------------------------------------------------------------------
class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        self.cfg = self.server.cfg
        self.client = self.request
        self.client.settimeout(self.server.idle_timeout)
        self.client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.creader = self.client.makefile("rb", buffering=BUF)
        self.up = None
        self.ureader = None
        self.cfg.count("connections")

    def finish(self):
        self.close_upstream()
        try:
            self.creader.close()
        except OSError:
            pass

    # -- upstream connection --------------------------------------------------------------------
    def close_upstream(self):
        if self.up is not None:
            try:
                self.ureader.close()
                self.up.close()
            except OSError:
                pass
        self.up = self.ureader = None

    def upstream(self):
        if self.up is not None:
            # a kept-alive upstream connection that became readable between requests was closed
            self.up.setblocking(False)
            try:
                stale = self.up.recv(1, socket.MSG_PEEK) == b""
            except BlockingIOError:
                stale = False
            except OSError:
                stale = True
            self.up.setblocking(True)
            self.up.settimeout(self.server.upstream_timeout)
            if stale:
                self.close_upstream()
        if self.up is None:
            self.up = socket.create_connection(self.server.target, timeout=self.server.upstream_timeout)
            self.up.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.ureader = self.up.makefile("rb", buffering=BUF)
        return self.up

    def send_client(self, data):
        try:
            self.client.sendall(data)
        except OSError as e:
            raise ClientGone(str(e)) from e

    # -- main loop --------------------------------------------------------------------------------
    def handle(self):
        try:
            while True:
                try:
                    head = read_head(self.creader)
                except (OSError, ConnectionError, ValueError):
                    return
                if head is None:
                    return
                if not self.one_request(*head):
                    return
        except ClientGone:
            self.cfg.count("client_errors")
        except Exception as e:  # noqa: BLE001 - never kill the server for one connection
            self.server.log_line(f"- connection error: {type(e).__name__}: {e}")

    def one_request(self, raw_head, request_line, headers):
        """Handle one request; returns whether the client connection stays open."""
        t0 = time.monotonic()
        parts = request_line.split(" ")
        if len(parts) != 3:
            return False
        method, target, version = parts
        path = urllib.parse.urlsplit(target).path or "/"
        if path.startswith("/__"):
            return self.control(method, target, headers)
        framing, length = body_framing(headers)
        expect = has_token(headers, "expect", "100-continue")
        keep = version == "HTTP/1.1" and not has_token(headers, "connection", "close")
        key = (method, target, header(headers, "x-amz-target") or "")
        n, kind, delay = self.cfg.next_request(method, path, key)
        status, bytes_in, bytes_out = "-", 0, 0
        try:
            if kind in ERROR_KINDS:
                # not forwarded: consume the body (unless the client waits for 100-continue)
                close = not keep or (expect and framing != "none")
                if not close:
                    bytes_in = self.consume_body(framing, length)
                resp = error_response(kind, dialect(method, path, headers), n, method == "HEAD", close)
                self.send_client(resp)
                status, bytes_out = kind, len(resp)
                return not close
            if kind == "reset-head":
                rst_close(self.client)  # whatever of the body is already here stays unread
                status = "reset"
                return False
            if kind == "reset-upload":
                if expect and framing != "none":
                    self.send_client(b"HTTP/1.1 100 Continue\r\n\r\n")  # so the body starts flowing
                if framing == "length" and length > 0:
                    bytes_in = relay_length(self.creader, length, discard, limit=max(1, length // 2))
                elif framing == "chunked":
                    bytes_in = len(self.creader.read1(BUF))
                rst_close(self.client)
                status = "reset"
                return False
            return self.forward(method, raw_head, framing, length, expect, keep, kind, delay, n, t0)
        except (OSError, ValueError) as e:  # upstream trouble (ClientGone is not an OSError)
            self.cfg.count("upstream_errors")
            status = f"upstream-error:{type(e).__name__}"
            self.close_upstream()
            try:
                body = f"fault-proxy: upstream error: {e}\n".encode()
                self.send_client(b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            except ClientGone:
                pass
            return False
        finally:
            if kind in (*ERROR_KINDS, "reset-head", "reset-upload") or status.startswith("upstream-error"):
                self.cfg.count("bytes_in", bytes_in)
                self.cfg.count("bytes_out", bytes_out)
                self.server.log_line(f"{n} {method} {path} fault={kind or '-'} status={status} in={bytes_in} "
                                     f"out={bytes_out} ms={(time.monotonic() - t0) * 1000:.0f}")

    def consume_body(self, framing, length):
        if framing == "length":
            return relay_length(self.creader, length, discard)
        if framing == "chunked":
            return relay_chunked(self.creader, discard)
        return 0

    def forward(self, method, raw_head, framing, length, expect, keep, kind, delay, n, t0):
        up = self.upstream()
        up.sendall(raw_head)
        bytes_in = 0
        close_after = not keep
        resp = None
        if expect and framing != "none":
            # relay interim responses; a final one before "100" means the body will not follow
            resp = read_head(self.ureader)
            if resp is None:
                raise ConnectionError("upstream closed before answering")
            if resp[1].split(" ")[1:2] == ["100"]:
                self.send_client(resp[0])
                resp = None
            else:
                close_after = True  # the client may or may not send its body now: do not reuse
        if resp is None:
            if framing == "length":
                bytes_in = relay_length(self.creader, length, up.sendall)
            elif framing == "chunked":
                bytes_in = relay_chunked(self.creader, up.sendall)
            resp = read_head(self.ureader)
            while resp is not None and resp[1].split(" ")[1:2] in (["100"], ["102"], ["103"]):
                self.send_client(resp[0])
                resp = read_head(self.ureader)
            if resp is None:
                raise ConnectionError("upstream closed before answering")
        raw, status_line, rheaders = resp
        status = status_line.split(" ")[1] if " " in status_line else "?"
        rframing, rlength = body_framing(rheaders)
        if method == "HEAD" or status in ("204", "304"):
            rframing, rlength = "none", 0
        elif rframing == "none":
            rframing = "eof"  # close-delimited
        if has_token(rheaders, "connection", "close") or rframing == "eof":
            close_after = True
        if kind == "slow":
            time.sleep(delay)  # the injected fault itself, not synchronisation
        bytes_out = len(raw)
        if kind in ("reset", "truncate", "stall"):
            bytes_out = self.cut_response(kind, raw, rframing, rlength)
            self.close_upstream()
            self.finish_log(n, method, raw_head, kind, status, bytes_in, bytes_out, t0)
            return False
        self.send_client(raw)
        if rframing == "length":
            bytes_out += relay_length(self.ureader, rlength, self.send_client)
        elif rframing == "chunked":
            bytes_out += relay_chunked(self.ureader, self.send_client)
        elif rframing == "eof":
            bytes_out += relay_until_eof(self.ureader, self.send_client)
        if close_after:
            self.close_upstream()
        self.finish_log(n, method, raw_head, kind, status, bytes_in, bytes_out, t0)
        return not close_after

    def cut_response(self, kind, raw, rframing, rlength):
        """The server has processed the request; the client gets part of its answer, or none
        (stall), then the connection ends: RST (reset) or FIN (truncate, stall). Returns bytes sent."""
        if kind == "stall":
            # wait for the client to give up (it closes: readable at EOF), or for --stall-seconds
            select.select([self.client], [], [], self.cfg.stall_seconds)
            rst_close(self.client)
            return 0
        if rframing == "length" and rlength > 0:
            self.send_client(raw)
            sent = len(raw) + relay_length(self.ureader, rlength, self.send_client, limit=max(1, rlength // 2))
        elif rframing in ("chunked", "eof"):
            self.send_client(raw)
            chunk = self.ureader.read1(BUF)
            part = chunk[: max(1, len(chunk) // 2)]
            self.send_client(part)
            sent = len(raw) + len(part)
        elif kind == "truncate" and rframing == "length":
            # an empty body: promise one anyway, and send none of it
            head = re.sub(rb"(?im)^content-length:[ \t]*0[ \t]*\r?$", b"Content-Length: 64\r", raw)
            self.send_client(head)
            sent = len(head)
        else:  # no body to cut (HEAD, 204, 304): cut the head itself
            self.send_client(raw[: len(raw) // 2])
            sent = len(raw) // 2
        if kind == "reset":
            rst_close(self.client)
        else:
            fin_close(self.client)
        return sent

    def finish_log(self, n, method, raw_head, kind, status, bytes_in, bytes_out, t0):
        target = raw_head.split(b" ", 2)[1].decode("latin-1")
        path = urllib.parse.urlsplit(target).path or "/"
        self.cfg.count("bytes_in", bytes_in)
        self.cfg.count("bytes_out", bytes_out)
        self.server.log_line(f"{n} {method} {path} fault={kind or '-'} status={status} in={bytes_in} "
                             f"out={bytes_out} ms={(time.monotonic() - t0) * 1000:.0f}")

    # -- control endpoints ------------------------------------------------------------------------
    def control(self, method, target, headers):
        framing, length = body_framing(headers)
        self.consume_body(framing, length)
        url = urllib.parse.urlsplit(target)
        q = dict(urllib.parse.parse_qsl(url.query))
        code, out = 200, None
        try:
            if url.path == "/__stats":
                out = self.cfg.snapshot()
            elif url.path == "/__reset" and method == "POST":
                with self.cfg.lock:
                    self.cfg.stats = new_stats()
                out = self.cfg.snapshot()
            elif url.path == "/__config" and method == "POST":
                with self.cfg.lock:
                    if "fault_rate" in q:
                        self.cfg.fault_rate = float(q["fault_rate"])
                    if "kinds" in q:
                        self.cfg.kinds = parse_kinds(q["kinds"])
                    if "max_faults" in q:
                        self.cfg.max_faults = None if q["max_faults"] in ("", "none") else int(q["max_faults"])
                    if "after" in q:
                        self.cfg.after = int(q["after"])
                    if "fail" in q:
                        self.cfg.fixed = parse_fixed(q["fail"], self.cfg.kinds[0] if self.cfg.kinds else "500")
                    if "seed" in q:
                        self.cfg.rng = random.Random(int(q["seed"]))
                out = self.cfg.snapshot()
            else:
                code, out = 404, {"error": f"unknown control path {url.path}"}
        except ValueError as e:
            code, out = 400, {"error": str(e)}
        body = (json.dumps(out, indent=1, sort_keys=True) + "\n").encode()
        self.send_client(f"HTTP/1.1 {code} {'OK' if code == 200 else 'Error'}\r\nContent-Type: application/json\r\n"
                         f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        return True


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, cfg, target, log_file, idle_timeout, upstream_timeout):
        self.cfg = cfg
        self.target = target
        self.idle_timeout = idle_timeout
        self.upstream_timeout = upstream_timeout
        self._log = open(log_file, "a", buffering=1, encoding="utf-8") if log_file else None
        self._log_lock = threading.Lock()
        super().__init__(addr, Handler)

    def log_line(self, line):
        if self._log:
            with self._log_lock:
                self._log.write(f"{time.strftime('%H:%M:%S')} {line}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", required=True, help="HOST:PORT of the server, loopback only (e.g. 127.0.0.1:7480)")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: pick a free one)")
    ap.add_argument("--fault-rate", type=float, default=0.0, help="probability of a fault per request")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default=DEFAULT_KINDS, help=f"fault kinds to draw from ({', '.join(ALL_KINDS)})")
    ap.add_argument("--fail", default="", help="fixed faults: N[:KIND],... by 1-based request index")
    ap.add_argument("--max-faults", type=int, default=None, help="stop injecting after this many faults")
    ap.add_argument("--after", type=int, default=0, help="spare the first N matching requests")
    ap.add_argument("--max-consecutive", type=int, default=None,
                    help="spare a request whose K previous attempts were all faulted")
    ap.add_argument("--stall-seconds", type=float, default=30.0,
                    help="a stall fault holds the response this long unless the client leaves first")
    ap.add_argument("--only-methods", default="", help="inject only into these methods, e.g. PUT,POST")
    ap.add_argument("--only-path", default="", help="inject only where the path matches this regex")
    ap.add_argument("--slow-min", type=float, default=0.5)
    ap.add_argument("--slow-max", type=float, default=2.0)
    ap.add_argument("--log", default="", help="append one line per request here")
    ap.add_argument("--stats", default="", help="write the stats JSON here on exit")
    ap.add_argument("--port-file", default="", help="write the listening port here when ready")
    ap.add_argument("--idle-timeout", type=float, default=120.0, help="close idle client connections after s")
    ap.add_argument("--upstream-timeout", type=float, default=300.0)
    args = ap.parse_args()

    host, _, port = args.target.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not loopback_host(host):
        ap.error("--target must be a loopback address")
    if not 0 <= args.fault_rate <= 1 or args.slow_min < 0 or args.slow_max < args.slow_min:
        ap.error("bad --fault-rate or --slow-min/--slow-max")
    try:
        cfg = Settings(args)
    except ValueError as e:
        ap.error(str(e))

    server = Server(("127.0.0.1", args.port), cfg, (host, int(port)), args.log,
                    args.idle_timeout, args.upstream_timeout)
    bound = server.server_address[1]
    stopping = threading.Event()

    def on_signal(_signum, _frame):
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.port_file:
        with open(args.port_file, "w", encoding="utf-8") as f:
            f.write(f"{bound}\n")
    print(f"FAULT_PROXY_PORT={bound}", flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    stats = json.dumps(cfg.snapshot(), sort_keys=True)
    if args.stats:
        with open(args.stats, "w", encoding="utf-8") as f:
            f.write(stats + "\n")
    print(f"fault_proxy stats: {stats}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
