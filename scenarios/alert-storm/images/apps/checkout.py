#!/usr/bin/env python3
"""checkout: the shop's checkout API. One checkout reserves stock (inventory) and authorises the payment
(payments) in parallel, then places the order (orders-lb).

  POST /checkout   {"customer", "sku", "qty"} -> 201 {"order_id"}; 502 when a dependency fails
  GET  /healthz    200 while the process runs (checkout keeps no state of its own)
"""
import http.client
import json
import os
import random
import sys
import threading

sys.path.insert(0, "/opt/shop/lib")
import shopsvc  # noqa: E402
from shopsvc import HttpError  # noqa: E402

TIMEOUT = float(os.environ.get("CHECKOUT_TIMEOUT_S", "3"))
_local = threading.local()


def call(host, port, path, body):
    """POST JSON to a dependency on a kept-alive connection; returns (status, body)."""
    key = (host, port)
    conns = getattr(_local, "conns", None)
    if conns is None:
        conns = _local.conns = {}
    for attempt in (1, 2):  # a kept-alive connection the server closed: try once more on a new one
        conn = conns.get(key) or http.client.HTTPConnection(host, port, timeout=TIMEOUT)
        conns[key] = conn
        try:
            conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            try:
                payload = json.loads(data or b"{}")
            except ValueError:
                payload = {"error": data.decode(errors="replace")[:200]}
            return response.status, payload
        except (OSError, http.client.HTTPException) as error:
            conn.close()
            conns.pop(key, None)
            if attempt == 2 or not isinstance(error, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)):
                return 599, {"error": f"{type(error).__name__}: {error}"}
    return 599, {"error": "unreachable"}


def checkout(request):
    body = request["json"]
    customer = body.get("customer", "customer00001@example.com")
    sku = body.get("sku", "SKU-0001")
    qty = int(body.get("qty", 1))
    total = qty * random.randint(900, 9900)
    results = {}

    def run(name, host, port, path, payload):
        results[name] = call(host, port, path, payload)

    threads = [
        threading.Thread(target=run, args=("inventory", "inventory", 8080, "/reserve", {"sku": sku, "qty": qty})),
        threading.Thread(target=run, args=("payments", "payments", 8080, "/charge", {"customer": customer, "amount_cents": total})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in ("inventory", "payments"):
        status, payload = results[name]
        if status >= 300:
            raise HttpError(502, f"{name} answered {status}: {payload.get('error', payload)}")
    status, payload = call("orders-lb", 80, "/orders", {"customer": customer, "sku": sku, "qty": qty, "total_cents": total})
    if status >= 300:
        raise HttpError(502, f"orders answered {status}: {payload.get('error', payload)}")
    return 201, {"order_id": payload.get("id"), "total_cents": total}


def healthz(request):
    return 200, {"service": "checkout", "instance": shopsvc.INSTANCE, "version": shopsvc.VERSION}


if __name__ == "__main__":
    # Errors exist as series from the start (at 0): a counter that first appears at 1 is invisible to rate().
    shopsvc.REQUESTS.labels("/checkout", "POST", "502")
    shopsvc.serve([("POST", "/checkout", checkout), ("GET", "/healthz", healthz)])
