"""The web service of this pack: GET /products reads the shop database as the `app` role (with psql, so the
image needs no driver); GET /health says whether the database answers it."""
import json
import os
import signal
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

ENV = dict(os.environ, PGHOST="db", PGUSER="app", PGPASSWORD="app-pw", PGDATABASE="shop", PGCONNECT_TIMEOUT="2")


def query(sql):
    result = subprocess.run(["psql", "-X", "-A", "-t", "-c", sql], env=ENV, capture_output=True, text=True, timeout=5)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "psql failed")
    return [line for line in result.stdout.splitlines() if line]


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = urlparse(self.path).path
        try:
            if path == "/health":
                query("SELECT 1")
                return self._send(200, {"status": "ok"})
            if path == "/products":
                return self._send(200, {"products": query("SELECT name FROM products ORDER BY id")})
        except Exception as error:  # the database refused us: say why, as a real service's log would
            print(f"database error: {error}", flush=True)
            return self._send(503, {"status": "database unavailable", "error": str(error)})
        if path == "/":
            return self._send(200, {"service": "web", "endpoints": ["/health", "/products"]})
        self._send(404, {"error": "not found"})

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
