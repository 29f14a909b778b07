"""A local stand-in for a university's OpenID Connect provider, for tests only.

It runs on 127.0.0.1 in a thread and implements just what a relying party uses in the
authorization code flow: /authorize (logs in a preset person at once), /token (signed RS256
ID token carrying the nonce), /userinfo and /jwks.
"""

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class StandInProvider:
    def __init__(self, client_id: str, client_secret: str, person: dict):
        self.client_id, self.client_secret, self.person = client_id, client_secret, person
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {"nonce": query.get("nonce"), "redirect_uri": query["redirect_uri"]}
                    self.send_response(302)
                    params = urlencode({"code": code, "state": query["state"]})
                    self.send_header("Location", f"{query['redirect_uri']}?{params}")
                    self.end_headers()
                elif url.path == "/jwks":
                    pub = provider.key.public_key().public_numbers()
                    jwk = {
                        "kty": "RSA",
                        "kid": provider.kid,
                        "use": "sig",
                        "alg": "RS256",
                        "n": _b64(pub.n),
                        "e": _b64(pub.e),
                    }
                    self._json(200, {"keys": [jwk]})
                elif url.path == "/userinfo":
                    auth = self.headers.get("Authorization", "")
                    token = auth.removeprefix("Bearer ")
                    if token not in provider.tokens:
                        self._json(401, {"error": "invalid_token"})
                    else:
                        self._json(200, provider.person)
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path != "/token":
                    return self._json(404, {"error": "not_found"})
                grant = provider.codes.pop(form.get("code", ""), None)
                if grant is None or form.get("client_secret") != provider.client_secret:
                    return self._json(400, {"error": "invalid_grant"})
                now = int(time.time())
                claims = {
                    "iss": provider.url,
                    "aud": provider.client_id,
                    "iat": now,
                    "exp": now + 300,
                    "sub": provider.person["sub"],
                    "email": provider.person["email"],
                    "nonce": grant["nonce"],
                }
                id_token = jwt.encode(claims, provider.key, algorithm="RS256", headers={"kid": provider.kid})
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = claims
                return self._json(
                    200, {"access_token": access, "token_type": "Bearer", "id_token": id_token, "expires_in": 300}
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def settings(self) -> dict:
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "AUTHENTICATION_BACKENDS": [
                "microcred.accounts.backends.EmailBackend",
                "microcred.accounts.oidc.UniversityOIDCBackend",
            ],
        }
