#!/usr/bin/env python3
"""app: the storefront upstream. Answers in milliseconds.

  :8080  storefront v2 (current)
  :8081  storefront v1, decommissioned after the v2 cutover (OPS-1187): still listening, read-only,
         serving a stale catalogue until the host is switched off. Nothing should point at it.
"""
import json
import os
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DELAY_MS = [float(x) for x in os.environ.get("APP_DELAY_MS", "5-20").split("-")]


def handler_for(version, stale):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = f"shop-app/{version}"

        def do_GET(self):
            if self.path == "/healthz":
                return self.reply(200, {"ok": True, "version": version})
            time.sleep(random.uniform(*DELAY_MS) / 1000)
            body = {"page": self.path, "version": version, "catalogue": "2024-11 (stale)" if stale else "live"}
            self.reply(200, body, {"X-App-Version": f"{version}{' (decommissioned)' if stale else ''}"})

        def reply(self, status, body, headers=None):
            data = (json.dumps(body) + "\n").encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    return Handler


def serve(port, handler):
    server = ThreadingHTTPServer(("0.0.0.0", port), handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    threading.Thread(target=serve, args=(8081, handler_for("v1.9.4", True)), daemon=True).start()
    serve(8080, handler_for("v2.3.0", False))
