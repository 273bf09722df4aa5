"""shopsvc: the shop's small platform library, shared by checkout, payments, inventory and orders.

An HTTP server (one thread per request) with Prometheus metrics, a structured log kept in memory for
`GET :8081/debug/logs`, and database connections that retry like the platform's client does.

Metrics every service exposes on GET /metrics (Prometheus adds job, instance and service labels):
  http_requests_total{route, method, code}          counter
  http_request_duration_seconds{route}              histogram
  db_connection_errors_total{reason}                counter: refused database connections
  process_*                                         CPU, memory, start time (prometheus_client)
"""
import collections
import json
import os
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import psycopg2
import psycopg2.errorcodes
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

SERVICE = os.environ.get("SHOP_SERVICE", "service")
INSTANCE = os.environ.get("SHOP_INSTANCE") or socket.gethostname()
VERSION = os.environ.get("SHOP_VERSION", "v1.0.0")

REQUESTS = Counter("http_requests_total", "HTTP requests served.", ["route", "method", "code"])
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to serve an HTTP request.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0),
)
DB_ERRORS = Counter("db_connection_errors_total", "Database connections that failed to open.", ["reason"])

_log_lock = threading.Lock()
_log_lines = collections.deque(maxlen=3000)


def log(level, message, **fields):
    """One JSON line on stdout and in the in-memory log (/debug/logs)."""
    record = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z",
              "level": level, "service": SERVICE, "instance": INSTANCE, "msg": message, **fields}
    line = json.dumps(record, separators=(",", ":"))
    with _log_lock:
        _log_lines.append(line)
    print(line, flush=True)


def recent_logs(lines):
    with _log_lock:
        items = list(_log_lines)
    return items[-lines:]


def dsn():
    return os.environ["SHOP_DB_DSN"]


def describe_db_error(error):
    """`too_many_connections: FATAL: remaining connection slots ...` from a psycopg2 error."""
    code = getattr(error, "pgcode", None)
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if code:
        return f"{psycopg2.errorcodes.lookup(code).lower()}: {text}", psycopg2.errorcodes.lookup(code).lower()
    if "too many clients" in text or "connection slots are reserved" in text:
        return f"too_many_connections: {text}", "too_many_connections"
    if "timeout" in text:
        return f"connect_timeout: {text}", "connect_timeout"
    return f"connection_failure: {text}", "connection_failure"


def connect(application_name=None, attempts=1, backoff=0.1):
    """Opens a database connection, retrying `attempts` times with a doubling backoff."""
    last = None
    for attempt in range(attempts):
        try:
            conn = psycopg2.connect(dsn(), application_name=application_name or INSTANCE, connect_timeout=10)
            conn.autocommit = True
            return conn
        except psycopg2.OperationalError as error:
            last = error
            text, reason = describe_db_error(error)
            DB_ERRORS.labels(reason).inc()
            if attempt + 1 < attempts:
                time.sleep(backoff * (2 ** attempt))
    raise last


class HttpError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def make_handler(routes, admin=False):
    """routes: list of (method, prefix, function(request) -> (status, dict)). Longest prefix first."""
    routes = sorted(routes, key=lambda r: -len(r[1]))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = f"{SERVICE}/{VERSION}"

        def log_message(self, fmt, *args):
            pass

        def _send(self, status, body, ctype="application/json"):
            data = body if isinstance(body, bytes) else (json.dumps(body) + "\n").encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _handle(self, method):
            url = urlparse(self.path)
            if url.path == "/metrics" and not admin:
                self._send(200, generate_latest(), CONTENT_TYPE_LATEST)
                return
            for route_method, prefix, function in routes:
                if route_method == method and (url.path == prefix or (prefix.endswith("/") and url.path.startswith(prefix))):
                    break
            else:
                self._send(404, {"error": f"no route {method} {url.path}"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = {
                "path": url.path,
                "query": {k: v[-1] for k, v in parse_qs(url.query).items()},
                "json": json.loads(body) if body.strip().startswith(b"{") else {},
                "headers": self.headers,
            }
            started = time.monotonic()
            try:
                status, payload = function(request)
            except HttpError as error:
                status, payload = error.status, {"error": error.message}
            except Exception as error:  # a bug is a 500, logged with its stack
                status, payload = 500, {"error": f"{type(error).__name__}: {error}"}
                log("error", "unhandled error", route=prefix, error=traceback.format_exc(limit=3))
            elapsed = time.monotonic() - started
            if not admin:
                route = prefix.rstrip("/") or "/"
                REQUESTS.labels(route, method, str(status)).inc()
                LATENCY.labels(route).observe(elapsed)
                if status >= 500:
                    log("error", "request failed", method=method, path=url.path, status=status,
                        duration_ms=round(elapsed * 1000, 1), error=payload.get("error") if isinstance(payload, dict) else None)
            if isinstance(payload, (bytes, str)):
                self._send(status, payload.encode() if isinstance(payload, str) else payload, "text/plain; charset=utf-8")
            else:
                self._send(status, payload)

        def do_GET(self):
            self._handle("GET")

        def do_POST(self):
            self._handle("POST")

    return Handler


def logs_route(request):
    lines = max(1, min(3000, int(request["query"].get("lines", "200"))))
    return 200, "\n".join(recent_logs(lines)) + "\n"


def serve(routes, admin_routes=(), port=8080, admin_port=8081):
    """Serves the API on `port` and the admin endpoints (logs and the service's own) on `admin_port`."""
    admin = [("GET", "/debug/logs", logs_route), *admin_routes]
    admin_server = ThreadingHTTPServer(("0.0.0.0", admin_port), make_handler(admin, admin=True))
    admin_server.daemon_threads = True
    threading.Thread(target=admin_server.serve_forever, daemon=True).start()
    server = ThreadingHTTPServer(("0.0.0.0", port), make_handler(routes))
    server.daemon_threads = True
    log("info", "listening", port=port, admin_port=admin_port, version=VERSION)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
