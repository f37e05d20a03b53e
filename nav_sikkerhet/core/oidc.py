"""OpenID Connect with NAV's Microsoft Entra ID, through mozilla-django-oidc: the provider and the backends.

The library does the authorization code flow with PKCE, the state and nonce bookkeeping, the token exchange
and the JWKS look-up. This module adds what it leaves out: the endpoints from the discovery document, ID
token checks of issuer, audience and expiry with a bounded clock skew, matching staff on the NAV ident
claim, and refusals with a reason instead of a bare failure.
"""

import hmac
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import services, signin
from .models import SignInRefusal
from .signin import SignInRefused

ALGORITHM = "RS256"
DISCOVERY_TTL_SECONDS = 60 * 60


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read, or lacks an endpoint the sign-in needs."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str


_discovery_cache: dict[str, tuple[float, dict]] = {}
_discovery_lock = threading.Lock()


def _discovery_document(url: str) -> dict:
    with _discovery_lock:
        cached = _discovery_cache.get(url)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery document unavailable: {type(error).__name__}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable("discovery document is not a JSON object")
    with _discovery_lock:
        _discovery_cache[url] = (time.monotonic() + DISCOVERY_TTL_SECONDS, document)
    return document


def provider() -> Provider:
    """The provider's endpoints: each OIDC_OP_* setting, else the discovery document (cached for an hour)."""
    document = _discovery_document(settings.OIDC_DISCOVERY_URL) if settings.OIDC_DISCOVERY_URL else {}

    def pick(setting: str, key: str) -> str:
        value = getattr(settings, setting) or document.get(key) or ""
        return value if isinstance(value, str) else ""

    found = Provider(
        issuer=pick("OIDC_OP_ISSUER", "issuer"),
        authorization_endpoint=pick("OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
        token_endpoint=pick("OIDC_OP_TOKEN_ENDPOINT", "token_endpoint"),
        jwks_uri=pick("OIDC_OP_JWKS_ENDPOINT", "jwks_uri"),
        end_session_endpoint=pick("OIDC_OP_LOGOUT_ENDPOINT", "end_session_endpoint"),
    )
    missing = [name for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
               if not getattr(found, name)]
    if missing:
        raise ProviderUnavailable(f"no {', '.join(missing)} configured or discovered")
    return found


def provider_logout_url(*, id_token: str, post_logout_redirect_uri: str) -> str:
    """Where to end the provider's session (RP-initiated logout), or "" if the provider offers none."""
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnavailable:
        return ""
    if not endpoint:
        return ""
    params = {"client_id": settings.OIDC_RP_CLIENT_ID, "post_logout_redirect_uri": post_logout_redirect_uri}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


class PasswordLoginGate:
    """Refuses every password while only OIDC sign-in is allowed, whichever form or client sent it.

    Listed before ModelBackend. Raising PermissionDenied stops Django's authenticate() there, and axes
    counts it as a failed attempt. It has no get_user, so it is never a session's backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password is not None and not signin.password_login_allowed():
            raise PermissionDenied
        return None


class NavIdentOIDCBackend(OIDCAuthenticationBackend):
    """Signs in from the OIDC callback only: a verified RS256 ID token whose NAV ident names a staff member.

    Every failure is raised as SignInRefused with its reason; the callback view logs it and tells the user.
    Permissions are left to ModelBackend and guardian, so this backend answers no permission question.
    """

    def __init__(self, *args, **kwargs):
        # The library reads the endpoints here; this backend reads them at sign-in, since discovery needs
        # the network and the app must start (and answer password logins) without the provider.
        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_USER_ENDPOINT = None

    def authenticate(self, request, oidc_callback=False, **kwargs):
        if not oidc_callback or request is None or not signin.oidc_enabled():
            return None
        try:
            self.provider = provider()
        except ProviderUnavailable as error:
            raise SignInRefused(SignInRefusal.PROVIDER_ERROR, detail=str(error)) from error
        self.OIDC_OP_TOKEN_ENDPOINT = self.provider.token_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = self.provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as error:
            # The token endpoint refused the code (e.g. a wrong PKCE verifier) or failed.
            status = error.response.status_code if error.response is not None else "?"
            raise SignInRefused(SignInRefusal.PROVIDER_ERROR, detail=f"token endpoint answered {status}") from error
        except requests.RequestException as error:
            raise SignInRefused(SignInRefusal.PROVIDER_ERROR, detail=type(error).__name__) from error

    def verify_token(self, token, **kwargs):
        """The ID token's claims, once its RS256 signature, issuer, audience, times and nonce all hold."""
        nonce = kwargs.get("nonce")
        if not isinstance(token, str) or not token:
            raise SignInRefused(SignInRefusal.TOKEN_INVALID, detail="no id_token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise SignInRefused(SignInRefusal.TOKEN_INVALID, detail="malformed id_token") from error
        if header.get("alg") != ALGORITHM:
            raise SignInRefused(SignInRefusal.SIGNATURE, detail=f"alg {str(header.get('alg'))[:10]}")
        try:
            key = self.retrieve_matching_jwk(token)
        except requests.RequestException as error:
            raise SignInRefused(SignInRefusal.PROVIDER_ERROR, detail="JWKS unavailable") from error
        except (SuspiciousOperation, KeyError, jwt.PyJWKError) as error:
            raise SignInRefused(SignInRefusal.SIGNATURE, detail="no matching key in the provider's JWKS") from error
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise SignInRefused(SignInRefusal.EXPIRED) from error
        except jwt.InvalidSignatureError as error:
            raise SignInRefused(SignInRefusal.SIGNATURE) from error
        except jwt.PyJWTError as error:
            raise SignInRefused(SignInRefusal.TOKEN_INVALID, detail=type(error).__name__) from error
        token_nonce = claims.get("nonce")
        if not nonce or not isinstance(token_nonce, str) or not hmac.compare_digest(token_nonce, nonce):
            raise SignInRefused(SignInRefusal.NONCE)
        return claims

    def retrieve_matching_jwk(self, token):
        """The provider's RS256 signing key that the token names by ``kid``, or its only one if it names none.

        The library insists on a ``kid``; OpenID Connect Core (10.1) requires one only when the JWKS holds
        several keys, as Entra's does (and Entra always sends it).
        """
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT, verify=self.get_settings("OIDC_VERIFY_SSL", True)
        )
        response.raise_for_status()
        document = response.json()
        keys = document.get("keys") if isinstance(document, dict) else None
        keys = [
            key for key in keys or []
            if isinstance(key, dict) and key.get("kty") == "RSA" and key.get("use", "sig") == "sig"
            and key.get("alg", ALGORITHM) == ALGORITHM
        ]
        kid = jwt.get_unverified_header(token).get("kid")
        if kid is not None:
            keys = [key for key in keys if key.get("kid") == kid]
        if len(keys) != 1:
            raise SuspiciousOperation("No single signing key in the provider's JWKS matches the token.")
        return jwt.PyJWK(keys[0], algorithm=ALGORITHM)

    def get_userinfo(self, access_token, id_token, payload):
        # Entra carries NAVident in the ID token only (its userinfo endpoint answers from Microsoft Graph).
        return payload

    def store_tokens(self, access_token, id_token):
        # Nothing goes in the session here: login() may flush it. get_or_create_user hands the ID token to the
        # callback view, which keeps it (as the provider's sign-out hint only) after login().
        pass

    def get_or_create_user(self, access_token, id_token, payload):
        user = services.staff_sign_in(claims=payload)
        user.oidc_id_token = id_token
        return user

    def get_user(self, user_id):
        # The library's get_user skips the is_active check that ModelBackend makes.
        return super(OIDCAuthenticationBackend, self).get_user(user_id)

    # Permissions come from ModelBackend and guardian; answering here too would only repeat their queries.
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False
