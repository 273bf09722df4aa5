#!/usr/bin/env python3
"""loadgen: steady checkout traffic against the orders service, inside the scenario network only.

A fixed number of workers (LOADGEN_WORKERS) loop: open the checkout page for a random customer
(GET /checkout?email=...), sometimes look at an order (GET /orders/<id>), then think for a while.
Latency of every request is kept for LOADGEN_WINDOW seconds.

  GET :9100/stats    JSON: checkout p50/p95/p99 (ms), error rate, rps over the window; per endpoint too
  GET :9100/metrics  Prometheus: checkout_request_duration_seconds histogram, requests/errors counters,
                     checkout_latency_p95_seconds gauge (same window as /stats)
"""
import collections
import http.client
import json
import os
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TARGET_HOST = os.environ.get("LOADGEN_TARGET_HOST", "orders")
TARGET_PORT = int(os.environ.get("LOADGEN_TARGET_PORT", "8080"))
WORKERS = max(1, min(32, int(os.environ.get("LOADGEN_WORKERS", "4"))))
THINK_MS = [float(x) for x in os.environ.get("LOADGEN_THINK_MS", "50-150").split("-")]
CUSTOMERS = int(os.environ.get("LOADGEN_CUSTOMERS", "200000"))
MAX_ORDER_ID = int(os.environ.get("LOADGEN_MAX_ORDER_ID", "2000000"))
ORDER_LOOKUP_RATIO = float(os.environ.get("LOADGEN_ORDER_LOOKUP_RATIO", "0.3"))
WINDOW = float(os.environ.get("LOADGEN_WINDOW", "30"))
TIMEOUT = float(os.environ.get("LOADGEN_TIMEOUT", "5"))
PORT = int(os.environ.get("LOADGEN_PORT", "9100"))
BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0]

lock = threading.Lock()
samples = collections.defaultdict(collections.deque)  # endpoint -> deque[(t, seconds, ok)]
totals = collections.Counter()                        # (endpoint, "requests"|"errors")
hist = collections.defaultdict(lambda: [0] * (len(BUCKETS) + 1))
hist_sum = collections.Counter()
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
        h = hist[endpoint]
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                h[i] += 1
        h[-1] += 1
        hist_sum[endpoint] += seconds


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def window_stats(endpoint):
    now = time.monotonic()
    with lock:
        q = samples[endpoint]
        while q and q[0][0] < now - WINDOW:
            q.popleft()
        items = list(q)
    latencies = sorted(s * 1000 for _, s, _ in items)
    errors = sum(1 for _, _, ok in items if not ok)
    ms = lambda v: None if v is None else round(v, 1)  # noqa: E731
    return {
        "count": len(items),
        "rps": round(len(items) / WINDOW, 2),
        "p50_ms": ms(percentile(latencies, 50)),
        "p95_ms": ms(percentile(latencies, 95)),
        "p99_ms": ms(percentile(latencies, 99)),
        "max_ms": ms(latencies[-1] if latencies else None),
        "error_rate": round(errors / len(items), 4) if items else 0.0,
    }


def worker(n):
    rng = random.Random(n * 7919 + int(time.time()))
    conn = None
    while True:
        if rng.random() < ORDER_LOOKUP_RATIO:
            endpoint, path = "order", f"/orders/{rng.randint(1, MAX_ORDER_ID)}"
        else:
            email = f"customer{rng.randint(1, CUSTOMERS):06d}@example.com"
            endpoint, path = "checkout", f"/checkout?email={email}"
        t0 = time.monotonic()
        ok = False
        try:
            if conn is None:
                conn = http.client.HTTPConnection(TARGET_HOST, TARGET_PORT, timeout=TIMEOUT)
            conn.request("GET", path, headers={"User-Agent": "loadgen/1"})
            resp = conn.getresponse()
            resp.read()
            ok = resp.status < 500
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            if conn is not None:
                conn.close()
            conn = None
        record(endpoint, time.monotonic() - t0, ok)
        if not ok:
            time.sleep(0.2)  # do not spin while the service is down (e.g. during a deploy)
        time.sleep(rng.uniform(*THINK_MS) / 1000)


def metrics_text():
    lines = [
        "# HELP checkout_request_duration_seconds Latency of requests to the orders service, seen by the client.",
        "# TYPE checkout_request_duration_seconds histogram",
    ]
    with lock:
        for endpoint, h in sorted(hist.items()):
            for bound, count in zip(BUCKETS + ["+Inf"], h):
                lines.append(f'checkout_request_duration_seconds_bucket{{endpoint="{endpoint}",le="{bound}"}} {count}')
            lines.append(f'checkout_request_duration_seconds_sum{{endpoint="{endpoint}"}} {hist_sum[endpoint]:.6f}')
            lines.append(f'checkout_request_duration_seconds_count{{endpoint="{endpoint}"}} {h[-1]}')
        lines.append("# HELP loadgen_requests_total Requests sent.")
        lines.append("# TYPE loadgen_requests_total counter")
        for (endpoint, kind), count in sorted(totals.items()):
            if kind == "requests":
                lines.append(f'loadgen_requests_total{{endpoint="{endpoint}"}} {count}')
        lines.append("# HELP loadgen_errors_total Requests that failed (5xx, timeout, refused).")
        lines.append("# TYPE loadgen_errors_total counter")
        for endpoint in sorted({e for e, _ in totals}):
            lines.append(f'loadgen_errors_total{{endpoint="{endpoint}"}} {totals[(endpoint, "errors")]}')
    stats = window_stats("checkout")
    lines.append(f"# HELP checkout_latency_p95_seconds p95 of checkout latency over the last {WINDOW:g}s.")
    lines.append("# TYPE checkout_latency_p95_seconds gauge")
    if stats["p95_ms"] is not None:
        lines.append(f"checkout_latency_p95_seconds {stats['p95_ms'] / 1000:.4f}")
    lines.append("# TYPE checkout_error_ratio gauge")
    lines.append(f"checkout_error_ratio {stats['error_rate']}")
    return "\n".join(lines) + "\n"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/stats"):
            checkout = window_stats("checkout")
            body = json.dumps({"window_s": WINDOW, "workers": WORKERS, "target": f"{TARGET_HOST}:{TARGET_PORT}",
                               "uptime_s": round(time.time() - started_at), **checkout,
                               "endpoints": {"checkout": checkout, "order": window_stats("order")}}).encode()
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
    print(f"loadgen: {WORKERS} workers -> {TARGET_HOST}:{TARGET_PORT}, think {THINK_MS} ms, stats on :{PORT}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
