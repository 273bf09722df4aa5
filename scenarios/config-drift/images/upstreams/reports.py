#!/usr/bin/env python3
"""reports: the report generator behind /reports/. Slow by nature, healthy all the same.

Every report is generated on request: REPORTS_MIN_S..REPORTS_MAX_S seconds (2.5-4 s). Every new
connection first costs a session handshake with the report store (REPORTS_HANDSHAKE_S, 0.3 s), which
is why clients keep connections open (nginx: `keepalive` in the upstream block).
"""
import json
import os
import random
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MIN_S = float(os.environ.get("REPORTS_MIN_S", "2.5"))
MAX_S = float(os.environ.get("REPORTS_MAX_S", "4.0"))
HANDSHAKE_S = float(os.environ.get("REPORTS_HANDSHAKE_S", "0.3"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "shop-reports/4.1"

    def setup(self):
        super().setup()
        time.sleep(HANDSHAKE_S)  # once per connection, not per request

    def do_GET(self):
        if self.path == "/healthz":
            return self.reply(200, {"ok": True})
        if not self.path.startswith("/reports/"):
            return self.reply(404, {"error": "no such report"})
        took = random.uniform(MIN_S, MAX_S)
        time.sleep(took)
        name = self.path[len("/reports/"):].split("?")[0] or "index"
        self.reply(200, {"report": name, "rows": random.randint(200, 5000), "generated_in_s": round(took, 2)})

    def reply(self, status, body):
        data = (json.dumps(body) + "\n").encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a proxy's read timeout): nothing to tell it

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("0.0.0.0", 8080), Handler)
    server.daemon_threads = True
    server.serve_forever()
