#!/usr/bin/env python3
"""orders: the shop's order service.

Public port (ORDERS_PORT, 8080):
  GET /healthz               liveness + database ping, reports the running version
  GET /orders/<id>           one order by id
  GET /checkout?email=<a>    data for the checkout page (customer, open cart, recent orders since v2)
  GET /orders/recent?email=  the customer's 20 most recent orders (v2)
Admin port (ORDERS_ADMIN_PORT, 8081), scenario network only:
  GET /debug/logs?lines=N    the last N log lines (default 200)
  GET /debug/vars            pool and request counters
"""
import collections
import json
import os
import random
import re
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import psycopg2
import psycopg2.extras
import psycopg2.pool

VERSION = os.environ.get("ORDERS_VERSION", "dev")
DSN = os.environ.get("ORDERS_DSN", "host=postgres dbname=shop user=orders password=orders-app-pw")
POOL_SIZE = int(os.environ.get("ORDERS_POOL_SIZE", "8"))
SLOW_QUERY_MS = float(os.environ.get("ORDERS_SLOW_QUERY_MS", "200"))
# Checkout also calls pricing and inventory; this stands in for those calls (milliseconds, min-max).
DOWNSTREAM_MS = [float(x) for x in os.environ.get("ORDERS_DOWNSTREAM_MS", "8-20").split("-")]

# ------------------------------------------------------------------ logging
LOG_LINES = collections.deque(maxlen=5000)
_log_lock = threading.Lock()


def log(level, msg, **fields):
    ts = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    parts = [f"ts={ts}", f"level={level}", f"msg={json.dumps(msg)}"]
    for key, value in fields.items():
        if isinstance(value, float):
            value = f"{value:.1f}"
        elif isinstance(value, str) and (" " in value or "=" in value or not value):
            value = json.dumps(value)
        parts.append(f"{key}={value}")
    line = " ".join(parts)
    with _log_lock:
        LOG_LINES.append(line)
        print(line, flush=True)


# ------------------------------------------------------------------ database
class Database:
    """A small blocking pool: requests wait for a free connection instead of failing."""

    def __init__(self, dsn, size):
        self.dsn, self.size = dsn, size
        self.pool = None
        self.slots = threading.BoundedSemaphore(size)
        self.waiting = 0
        self.lock = threading.Lock()

    def connect(self):
        for attempt in range(60):
            try:
                self.pool = psycopg2.pool.ThreadedConnectionPool(1, self.size, self.dsn,
                                                                 application_name=f"orders {VERSION}")
                return
            except psycopg2.OperationalError as exc:
                log("warn", "database not ready", attempt=attempt, error=str(exc).strip())
                time.sleep(1)
        raise SystemExit("cannot connect to the database")

    def query(self, name, sql, args=(), one=False):
        with self.lock:
            self.waiting += 1
        self.slots.acquire()
        with self.lock:
            self.waiting -= 1
        conn = None
        try:
            conn = self.pool.getconn()
            conn.autocommit = True
            started = time.monotonic()
            with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
                cur.execute(sql, args)
                rows = cur.fetchall()
            elapsed = (time.monotonic() - started) * 1000
            if elapsed >= SLOW_QUERY_MS:
                log("warn", "slow query", query=name, duration_ms=elapsed, rows=len(rows),
                    sql=" ".join(sql.split()))
            return (rows[0] if rows else None) if one else rows
        except psycopg2.Error:
            if conn is not None:
                self.pool.putconn(conn, close=True)
                conn = None
            raise
        finally:
            if conn is not None:
                self.pool.putconn(conn)
            self.slots.release()


DB = Database(DSN, POOL_SIZE)
STATS = collections.Counter()


def customer(email):
    return DB.query("customer_by_email",
                    "SELECT id, email, name FROM customers WHERE email = %s", (email,), one=True)


def open_cart(email):
    return DB.query("cart_by_email",
                    "SELECT id, items, updated_at FROM carts WHERE customer_email = %s", (email,), one=True)


# --- v2: recent orders (checkout page shows "your recent orders") ---
RECENT_ORDERS_SQL = """
    SELECT id, status, total_cents, currency, created_at
    FROM orders
    WHERE customer_email = %s
    ORDER BY created_at DESC
    LIMIT 20
"""


def recent_orders(email):
    return DB.query("recent_orders_by_email", RECENT_ORDERS_SQL, (email,))
# --- end v2 ---


def downstream_calls():
    """Pricing + inventory reservation (other teams' services), simulated."""
    time.sleep(random.uniform(*DOWNSTREAM_MS) / 1000)


# ------------------------------------------------------------------ HTTP
def jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class Handler(BaseHTTPRequestHandler):
    server_version = f"orders/{VERSION}"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # replaced by our structured request log
        pass

    def send_json(self, status, body):
        data = json.dumps(body, default=jsonable).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return status

    def do_GET(self):
        started = time.monotonic()
        url = urlparse(self.path)
        query = parse_qs(url.query)
        status = 500
        try:
            status = self.route(url.path, query)
        except psycopg2.Error as exc:
            log("error", "database error", path=url.path, error=str(exc).strip())
            status = self.send_json(503, {"error": "database error"})
        except Exception as exc:  # noqa: BLE001 - a service must answer
            log("error", "unhandled error", path=url.path, error=repr(exc))
            status = self.send_json(500, {"error": "internal error"})
        finally:
            elapsed = (time.monotonic() - started) * 1000
            STATS[f"requests_{status}"] += 1
            if url.path not in ("/healthz",) and self.server.server_port == PUBLIC_PORT:
                log("info", "request", method="GET", path=url.path, status=status,
                    duration_ms=elapsed, version=VERSION)

    def route(self, path, query):
        if self.server.server_port == ADMIN_PORT:
            return self.admin(path, query)
        if path == "/healthz":
            DB.query("ping", "SELECT 1")
            return self.send_json(200, {"status": "ok", "service": "orders", "version": VERSION})
        match = re.fullmatch(r"/orders/(\d+)", path)
        if match:
            row = DB.query("order_by_id",
                           "SELECT id, customer_email, status, total_cents, currency, created_at "
                           "FROM orders WHERE id = %s", (int(match.group(1)),), one=True)
            return self.send_json(200, row) if row else self.send_json(404, {"error": "no such order"})
        email = (query.get("email") or [""])[0].strip().lower()
        if path == "/checkout":
            if not email:
                return self.send_json(400, {"error": "email is required"})
            page = {"customer": customer(email), "cart": open_cart(email)}
            # --- v2: recent orders (checkout page shows "your recent orders") ---
            page["recent_orders"] = recent_orders(email)
            # --- end v2 ---
            downstream_calls()
            return self.send_json(200, page)
        # --- v2: recent orders (checkout page shows "your recent orders") ---
        if path == "/orders/recent":
            if not email:
                return self.send_json(400, {"error": "email is required"})
            return self.send_json(200, {"email": email, "orders": recent_orders(email)})
        # --- end v2 ---
        return self.send_json(404, {"error": "not found"})

    def admin(self, path, query):
        if path == "/debug/logs":
            try:
                lines = max(1, min(5000, int((query.get("lines") or ["200"])[0])))
            except ValueError:
                lines = 200
            with _log_lock:
                text = "\n".join(list(LOG_LINES)[-lines:]) + "\n"
            data = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return 200
        if path == "/debug/vars":
            return self.send_json(200, {"version": VERSION, "pool_size": DB.size,
                                        "pool_waiting": DB.waiting, "requests": dict(STATS)})
        return self.send_json(404, {"error": "not found"})


PUBLIC_PORT = int(os.environ.get("ORDERS_PORT", "8080"))
ADMIN_PORT = int(os.environ.get("ORDERS_ADMIN_PORT", "8081"))


def main():
    DB.connect()
    public = ThreadingHTTPServer(("0.0.0.0", PUBLIC_PORT), Handler)
    admin = ThreadingHTTPServer(("0.0.0.0", ADMIN_PORT), Handler)
    public.daemon_threads = admin.daemon_threads = True
    threading.Thread(target=admin.serve_forever, daemon=True).start()
    log("info", "orders started", version=VERSION, port=PUBLIC_PORT, admin_port=ADMIN_PORT, pool_size=POOL_SIZE)
    try:
        public.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
