#!/usr/bin/env python3
"""loadgen: the shop's customers, inside the scenario network only.

Workers loop: a checkout (POST checkout:8080/checkout) or, for LOADGEN_ORDER_RATIO of the requests,
an order status page (GET orders-lb/orders/<id>), then think for LOADGEN_THINK_MS.

  GET :9100/stats    JSON over the last LOADGEN_WINDOW seconds: per endpoint count, rps, p50/p95 (ms),
                     error_rate; top level is checkout; `success_rate` for all requests together
  GET :9100/metrics  Prometheus: loadgen_requests_total / loadgen_errors_total {endpoint}
"""
import collections
import http.client
import json
import os
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORKERS = max(1, min(16, int(os.environ.get("LOADGEN_WORKERS", "3"))))
THINK_MS = [float(x) for x in os.environ.get("LOADGEN_THINK_MS", "200-400").split("-")]
ORDER_RATIO = float(os.environ.get("LOADGEN_ORDER_RATIO", "0.4"))
WINDOW = float(os.environ.get("LOADGEN_WINDOW", "20"))
TIMEOUT = float(os.environ.get("LOADGEN_TIMEOUT", "5"))
PORT = int(os.environ.get("LOADGEN_PORT", "9100"))

lock = threading.Lock()
samples = collections.defaultdict(collections.deque)  # endpoint -> deque[(t, seconds, ok)]
totals = collections.Counter()
started_at = time.time()


def record(endpoint, seconds, ok):
    now = time.monotonic()
    with lock:
        q = samples[endpoint]
        q.append((now, seconds, ok))
        while q and q[0][0] < now - WINDOW:
            q.popleft()
        totals[(endpoint, "requests")] += 1
        if not ok:
            totals[(endpoint, "errors")] += 1


def percentile(values, p):
    if not values:
        return None
    k = max(0, min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


def window(endpoints):
    now = time.monotonic()
    items = []
    with lock:
        for endpoint in endpoints:
            q = samples[endpoint]
            while q and q[0][0] < now - WINDOW:
                q.popleft()
            items.extend(q)
    latencies = sorted(s * 1000 for _, s, _ in items)
    errors = sum(1 for _, _, ok in items if not ok)
    ms = lambda v: None if v is None else round(v, 1)  # noqa: E731
    return {
        "count": len(items),
        "rps": round(len(items) / WINDOW, 2),
        "p50_ms": ms(percentile(latencies, 50)),
        "p95_ms": ms(percentile(latencies, 95)),
        "error_rate": round(errors / len(items), 4) if items else 0.0,
    }


def request(conns, host, port, method, path, body=None):
    key = (host, port)
    conn = conns.get(key)
    try:
        if conn is None:
            conn = conns[key] = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
        conn.request(method, path, json.dumps(body) if body else None, {"Content-Type": "application/json", "User-Agent": "loadgen/1"})
        response = conn.getresponse()
        response.read()
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conns.pop(key, None)
        return response.status < 500
    except (OSError, http.client.HTTPException):
        if conn is not None:
            conn.close()
        conns.pop(key, None)
        return False


def worker(n):
    rng = random.Random(n * 7919 + int(time.time()))
    conns = {}
    while True:
        t0 = time.monotonic()
        if rng.random() < ORDER_RATIO:
            endpoint = "order_status"
            ok = request(conns, "orders-lb", 80, "GET", f"/orders/{rng.randint(1, 100000)}")
        else:
            endpoint = "checkout"
            body = {"customer": f"customer{rng.randint(1, 20000):05d}@example.com",
                    "sku": f"SKU-{rng.randint(1, 500):04d}", "qty": rng.randint(1, 3)}
            ok = request(conns, "checkout", 8080, "POST", "/checkout", body)
        record(endpoint, time.monotonic() - t0, ok)
        time.sleep(rng.uniform(*THINK_MS) / 1000)


def metrics_text():
    lines = ["# HELP loadgen_requests_total Requests sent.", "# TYPE loadgen_requests_total counter"]
    with lock:
        endpoints = sorted({e for e, _ in totals})
        for e in endpoints:
            lines.append(f'loadgen_requests_total{{endpoint="{e}"}} {totals[(e, "requests")]}')
        lines += ["# HELP loadgen_errors_total Requests that failed (5xx, timeout, refused).", "# TYPE loadgen_errors_total counter"]
        for e in endpoints:
            lines.append(f'loadgen_errors_total{{endpoint="{e}"}} {totals[(e, "errors")]}')
    return "\n".join(lines) + "\n"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/stats"):
            checkout = window(["checkout"])
            overall = window(["checkout", "order_status"])
            body = json.dumps({"window_s": WINDOW, "workers": WORKERS, "uptime_s": round(time.time() - started_at),
                               **checkout, "success_rate": round(1 - overall["error_rate"], 4), "all": overall,
                               "endpoints": {"checkout": checkout, "order_status": window(["order_status"])}}).encode()
            ctype = "application/json"
        elif self.path.startswith("/metrics"):
            body, ctype = metrics_text().encode(), "text/plain; version=0.0.4"
        elif self.path.startswith("/healthz"):
            body, ctype = b"ok\n", "text/plain"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    for n in range(WORKERS):
        threading.Thread(target=worker, args=(n,), daemon=True).start()
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    server.daemon_threads = True
    print(f"loadgen: {WORKERS} workers, think {THINK_MS} ms, stats on :{PORT}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
