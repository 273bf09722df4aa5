#!/usr/bin/env python3
"""loadgen: the shop's synthetic client, inside the scenario network only.

Two closed loops against lb: LOADGEN_STOREFRONT_WORKERS fetch storefront pages, LOADGEN_REPORTS_WORKERS
fetch reports (each waits for its answer, then thinks LOADGEN_THINK_MS). Every answer is kept for
LOADGEN_WINDOW seconds.

  GET :9100/stats    JSON per route (storefront, reports) over the window: count, errors, error_rate,
                     p50_ms, p95_ms, by_status, by_edge (the X-Edge header of each answer)
  GET :9100/healthz
"""
import collections
import http.client
import json
import os
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TARGET = os.environ.get("LOADGEN_TARGET", "lb:80")
STOREFRONT_WORKERS = int(os.environ.get("LOADGEN_STOREFRONT_WORKERS", "2"))
REPORTS_WORKERS = int(os.environ.get("LOADGEN_REPORTS_WORKERS", "3"))
THINK_MS = [float(x) for x in os.environ.get("LOADGEN_THINK_MS", "100-400").split("-")]
WINDOW = float(os.environ.get("LOADGEN_WINDOW", "30"))
TIMEOUT = float(os.environ.get("LOADGEN_TIMEOUT", "30"))
PORT = int(os.environ.get("LOADGEN_PORT", "9100"))

PAGES = ["/", "/products/{n}", "/cart", "/search?q=lamp", "/products/{n}/reviews"]
REPORTS = ["daily-sales", "inventory", "returns", "top-products", "refunds"]

lock = threading.Lock()
samples = {"storefront": collections.deque(), "reports": collections.deque()}  # (t, seconds, status, edge)


def record(route, seconds, status, edge):
    now = time.monotonic()
    with lock:
        q = samples[route]
        q.append((now, seconds, status, edge))
        while q and q[0][0] < now - WINDOW:
            q.popleft()


def worker(route):
    host, _, port = TARGET.partition(":")
    conn = None
    while True:
        if route == "reports":
            path = f"/reports/{random.choice(REPORTS)}?period=2025-W{random.randint(1, 52):02d}"
        else:
            path = random.choice(PAGES).format(n=random.randint(1, 5000))
        started = time.monotonic()
        status, edge = 0, "-"
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, int(port or 80), timeout=TIMEOUT)
            conn.request("GET", path, headers={"User-Agent": "shop-synthetic/1.0"})
            response = conn.getresponse()
            response.read()
            status, edge = response.status, response.getheader("X-Edge", "-")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except Exception:
            if conn is not None:
                conn.close()
            conn = None
        record(route, time.monotonic() - started, status, edge)
        time.sleep(random.uniform(*THINK_MS) / 1000)


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def stats():
    now = time.monotonic()
    out = {"window_s": WINDOW}
    with lock:
        for route, q in samples.items():
            while q and q[0][0] < now - WINDOW:
                q.popleft()
            rows = list(q)
            errors = sum(1 for r in rows if r[2] == 0 or r[2] >= 500)
            ms = [r[1] * 1000 for r in rows]
            out[route] = {
                "count": len(rows),
                "errors": errors,
                "error_rate": round(errors / len(rows), 4) if rows else None,
                "p50_ms": None if not ms else round(percentile(ms, 50)),
                "p95_ms": None if not ms else round(percentile(ms, 95)),
                "by_status": dict(collections.Counter(str(r[2] or "failed") for r in rows)),
                "by_edge": {
                    edge: dict(collections.Counter(str(r[2] or "failed") for r in rows if r[3] == edge))
                    for edge in sorted({r[3] for r in rows})
                },
            }
    return out


class Api(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/healthz":
            body = b"ok\n"
            ctype = "text/plain"
        elif self.path.startswith("/stats"):
            body = (json.dumps(stats(), indent=2) + "\n").encode()
            ctype = "application/json"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    for _ in range(STOREFRONT_WORKERS):
        threading.Thread(target=worker, args=("storefront",), daemon=True).start()
    for _ in range(REPORTS_WORKERS):
        threading.Thread(target=worker, args=("reports",), daemon=True).start()
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Api)
    server.daemon_threads = True
    server.serve_forever()
