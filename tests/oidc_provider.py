"""A real OpenID Connect provider on the loopback for the tests: oidc-provider-mock, served from a thread.

The mock issues RS256 ID tokens from its own key, with any claims we give a user (NAVident too), and has a
sign-in page a browser can fill in. It does not check PKCE, so this harness does, as Entra ID does: it
remembers each code's S256 challenge and refuses a token request whose code_verifier does not match. It can
also tamper with the token response, to test that the app refuses what a real provider would never send.
"""

import base64
import hashlib
import io
import json
import os
import threading
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import jwt
import werkzeug.serving
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.wrappers import Request, Response

# The mock refuses plain HTTP unless told otherwise; it only ever listens on 127.0.0.1 here.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

import oidc_provider_mock  # noqa: E402

CLIENT_ID = "nav-sikkerhet-test"
CLIENT_SECRET = "test-secret"


class _QuietHandler(werkzeug.serving.WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


class TestProvider:
    """oidc-provider-mock on 127.0.0.1 with PKCE enforced; use as a context manager."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, *, users: dict[str, dict] | None = None, token_max_age: timedelta = timedelta(minutes=5)):
        self._app = oidc_provider_mock.app(
            user_claims=[oidc_provider_mock.User(sub=sub, claims=claims) for sub, claims in (users or {}).items()],
            access_token_max_age=token_max_age,
            require_nonce=True,
        )
        self._challenges: dict[str, tuple[str | None, str | None]] = {}
        self._lock = threading.Lock()
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.tamper: Callable[[dict], dict] | None = None
        self._server = None
        self._thread = None

    # --- serving --------------------------------------------------------------------------

    def __enter__(self):
        self._server = werkzeug.serving.make_server(
            "127.0.0.1", 0, self, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def settings(self, **overrides) -> dict:
        """The app's settings for this provider, found through its discovery document."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_DISCOVERY_URL": f"{self.url}/.well-known/openid-configuration",
            **overrides,
        }

    def id_token_for(self, *, client_id: str, sub: str, nonce: str) -> str:
        """An ID token the provider issues to another application (another client id) for the same user."""
        import requests

        redirect_uri = "http://127.0.0.1:1/callback"
        params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
                  "scope": "openid profile email", "state": "annen", "nonce": nonce}
        answer = requests.post(f"{self.url}/oauth2/authorize", params=params, data={"sub": sub},
                               allow_redirects=False, timeout=10)
        code = parse_qs(urlparse(answer.headers["Location"]).query)["code"][0]
        token = requests.post(f"{self.url}/oauth2/token", timeout=10, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": client_id, "client_secret": "annen",
        })
        return token.json()["id_token"]

    # --- the WSGI app: the mock, with PKCE checked and the token response open to tampering ----

    def __call__(self, environ, start_response):
        request = Request(environ, populate_request=False)
        if request.path == "/oauth2/token" and request.method == "POST":
            return self._token(request, environ)(environ, start_response)
        if request.path == "/oauth2/authorize":
            params = request.args.to_dict()
            self.authorize_requests.append(params)
            response = Response.from_app(self._app, environ)
            code = parse_qs(urlparse(response.headers.get("Location", "")).query).get("code")
            if code:
                with self._lock:
                    self._challenges[code[0]] = (params.get("code_challenge"), params.get("code_challenge_method"))
            return response(environ, start_response)
        return self._app(environ, start_response)

    def _token(self, request, environ) -> Response:
        body = request.get_data()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        self.token_requests.append(form)
        with self._lock:
            challenge, method = self._challenges.pop(form.get("code", ""), (None, None))
        if challenge is not None:
            verifier = form.get("code_verifier", "")
            if method != "S256" or not verifier or _s256(verifier) != challenge:
                return Response(
                    json.dumps({"error": "invalid_grant", "error_description": "PKCE verification failed"}),
                    status=400, content_type="application/json",
                )
        response = Response.from_app(self._app, environ)
        if self.tamper is not None and response.status_code == 200:
            response.set_data(json.dumps(self.tamper(json.loads(response.get_data()))))
        return response


def _other_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def signed_by_another_key(*, kid: str | None = None) -> Callable[[dict], dict]:
    """A tamper that re-signs the ID token, claims unchanged, with a key the provider never published."""
    pem = _other_key_pem()

    def tamper(token_response: dict) -> dict:
        claims = jwt.decode(token_response["id_token"], options={"verify_signature": False})
        headers = {"kid": kid} if kid else None
        return {**token_response, "id_token": jwt.encode(claims, pem, algorithm="RS256", headers=headers)}

    return tamper
