#!/usr/bin/env python3
"""payments: authorises card payments with the provider and records them in the shop database.

A small service without a pool: every request opens its own database connection (retrying with a
doubling backoff) and closes it afterwards.

  POST /charge    {"customer", "amount_cents"} -> 201 {"payment_id"}
  GET  /healthz   opens a database connection and runs SELECT 1
"""
import os
import random
import sys
import threading
import time

sys.path.insert(0, "/opt/shop/lib")
import psycopg2  # noqa: E402

import shopsvc  # noqa: E402
from shopsvc import HttpError, log  # noqa: E402

ATTEMPTS = int(os.environ.get("PAYMENTS_DB_ATTEMPTS", "4"))
# The card provider's own noise: about one authorisation in PAYMENTS_PROVIDER_TIMEOUT_EVERY times out on
# their side (every Nth, so the share is the same at any traffic level). 0 turns it off.
PROVIDER_TIMEOUT_EVERY = int(os.environ.get("PAYMENTS_PROVIDER_TIMEOUT_EVERY", "250"))
# The first one comes after this many authorisations, then one every PAYMENTS_PROVIDER_TIMEOUT_EVERY.
PROVIDER_TIMEOUT_FIRST = int(os.environ.get("PAYMENTS_PROVIDER_TIMEOUT_FIRST", "20"))
_count_lock = threading.Lock()
_count = 0
PROVIDER_MS = [float(x) for x in os.environ.get("PAYMENTS_PROVIDER_MS", "15-45").split("-")]


def with_db(work):
    try:
        conn = shopsvc.connect(attempts=ATTEMPTS, backoff=0.3)
    except psycopg2.OperationalError as error:
        text, _ = shopsvc.describe_db_error(error)
        raise HttpError(503, f"database unavailable after {ATTEMPTS} attempts: {text}")
    try:
        with conn.cursor() as cur:
            return work(cur)
    finally:
        conn.close()


def charge(request):
    body = request["json"]
    amount = int(body.get("amount_cents", 0))
    time.sleep(random.uniform(*PROVIDER_MS) / 1000)  # the provider's authorisation round trip
    global _count
    with _count_lock:
        _count += 1
        timed_out = PROVIDER_TIMEOUT_EVERY > 0 and _count >= PROVIDER_TIMEOUT_FIRST and (
            (_count - PROVIDER_TIMEOUT_FIRST) % PROVIDER_TIMEOUT_EVERY == 0)
    if timed_out:
        log("warning", "provider: authorisation timed out", amount_cents=amount)
        raise HttpError(504, "card provider timed out")

    def work(cur):
        cur.execute("INSERT INTO payments (order_ref, amount_cents, status) VALUES (%s, %s, 'authorised') RETURNING id",
                    (body.get("customer", "?"), amount))
        return cur.fetchone()[0]

    return 201, {"payment_id": with_db(work)}


def healthz(request):
    def work(cur):
        cur.execute("SELECT 1")
        return cur.fetchone()[0]

    try:
        conn = shopsvc.connect()
    except psycopg2.OperationalError as error:
        return 503, {"service": "payments", "database": shopsvc.describe_db_error(error)[0]}
    try:
        with conn.cursor() as cur:
            work(cur)
    finally:
        conn.close()
    return 200, {"service": "payments", "instance": shopsvc.INSTANCE, "database": "ok"}


if __name__ == "__main__":
    # Errors exist as series from the start (at 0): a counter that first appears at 1 is invisible to rate().
    for code in ("503", "504"):
        shopsvc.REQUESTS.labels("/charge", "POST", code)
    shopsvc.serve([("POST", "/charge", charge), ("GET", "/healthz", healthz)])
