"""A deliberately lax authorization server, for the audit tests: its metadata offers only the
plain PKCE method and unsigned ID tokens, its JWKS repeats a key id, and its token endpoint
answers without Cache-Control. For `audit --active`: its authorization endpoint signs anyone
in at once (no iss in the response); its token endpoint ignores the PKCE verifier, lets a code
be exchanged any number of times and never rotates a refresh token — but it does compare the
redirect_uri with the authorization request's. 127.0.0.1 only, a random port, printed as the
first stdout line.

For the https rule on URLs a document names, its metadata can name a jwks_uri elsewhere and a
registration_endpoint (which it does not serve).

usage: lax_as.py [--jwks-uri URL] [--registration-endpoint URL]
"""
import argparse
import http.server
import json
import secrets
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("--jwks-uri")
parser.add_argument("--registration-endpoint")
ARGS = parser.parse_args()

# code -> the redirect_uri of its authorization request
CODES = {}

KEY = {
    "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "k1", "e": "AQAB",
    "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw",
}


class Handler(http.server.BaseHTTPRequestHandler):
    def base(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def refuse(self, error):
        data = json.dumps({"error": error}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def authorize(self, query):
        params = dict(urllib.parse.parse_qsl(query))
        code = secrets.token_urlsafe(16)
        CODES[code] = params.get("redirect_uri", "")
        back = params.get("redirect_uri", "") + "?" + urllib.parse.urlencode(
            {"code": code, "state": params.get("state", "")})
        self.send_response(302)
        self.send_header("Location", back)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def token(self, form):
        grant = form.get("grant_type")
        if grant == "authorization_code":
            code = form.get("code", "")
            if code not in CODES or CODES[code] != form.get("redirect_uri"):
                return self.refuse("invalid_grant")
            # No verifier check, no one-time use.
            return self.answer({"access_token": "lax-" + secrets.token_urlsafe(8), "token_type": "Bearer",
                                "expires_in": 300, "refresh_token": "rt-" + code})
        if grant == "refresh_token":
            # The same refresh token, again and again.
            return self.answer({"access_token": "lax-" + secrets.token_urlsafe(8), "token_type": "Bearer",
                                "expires_in": 300, "refresh_token": form.get("refresh_token", "")})
        self.answer({"access_token": "lax-token", "token_type": "Bearer", "expires_in": 300})

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == "/authorize":
            self.authorize(query)
        elif self.path == "/.well-known/openid-configuration":
            base = self.base()
            metadata = {
                "issuer": base,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "jwks_uri": ARGS.jwks_uri or f"{base}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256", "none"],
                "code_challenge_methods_supported": ["plain"],
                "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            }
            if ARGS.registration_endpoint:
                metadata["registration_endpoint"] = ARGS.registration_endpoint
            self.answer(metadata)
        elif self.path == "/jwks":
            self.answer({"keys": [KEY, KEY]})
        else:
            self.send_response(404)
            self.end_headers()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if self.path == "/token":
            self.token(form)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
