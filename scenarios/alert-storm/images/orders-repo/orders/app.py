#!/usr/bin/env python3
"""orders: places and looks up orders. Four replicas (orders-1..4) run behind orders-lb.

  POST /orders              {"customer", "sku", "qty", "total_cents"} -> {"id"}
  GET  /orders/<id>         one order
  GET  /healthz             200 when the replica can serve (its pool holds a connection), else 503
  GET  /livez               200 while the process runs (the container's own healthcheck)
  GET  /metrics             Prometheus (see shopsvc), plus db_pool_* gauges
  admin :8081
  GET  /debug/logs?lines=N  the replica's structured log
  GET  /debug/pool          the pool: size, open, idle, in use, waiting, errors
  POST /debug/pool/resize?size=N   change the pool size until the next restart (runtime override)

Settings come from config/production.json (baked into the release); ORDERS_POOL_SIZE overrides the pool size.
"""
import json
import os
import sys
import threading
import time

sys.path.insert(0, "/opt/shop/lib")
import psycopg2  # noqa: E402
from prometheus_client import Gauge  # noqa: E402

import shopsvc  # noqa: E402
from shopsvc import HttpError, log  # noqa: E402

CONFIG_PATH = os.environ.get("ORDERS_CONFIG", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "config", "production.json"))
with open(CONFIG_PATH) as f:
    CONFIG = json.load(f)
DB = CONFIG["database"]


class Pool:
    """A fixed-size connection pool that opens every connection it may hold and keeps them open
    (minimum idle = maximum size, the common pool default), so it holds `size` connections per replica
    whether traffic needs them or not. A request waits up to `connection_timeout_ms` for one."""

    def __init__(self, size, connection_timeout_ms, retry_ms):
        self.size = size
        self.timeout = connection_timeout_ms / 1000
        self.retry = retry_ms / 1000
        self.cond = threading.Condition()
        self.idle = []
        self.in_use = 0
        self.waiting = 0
        self.errors = 0
        self.last_error = None
        self.last_error_logged = 0.0

    @property
    def open(self):
        return len(self.idle) + self.in_use

    def fill_forever(self):
        """Background filler: opens connections until the pool holds `size`."""
        while True:
            with self.cond:
                while self.open >= self.size:
                    self.cond.wait(1.0)
            try:
                conn = shopsvc.connect()
            except psycopg2.OperationalError as error:
                text, _ = shopsvc.describe_db_error(error)
                with self.cond:
                    self.errors += 1
                    self.last_error = text
                    # One line per second at most: a full database would otherwise flood the log.
                    if time.monotonic() - self.last_error_logged >= 1.0:
                        self.last_error_logged = time.monotonic()
                        log("error", "pool: could not open a database connection", error=text,
                            pool_open=self.open, pool_size=self.size)
                time.sleep(self.retry)
                continue
            with self.cond:
                if self.open >= self.size:
                    conn.close()
                else:
                    self.idle.append(conn)
                    if self.open == self.size:
                        log("info", "pool: full", pool_size=self.size)
                    self.cond.notify()

    def acquire(self):
        deadline = time.monotonic() + self.timeout
        with self.cond:
            self.waiting += 1
            try:
                while not self.idle:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise HttpError(503, f"could not get a database connection within {int(self.timeout * 1000)} ms "
                                             f"(pool {self.open}/{self.size} open; last error: {self.last_error or 'none'})")
                    self.cond.wait(left)
                conn = self.idle.pop()
                self.in_use += 1
                return conn
            finally:
                self.waiting -= 1

    def release(self, conn, broken=False):
        with self.cond:
            self.in_use -= 1
            if broken or conn.closed or self.open >= self.size:
                try:
                    conn.close()
                except Exception:
                    pass
            else:
                self.idle.append(conn)
            self.cond.notify_all()

    def resize(self, size):
        with self.cond:
            self.size = size
            while self.idle and self.open > size:
                self.idle.pop(0).close()
            self.cond.notify_all()

    def stats(self):
        with self.cond:
            return {"size": self.size, "open": self.open, "idle": len(self.idle), "in_use": self.in_use,
                    "waiting": self.waiting, "connect_errors": self.errors, "last_error": self.last_error}


POOL = Pool(int(os.environ.get("ORDERS_POOL_SIZE") or DB["pool_size"]), DB["connection_timeout_ms"], DB["retry_ms"])
for name, doc, value in [
    ("db_pool_size", "Connections the pool may hold.", lambda: POOL.size),
    ("db_pool_open_connections", "Connections the pool holds.", lambda: POOL.open),
    ("db_pool_in_use_connections", "Connections serving a request.", lambda: POOL.in_use),
    ("db_pool_waiting_requests", "Requests waiting for a connection.", lambda: POOL.waiting),
]:
    Gauge(name, doc).set_function(value)


def query(sql, args=(), one=True):
    conn = POOL.acquire()
    broken = False
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchone() if one else cur.fetchall()
    except psycopg2.OperationalError:
        broken = True
        raise
    finally:
        POOL.release(conn, broken)


def create_order(request):
    body = request["json"]
    row = query("INSERT INTO orders (customer, sku, qty, total_cents) VALUES (%s, %s, %s, %s) RETURNING id",
                (body.get("customer", "anonymous"), body.get("sku", "SKU-0001"), int(body.get("qty", 1)), int(body.get("total_cents", 0))))
    return 201, {"id": row[0]}


def get_order(request):
    try:
        order_id = int(request["path"].rsplit("/", 1)[1])
    except ValueError:
        raise HttpError(400, "order id must be a number")
    row = query("SELECT id, customer, sku, qty, total_cents, status, created_at FROM orders WHERE id = %s", (order_id,))
    if row is None:
        raise HttpError(404, f"no order {order_id}")
    keys = ["id", "customer", "sku", "qty", "total_cents", "status", "created_at"]
    return 200, {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in zip(keys, row)}


def healthz(request):
    stats = POOL.stats()
    body = {"service": "orders", "instance": shopsvc.INSTANCE, "version": shopsvc.VERSION, "pool": stats}
    return (200 if stats["open"] > 0 else 503), body


def livez(request):
    return 200, {"ok": True}


def pool_stats(request):
    return 200, {"instance": shopsvc.INSTANCE, "version": shopsvc.VERSION, **POOL.stats()}


def pool_resize(request):
    try:
        size = int(request["query"].get("size", ""))
    except ValueError:
        raise HttpError(400, "size must be a whole number: POST /debug/pool/resize?size=N")
    if not 1 <= size <= 200:
        raise HttpError(400, "size must be between 1 and 200")
    before = POOL.size
    POOL.resize(size)
    log("warning", "pool: resized at run time (until the next restart)", pool_size=size, was=before)
    return 200, {"instance": shopsvc.INSTANCE, "was": before, **POOL.stats()}


def watchdog():
    """A replica whose pool has stayed empty this long exits, and its supervisor starts it again: the
    platform's answer to replicas stuck without a database (see the runbook in README.md)."""
    limit = DB["empty_pool_restart_s"]
    empty_since = None
    while limit > 0:
        time.sleep(1)
        if POOL.open > 0:
            empty_since = None
            continue
        empty_since = empty_since or time.monotonic()
        if time.monotonic() - empty_since >= limit:
            log("error", "watchdog: no database connection for too long, restarting", seconds=limit, last_error=POOL.last_error)
            os._exit(3)


def main():
    log("info", "starting", version=shopsvc.VERSION, pool_size=POOL.size)
    threading.Thread(target=POOL.fill_forever, daemon=True).start()
    threading.Thread(target=watchdog, daemon=True).start()
    shopsvc.serve(
        [("POST", "/orders", create_order), ("GET", "/orders/", get_order), ("GET", "/healthz", healthz), ("GET", "/livez", livez)],
        [("GET", "/debug/pool", pool_stats), ("POST", "/debug/pool/resize", pool_resize)],
    )


if __name__ == "__main__":
    main()
