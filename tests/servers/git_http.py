"""git over HTTP (`git http-backend`) behind a token check, for the git credential-helper
test: a request without credentials gets 401 with a Basic challenge; one with
`Authorization: Bearer <token>` or Basic with the token as password is served when the token
is the one in TOKEN_FILE (re-read on every request, so the test can rotate it). Every token
it was shown is appended to LOG. 127.0.0.1 only, a random port, printed first on stdout.

usage: git_http.py PROJECT_ROOT TOKEN_FILE LOG
"""
import base64
import http.server
import os
import subprocess
import sys

root, token_file, log = sys.argv[1:4]


def presented_token(header):
    if header.startswith("Bearer "):
        return header[len("Bearer "):]
    if header.startswith("Basic "):
        try:
            _, _, password = base64.b64decode(header[len("Basic "):]).decode().partition(":")
            return password
        except Exception:
            return None
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    def handle_git(self):
        token = presented_token(self.headers.get("Authorization", ""))
        if token:
            with open(log, "a") as f:
                f.write(token + "\n")
        with open(token_file) as f:
            expected = f.read().strip()
        if token != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        env = dict(os.environ,
                   GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                   QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_USER="tester",
                   CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=str(len(body)))
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        status = 200
        headers = []
        for line in head.split(b"\r\n"):
            name, _, value = line.decode().partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = handle_git
    do_POST = handle_git

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
