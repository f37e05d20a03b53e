"""Rules of signing in: which ways are open, and what a verified ID token's claims say. No database."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from .models import SignInRefusal

NAV_IDENT = re.compile(r"^[A-Z]\d{6}\Z")
# A state older than this is refused: a sign-in at the provider takes minutes, not hours.
STATE_MAX_AGE_SECONDS = 15 * 60

# What the staff member reads when a sign-in is refused: what happened and what to do.
REFUSAL_MESSAGES = {
    SignInRefusal.STATE: _(
        "The sign-in could not be matched to this browser. It may have taken too long, been used already, "
        "or been started in another window. Start again from the sign-in page."
    ),
    SignInRefusal.NONCE: _(
        "The answer from the identity provider did not belong to this sign-in, so it was refused. "
        "Start again from the sign-in page."
    ),
    SignInRefusal.EXPIRED: _(
        "The sign-in from Microsoft Entra ID had expired when it reached this application. "
        "Check that your computer's clock is right, and sign in again."
    ),
    SignInRefusal.SIGNATURE: _(
        "The sign-in was not signed with a key of NAV's identity provider, so it was refused."
    ),
    SignInRefusal.TOKEN_INVALID: _(
        "The sign-in was not issued for this application by NAV's identity provider, so it was refused."
    ),
    SignInRefusal.PROVIDER_ERROR: _(
        "The sign-in with your NAV account could not be completed: the identity provider could not be reached "
        "or answered with an error. Try again in a moment. If it keeps failing, contact user support."
    ),
    SignInRefusal.CANCELLED: _(
        "The sign-in was cancelled or refused at Microsoft Entra ID. Start again from the sign-in page."
    ),
    SignInRefusal.MISSING_IDENT: _(
        "Your NAV account has no valid NAV ident, so you cannot sign in to this application. "
        "Contact user support."
    ),
    SignInRefusal.UNKNOWN_IDENT: _(
        "Your NAV account (NAV ident %(nav_ident)s) has no access to this application yet. "
        "Ask your unit's administrator to give you access, and tell them your NAV ident."
    ),
    SignInRefusal.INACTIVE: _(
        "Your access to this application (NAV ident %(nav_ident)s) has been deactivated. "
        "Ask your unit's administrator if you need it again."
    ),
    SignInRefusal.ACCOUNT_CONFLICT: _(
        "An account for your NAV ident %(nav_ident)s could not be created because of a conflict with "
        "another account. Ask an administrator for help."
    ),
    SignInRefusal.PASSWORD: _("Wrong username or password."),
    SignInRefusal.PASSWORD_DISABLED: _("Password sign-in is turned off. Sign in with your NAV account."),
}


class SignInRefused(Exception):
    """A sign-in that must not go through, with the reason the log records and the user is told."""

    def __init__(self, reason: SignInRefusal, *, nav_ident: str = "", detail: str = ""):
        super().__init__(reason)
        self.reason = SignInRefusal(reason)
        # Only a NAV ident from a verified token or an existing account; never a token.
        self.nav_ident = nav_ident
        # A short, non-secret detail for the log, e.g. the provider's error code.
        self.detail = detail

    @property
    def user_message(self) -> str:
        return str(REFUSAL_MESSAGES[self.reason]) % {"nav_ident": self.nav_ident or "–"}


def oidc_enabled() -> bool:
    """OpenID Connect sign-in is on when a client id is configured."""
    return bool(settings.OIDC_RP_CLIENT_ID)


def password_login_allowed() -> bool:
    """Passwords only for the demo and tests, or before any identity provider is configured."""
    return bool(settings.ALLOW_TEST_IDENTS) or not oidc_enabled()


def nav_ident_from_claims(claims: dict) -> str:
    """The NAV ident in the configured claim, upper-cased; refused if missing or malformed."""
    value = claims.get(settings.OIDC_NAV_IDENT_CLAIM)
    ident = value.strip().upper() if isinstance(value, str) else ""
    if not NAV_IDENT.match(ident):
        raise SignInRefused(SignInRefusal.MISSING_IDENT)
    return ident


def _text(claims: dict, name: str, limit: int) -> str:
    value = claims.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def profile_from_claims(claims: dict) -> dict[str, str]:
    """First name, last name and e-mail as the claims give them; a field the claims lack is left out.

    Entra gives ``given_name``/``family_name`` when asked for them, otherwise ``name``, which at NAV reads
    "Nordmann, Ola". The e-mail is ``email``, else the sign-in name (``preferred_username``) when it is one.
    """
    profile = {}
    first, last = _text(claims, "given_name", 150), _text(claims, "family_name", 150)
    if not (first or last):
        name = _text(claims, "name", 300)
        if "," in name:
            last, first = (part.strip() for part in name.split(",", 1))
        elif name:
            first, _space, last = name.rpartition(" ")
            if not first:
                first, last = last, ""
    if first or last:
        profile["first_name"], profile["last_name"] = first[:150], last[:150]
    for claim in ("email", "preferred_username"):
        email = _text(claims, claim, 254)
        try:
            validate_email(email)
        except ValidationError:
            continue
        profile["email"] = email
        break
    return profile


# Session keys: how the staff member signed in, and the ID token kept only as the provider's sign-out hint.
SESSION_METHOD_KEY = "signin_method"
SESSION_ID_TOKEN_KEY = "oidc_id_token"
