"""A minimal OpenID Connect provider over real HTTP, standing in for a city's eID/itsme broker."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class FakeOIDCProvider:
    def __init__(self, client_id: str, client_secret: str, claims: dict):
        self.client_id, self.client_secret, self.claims = client_id, client_secret, claims
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.token_requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def id_token(self) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "aud": self.client_id, "iat": now, "exp": now + 300, **self.claims}
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "test"})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urlparse(self.path).path
                if path == "/.well-known/openid-configuration":
                    return self._json(provider.discovery())
                if path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self._json({"keys": [jwk | {"kid": "test", "use": "sig", "alg": "RS256"}]})
                if path == "/userinfo":
                    if self.headers.get("Authorization") != "Bearer access-123":
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json(provider.claims)
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                provider.token_requests.append(form)
                valid = (form.get("client_id"), form.get("client_secret"), form.get("code")) == (
                    provider.client_id, provider.client_secret, "code-from-idp")
                if urlparse(self.path).path != "/token" or not valid:
                    return self._json({"error": "invalid_grant"}, 400)
                return self._json({"access_token": "access-123", "token_type": "Bearer", "expires_in": 300,
                                   "id_token": provider.id_token()})

        return Handler
