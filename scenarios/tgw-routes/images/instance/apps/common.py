"""What the shop's services share: listening on the instance's VPC address (and localhost, never the
management network), a one-line-per-request log in /var/log/shop, and JSON answers."""
import datetime
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INSTANCE_IP = os.environ['INSTANCE_IP']


def log(role, message):
    line = f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z {role}: {message}"
    print(line, flush=True)
    with open(f'/var/log/shop/{role}.log', 'a', encoding='utf-8') as handle:
        handle.write(line + '\n')


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, value):
        body = (json.dumps(value) + '\n').encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(handler, port):
    for address in (INSTANCE_IP, '127.0.0.1'):
        server = ThreadingHTTPServer((address, port), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sys.exit(0)
