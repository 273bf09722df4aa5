"""The web service of this pack: GET /checkout calls a (simulated) upstream within a timeout read from
its live configuration; GET /config shows that configuration and POST /config?key=value changes it.
The fault sets a timeout nothing can meet; a restart (operation restart-web) restores the defaults."""
import json
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

DEFAULTS = {"upstream_timeout_ms": 2000}
UPSTREAM_MS = 20
config = dict(DEFAULTS)


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
        if path == "/checkout":
            timeout = config["upstream_timeout_ms"]
            if timeout < UPSTREAM_MS:
                print(f"checkout: upstream timed out after {timeout} ms", flush=True)
                return self._send(504, {"error": f"upstream timed out after {timeout} ms"})
            time.sleep(UPSTREAM_MS / 1000)
            return self._send(200, {"status": "ok"})
        if path == "/config":
            return self._send(200, config)
        if path == "/":
            return self._send(200, {"service": "web", "endpoints": ["/checkout", "/config", "POST /config?key=value"]})
        self._send(404, {"error": "not found"})

    def do_POST(self):
        url = urlparse(self.path)
        if url.path != "/config":
            return self._send(404, {"error": "not found"})
        for key, values in parse_qs(url.query).items():
            if key not in config:
                return self._send(400, {"error": f"unknown setting {key}"})
            try:
                config[key] = int(values[0])
            except ValueError:
                return self._send(400, {"error": f"{key} takes a whole number"})
        print(f"config changed: {config}", flush=True)
        self._send(200, config)

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    # PID 1 ignores SIGTERM without a handler: exit at once so a restart takes a moment, not 10 s.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
