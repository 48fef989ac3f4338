"""An attacker's server for the trust tests: it records every request it receives (method,
path, headers, body) and answers each with an OAuth error, so a client that sends it anything
is caught. GET /_log returns what it recorded (and is not recorded itself).

127.0.0.1 only, a random port, printed as the first stdout line.

usage: recorder.py
"""
import http.server
import json
import sys

LOG = []


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        LOG.append({
            "method": self.command,
            "path": self.path,
            "headers": dict(self.headers.items()),
            "body": body,
        })
        self.answer(400, {"error": "invalid_request", "error_description": "recorded"})

    def do_GET(self):
        if self.path == "/_log":
            self.answer(200, LOG)
        else:
            self.record()

    def do_POST(self):
        self.record()


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
