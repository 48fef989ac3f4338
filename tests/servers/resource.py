"""A small protected resource (an API) for the from-a-URL tests: it serves its RFC 9728
metadata and checks bearer tokens by introspection (RFC 7662) at the test OP.

  GET /.well-known/oauth-protected-resource/api   the metadata: resource http://127.0.0.1:PORT/api,
                                                  the OP as its authorization server, scope api:read
  GET /api/...   200 {"ok": true, "sub": ..., "path": ...} for a token the OP says is active and
                 meant for this resource (aud); else 401 with
                 WWW-Authenticate: Bearer resource_metadata="<the metadata URL>"
                 (and error="invalid_token" when a token was given)
  GET /quiet/... 401 without resource_metadata (clients must find the well-known URL)
  GET /.well-known/oauth-protected-resource/quiet  the same metadata, resource .../quiet

127.0.0.1 only, a random port, printed as the first stdout line.

usage: resource.py ISSUER INTROSPECTION_CLIENT INTROSPECTION_SECRET
"""
import base64
import http.server
import json
import sys
import urllib.parse
import urllib.request

issuer, client, secret = sys.argv[1:4]
WELL_KNOWN = "/.well-known/oauth-protected-resource"


def introspect(token):
    body = urllib.parse.urlencode({"token": token}).encode()
    request = urllib.request.Request(f"{issuer}/token/introspection", data=body, method="POST")
    basic = base64.b64encode(f"{client}:{secret}".encode()).decode()
    request.add_header("Authorization", f"Basic {basic}")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


class Handler(http.server.BaseHTTPRequestHandler):
    def base(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        for area in ("api", "quiet"):
            if path == f"{WELL_KNOWN}/{area}":
                self.answer(200, {
                    "resource": f"{self.base()}/{area}",
                    "authorization_servers": [issuer],
                    "scopes_supported": ["api:read"],
                    "resource_name": "Test API",
                    "bearer_methods_supported": ["header"],
                })
                return
        area = path.split("/")[1] if path.count("/") >= 1 else ""
        if area not in ("api", "quiet"):
            self.answer(404, {"error": "not_found"})
            return
        resource = f"{self.base()}/{area}"
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        if token:
            info = introspect(token)
            aud = info.get("aud")
            audiences = aud if isinstance(aud, list) else [aud]
            if info.get("active") and resource in audiences:
                self.answer(200, {"ok": True, "sub": info.get("sub"), "path": path})
                return
        challenge = "Bearer"
        if area == "api":
            challenge += f' resource_metadata="{self.base()}{WELL_KNOWN}/api"'
        if token:
            challenge += ', error="invalid_token"' if area == "api" else ' error="invalid_token"'
        self.answer(401, {"error": "unauthorized"}, [("WWW-Authenticate", challenge)])

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
