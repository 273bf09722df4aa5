#!/usr/bin/env python3
"""inventory: reserves stock for checkout. No pool: one database connection per request, with retries.

  POST /reserve   {"sku", "qty"} -> 201 {"reserved"}
  GET  /healthz   opens a database connection and runs SELECT 1
"""
import os
import sys

sys.path.insert(0, "/opt/shop/lib")
import psycopg2  # noqa: E402

import shopsvc  # noqa: E402
from shopsvc import HttpError  # noqa: E402

ATTEMPTS = int(os.environ.get("INVENTORY_DB_ATTEMPTS", "4"))


def reserve(request):
    body = request["json"]
    sku, qty = body.get("sku", "SKU-0001"), int(body.get("qty", 1))
    try:
        conn = shopsvc.connect(attempts=ATTEMPTS, backoff=0.3)
    except psycopg2.OperationalError as error:
        raise HttpError(503, f"database unavailable after {ATTEMPTS} attempts: {shopsvc.describe_db_error(error)[0]}")
    try:
        with conn.cursor() as cur:
            cur.execute("UPDATE stock SET reserved = reserved + %s WHERE sku = %s AND on_hand - reserved >= %s RETURNING reserved",
                        (qty, sku, qty))
            row = cur.fetchone()
    finally:
        conn.close()
    if row is None:
        raise HttpError(409, f"{sku}: not enough stock")
    return 201, {"sku": sku, "reserved": qty}


def healthz(request):
    try:
        conn = shopsvc.connect()
    except psycopg2.OperationalError as error:
        return 503, {"service": "inventory", "database": shopsvc.describe_db_error(error)[0]}
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
    finally:
        conn.close()
    return 200, {"service": "inventory", "instance": shopsvc.INSTANCE, "database": "ok"}


if __name__ == "__main__":
    shopsvc.REQUESTS.labels("/reserve", "POST", "503")
    shopsvc.serve([("POST", "/reserve", reserve), ("GET", "/healthz", healthz)])
