#!/usr/bin/env python3
"""pager: the on-call phone. Alertmanager's webhook receiver; it records every notification it gets.

A page is a notification whose status is "firing" (that is what wakes someone up); "resolved"
notifications are recorded too but do not count as pages.

  POST /webhook              Alertmanager webhook (payload version 4)
  GET  /                     the phone's screen, as text: one line per notification
  GET  /api/pages            JSON: pages, notifications, resolved, by_alertname (pages that carried the
                             alert firing), recent (last 100 notifications), marks
  GET  /api/pages/all        JSON: every notification
  POST /api/marks/<name>     starts counting again from now under <name> (marks.<name>.pages, ...)
  GET  /metrics              pager_pages_total, pager_notifications_total{status},
                             pager_alert_pages_total{alertname}
"""
import collections
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PAGER_PORT", "9095"))
LOG = os.environ.get("PAGER_LOG", "/var/lib/firedrill/pager/notifications.jsonl")

lock = threading.Lock()
notifications = []
marks = {}  # name -> index into notifications and wall time


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def summarise(items):
    pages = [n for n in items if n["status"] == "firing"]
    by_alertname = collections.Counter()
    for n in pages:
        for name in sorted({a["alertname"] for a in n["alerts"] if a["status"] == "firing"}):
            by_alertname[name] += 1
    return {"pages": len(pages), "notifications": len(items), "resolved": len(items) - len(pages),
            "by_alertname": dict(sorted(by_alertname.items()))}


def record(payload):
    alerts = [{"alertname": a.get("labels", {}).get("alertname", "?"), "status": a.get("status", "?"),
               "labels": a.get("labels", {}), "startsAt": a.get("startsAt"), "fingerprint": a.get("fingerprint")}
              for a in payload.get("alerts", [])]
    with lock:
        item = {"seq": len(notifications) + 1, "at": iso(time.time()), "status": payload.get("status", "?"),
                "receiver": payload.get("receiver"), "groupKey": payload.get("groupKey"),
                "groupLabels": payload.get("groupLabels", {}), "alerts": alerts}
        notifications.append(item)
    try:
        os.makedirs(os.path.dirname(LOG), exist_ok=True)
        with open(LOG, "a") as f:
            f.write(json.dumps(item) + "\n")
    except OSError:
        pass
    firing = [a["alertname"] for a in alerts if a["status"] == "firing"]
    kind = "PAGE" if item["status"] == "firing" else "resolved"
    print(f'{item["at"]} #{item["seq"]} {kind} {item["receiver"]} {", ".join(firing) or "-"}', flush=True)
    return item


def phone_screen():
    lines = []
    with lock:
        items = list(notifications)
    summary = summarise(items)
    lines.append(f'on-call phone: {summary["pages"]} page(s), {summary["resolved"]} resolved notification(s)')
    for n in items[-200:]:
        firing = sorted({a["alertname"] for a in n["alerts"] if a["status"] == "firing"})
        resolved = sorted({a["alertname"] for a in n["alerts"] if a["status"] == "resolved"})
        what = ", ".join(firing) if n["status"] == "firing" else ", ".join(resolved)
        lines.append(f'{n["at"]}  #{n["seq"]:<4} {"PAGE    " if n["status"] == "firing" else "resolved"}  {what}')
    return "\n".join(lines) + "\n"


def pages_json(everything=False):
    with lock:
        items = list(notifications)
        current = dict(marks)
    body = {**summarise(items), "marks": {}}
    for name, mark in current.items():
        body["marks"][name] = {"at": iso(mark["time"]), **summarise(items[mark["index"]:])}
    body["recent" if not everything else "all"] = items if everything else items[-100:]
    return body


def metrics():
    with lock:
        items = list(notifications)
    summary = summarise(items)
    out = ["# HELP pager_pages_total Pages sent to the on-call phone (firing notifications).",
           "# TYPE pager_pages_total counter", f'pager_pages_total {summary["pages"]}',
           "# HELP pager_notifications_total Notifications received from Alertmanager.",
           "# TYPE pager_notifications_total counter",
           f'pager_notifications_total{{status="firing"}} {summary["pages"]}',
           f'pager_notifications_total{{status="resolved"}} {summary["resolved"]}',
           "# HELP pager_alert_pages_total Pages that carried this alert firing.",
           "# TYPE pager_alert_pages_total counter"]
    out += [f'pager_alert_pages_total{{alertname="{k}"}} {v}' for k, v in summary["by_alertname"].items()]
    return "\n".join(out) + "\n"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/":
            self.send(200, phone_screen(), "text/plain; charset=utf-8")
        elif path == "/api/pages":
            self.send(200, pages_json())
        elif path == "/api/pages/all":
            self.send(200, pages_json(everything=True))
        elif path == "/metrics":
            self.send(200, metrics(), "text/plain; version=0.0.4")
        elif path == "/healthz":
            self.send(200, "ok\n", "text/plain")
        else:
            self.send(404, {"error": "not found"})

    def do_POST(self):
        path = self.path.split("?")[0]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path == "/webhook":
            try:
                item = record(json.loads(raw))
            except ValueError:
                self.send(400, {"error": "not JSON"})
                return
            self.send(200, {"seq": item["seq"]})
        elif path.startswith("/api/marks/") and len(path) > len("/api/marks/"):
            name = path[len("/api/marks/"):]
            with lock:
                marks[name] = {"index": len(notifications), "time": time.time()}
            self.send(200, {"mark": name, "at": iso(marks[name]["time"])})
        else:
            self.send(404, {"error": "not found"})


if __name__ == "__main__":
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    server.daemon_threads = True
    print(f"pager: listening on :{PORT}", flush=True)
    server.serve_forever()
