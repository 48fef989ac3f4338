"""A tiny HTTPS API that wants a bearer token, for the kubectl test: it answers 200 "ok" to any
GET that carries `Authorization: Bearer <token>`, 401 otherwise, and appends every token it
was shown to a log file. 127.0.0.1 only, a random port, printed as the first stdout line.

usage: bearer_https.py CERT.pem KEY.pem LOG
"""
import http.server
import ssl
import sys

cert, key, log = sys.argv[1:4]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and len(auth) > len("Bearer "):
            with open(log, "a") as f:
                f.write(auth[len("Bearer "):] + "\n")
            body = b"ok"
            self.send_response(200)
        else:
            body = b'{"kind":"Status","status":"Failure","code":401}'
            self.send_response(401)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
