"""The whole sign-in with a real OpenID Connect provider on the loopback (oidc-provider-mock), and its refusals.

Each refusal must answer with a clear Norwegian message, write one line in the sign-in log, and create no
session. The provider is driven over HTTP as a browser would; the app through Django's test client.
"""

import base64
import hashlib
import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from nav_sikkerhet.core import signin
from nav_sikkerhet.core.models import Role, SignInEvent, SignInLogEntry, SignInMethod, SignInRefusal, User

from ..factories import UserFactory, assign_role
from ..oidc_provider import CLIENT_ID, TestProvider, signed_by_another_key
from .oidc_helpers import LENE, authorize, callback, replace_query, sign_in, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def lene(unit):
    user = UserFactory(username="lene", nav_ident="Z990001", first_name="Lene", last_name="Gammelnavn",
                       email="gammel@nav.no")
    assign_role(user, unit, Role.ENHETSLEDER)
    return user


def nb(refusal: SignInRefusal, **params) -> str:
    with translation.override("nb"):
        return str(signin.REFUSAL_MESSAGES[refusal]) % {"nav_ident": params.get("nav_ident", "–")}


def assert_refused(response, client, reason: SignInRefusal, *, nav_ident: str = ""):
    """Refused in plain Norwegian, one log line with the reason, and nobody signed in."""
    assert response.status_code == 403
    content = response.content.decode()
    assert escape(nb(reason, nav_ident=nav_ident)) in content
    assert 'lang="nb"' in content
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:start")).status_code == 302
    entry = SignInLogEntry.objects.get()
    assert (entry.event, entry.method, entry.reason, entry.nav_ident) == (
        SignInEvent.REFUSED, SignInMethod.OIDC, reason, nav_ident
    )
    assert entry.user is None
    return entry


# --- the happy path ---------------------------------------------------------------------------

def test_staff_member_signs_in_and_lands_on_the_start_page_with_roles(
    client, oidc_settings, provider, lene, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="nav_sikkerhet.audit")

    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in(client, "lene")

    assert response.status_code == 302
    assert response["Location"] == reverse("core:start")
    assert int(client.session["_auth_user_id"]) == lene.pk
    page = client.get(reverse("core:start")).content.decode()
    assert "0314 NAV Sagene" in page and "Enhetsleder" in page

    entry = SignInLogEntry.objects.get()
    assert (entry.event, entry.method, entry.user, entry.nav_ident) == (
        SignInEvent.SIGN_IN, SignInMethod.OIDC, lene, "Z990001"
    )
    assert entry.source_ip == "127.0.0.1"
    assert entry.message == "Logget inn: NAV-konto (OpenID Connect)"
    cef = [record.getMessage() for record in caplog.records if record.name == "nav_sikkerhet.audit"]
    assert len(cef) == 1
    assert "|authentication:signin|Logget inn|INFO|suid=Z990001 " in cef[0]
    assert "outcome=success" in cef[0]
    # Neither the log line nor the sign-in log holds a token.
    id_token = client.session[signin.SESSION_ID_TOKEN_KEY]
    assert id_token.count(".") == 2
    assert id_token not in cef[0] and id_token.split(".")[1] not in cef[0]


def test_the_page_asked_for_is_where_the_sign_in_ends(client, oidc_settings, provider, lene):
    response = sign_in(client, "lene", next_url=reverse("core:access_report"))
    assert response["Location"] == reverse("core:access_report")


def test_authorization_code_flow_with_pkce_state_and_nonce(client, oidc_settings, provider, lene):
    sign_in(client, "lene")

    sent = provider.authorize_requests[-1]
    assert sent["response_type"] == "code"
    assert sent["client_id"] == CLIENT_ID
    assert sent["redirect_uri"] == "http://testserver/oidc/callback/"
    assert set(sent["scope"].split()) == {"openid", "profile", "email"}
    assert len(sent["state"]) >= 32 and len(sent["nonce"]) >= 32
    assert sent["code_challenge_method"] == "S256"
    verifier = provider.token_requests[-1]["code_verifier"]
    assert 43 <= len(verifier) <= 128
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert sent["code_challenge"] == challenge


def test_a_wrong_pkce_verifier_is_refused_by_the_provider(client, oidc_settings, provider, lene):
    # As if someone else had caught the code: they do not hold the verifier kept in this browser's session.
    back = authorize(start(client), "lene")
    session = client.session
    for entry in session["oidc_states"].values():
        entry["code_verifier"] = "x" * 64
    session.save()

    response = callback(client, back)

    entry = assert_refused(response, client, SignInRefusal.PROVIDER_ERROR)
    assert "token endpoint answered 400" in entry.message


def test_name_and_email_are_refreshed_from_the_claims_at_each_sign_in(client, oidc_settings, provider, lene):
    sign_in(client, "lene")

    lene.refresh_from_db()
    assert (lene.first_name, lene.last_name, lene.email) == ("Lene", "Leder", "lene.leder@nav.no")
    assert lene.username == "lene"  # the account is the same; only the profile follows Entra


def test_a_deactivated_session_user_is_not_let_back_in(client, oidc_settings, provider, lene):
    sign_in(client, "lene")
    User.objects.filter(pk=lene.pk).update(is_active=False)
    assert client.get(reverse("core:start")).status_code == 302


# --- matching on the NAV ident ----------------------------------------------------------------

def test_staff_are_matched_on_the_nav_ident_never_on_email(client, oidc_settings, provider, unit):
    # Someone else's account holds the e-mail address in the claims; the NAV ident names nobody.
    other = UserFactory(username="annen", nav_ident="Z123456", email=LENE["email"])
    assign_role(other, unit, Role.ENHETSLEDER)

    response = sign_in(client, "lene")

    assert_refused(response, client, SignInRefusal.UNKNOWN_IDENT, nav_ident="Z990001")
    assert "Z990001" in response.content.decode()


def test_unknown_nav_ident_is_refused_and_no_account_made(client, oidc_settings, provider):
    response = sign_in(client, "lene")

    assert_refused(response, client, SignInRefusal.UNKNOWN_IDENT, nav_ident="Z990001")
    assert not User.objects.filter(nav_ident="Z990001").exists()


def test_unknown_nav_ident_gets_an_account_without_roles_when_oidc_create_users_is_on(
    client, oidc_settings, provider, unit
):
    oidc_settings.OIDC_CREATE_USERS = True
    admin = UserFactory(username="arne", nav_ident="Z990009", first_name="Arne", last_name="Admin",
                        email="arne.admin@nav.no")
    assign_role(admin, unit, Role.ADMINISTRATOR)

    response = sign_in(client, "lene")

    assert response["Location"] == reverse("core:no_role")
    user = User.objects.get(nav_ident="Z990001")
    assert (user.username, user.first_name, user.last_name, user.email) == ("Z990001", "Lene", "Leder",
                                                                            "lene.leder@nav.no")
    assert not user.has_usable_password()
    assert not user.role_assignments.exists() and not user.is_staff and not user.is_superuser
    page = client.get(reverse("core:no_role")).content.decode()
    assert "Z990001" in page and "Arne Admin" in page and "arne.admin@nav.no" in page
    entry = SignInLogEntry.objects.get()
    assert entry.event == SignInEvent.SIGN_IN and "ny konto uten roller" in entry.message


def test_token_without_a_nav_ident_is_refused(client, oidc_settings, provider):
    requests.put(f"{provider.url}/users/uten-ident", json={"name": "Uten Ident", "email": "uten@nav.no"}, timeout=5)

    response = sign_in(client, "uten-ident")

    assert_refused(response, client, SignInRefusal.MISSING_IDENT)


def test_the_nav_ident_claim_is_configurable(client, oidc_settings, provider, lene):
    oidc_settings.OIDC_NAV_IDENT_CLAIM = "onpremisessamaccountname"
    requests.put(f"{provider.url}/users/lene2", json={"onpremisessamaccountname": "z990001"}, timeout=5)

    response = sign_in(client, "lene2")

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == lene.pk


def test_deactivated_account_is_refused(client, oidc_settings, provider, lene):
    User.objects.filter(pk=lene.pk).update(is_active=False)

    response = sign_in(client, "lene")

    assert_refused(response, client, SignInRefusal.INACTIVE, nav_ident="Z990001")


# --- what a provider or an attacker might send --------------------------------------------------

def test_wrong_state_is_refused(client, oidc_settings, provider, lene):
    back = authorize(start(client), "lene")

    response = callback(client, replace_query(back, state="forfalsket-state"))

    assert_refused(response, client, SignInRefusal.STATE)


def test_a_callback_is_used_once(client, oidc_settings, provider, lene):
    back = authorize(start(client), "lene")
    assert callback(client, back).status_code == 302
    client.post(reverse("logout"))

    response = callback(client, back)

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert SignInLogEntry.objects.filter(event=SignInEvent.REFUSED, reason=SignInRefusal.STATE).count() == 1


def test_a_state_older_than_fifteen_minutes_is_refused(client, oidc_settings, provider, lene):
    back = authorize(start(client), "lene")
    session = client.session
    for entry in session["oidc_states"].values():
        entry["added_on"] -= signin.STATE_MAX_AGE_SECONDS + 1
    session.save()

    response = callback(client, back)

    entry = assert_refused(response, client, SignInRefusal.STATE)
    assert "state too old" in entry.message


def test_a_signed_in_user_starting_again_goes_to_the_start_page(client, oidc_settings, provider, lene):
    sign_in(client, "lene")
    response = client.get(reverse("oidc_authentication_init"))
    assert response["Location"] == reverse("core:start")


def test_callback_in_another_browser_is_refused(client, oidc_settings, provider, lene, django_user_model):
    from django.test import Client

    back = authorize(start(client), "lene")

    other_browser = Client()
    response = callback(other_browser, back)

    assert response.status_code == 403
    assert "_auth_user_id" not in other_browser.session


def test_wrong_nonce_is_refused(client, oidc_settings, provider, lene):
    # The provider signs a token for another sign-in's nonce, as with a replayed or injected token.
    authorization_url = replace_query(start(client), nonce="en-annen-nonce-" + "x" * 20)

    response = callback(client, authorize(authorization_url, "lene"))

    assert_refused(response, client, SignInRefusal.NONCE)


@pytest.mark.parametrize(("age_past_expiry", "skew", "accepted"), [
    (30, 60, True),     # expired 30 s ago, within the 60 s allowed for clocks apart
    (120, 60, False),   # expired beyond it
    (30, 0, False),     # no leeway at all
])
def test_expired_token_is_refused_beyond_the_clock_skew(client, oidc_settings, lene, age_past_expiry, skew, accepted):
    oidc_settings.OIDC_CLOCK_SKEW_SECONDS = skew
    with TestProvider(users={"lene": LENE}, token_max_age=timedelta(seconds=-age_past_expiry)) as expired:
        for name, value in expired.settings().items():
            setattr(oidc_settings, name, value)
        response = sign_in(client, "lene")

    if accepted:
        assert response.status_code == 302
        assert int(client.session["_auth_user_id"]) == lene.pk
    else:
        assert_refused(response, client, SignInRefusal.EXPIRED)


def test_token_signed_by_another_key_is_refused(client, oidc_settings, provider, lene):
    provider.tamper = signed_by_another_key()

    response = sign_in(client, "lene")

    assert_refused(response, client, SignInRefusal.SIGNATURE)


def test_token_naming_a_key_the_provider_never_published_is_refused(client, oidc_settings, provider, lene):
    provider.tamper = signed_by_another_key(kid="angripers-nokkel")

    response = sign_in(client, "lene")

    assert_refused(response, client, SignInRefusal.SIGNATURE)


def test_token_from_another_issuer_is_refused(client, oidc_settings, provider, lene):
    oidc_settings.OIDC_OP_ISSUER = "https://login.microsoftonline.com/nav.no/v2.0"

    response = sign_in(client, "lene")

    entry = assert_refused(response, client, SignInRefusal.TOKEN_INVALID)
    assert "InvalidIssuerError" in entry.message


def test_token_for_another_application_is_refused(client, oidc_settings, provider, lene):
    # Signed by the provider for this user and this sign-in's nonce, but issued to another client id.
    authorization_url = start(client)
    nonce = parse_qs(urlparse(authorization_url).query)["nonce"][0]
    other = provider.id_token_for(client_id="en-annen-app", sub="lene", nonce=nonce)
    provider.tamper = lambda token_response: {**token_response, "id_token": other}

    response = callback(client, authorize(authorization_url, "lene"))

    entry = assert_refused(response, client, SignInRefusal.TOKEN_INVALID)
    assert "InvalidAudienceError" in entry.message


def test_sign_in_cancelled_at_the_provider_is_refused(client, oidc_settings, provider, lene):
    response = callback(client, authorize(start(client), "lene", deny=True))

    entry = assert_refused(response, client, SignInRefusal.CANCELLED)
    assert "access_denied" in entry.message


def test_unreachable_provider_gives_a_message_not_an_error(client, oidc_settings):
    oidc_settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"

    response = client.get(reverse("oidc_authentication_init"))

    assert_refused(response, client, SignInRefusal.PROVIDER_ERROR)


def test_a_refused_sign_in_leaves_no_trace_of_the_token(client, oidc_settings, provider, caplog):
    caplog.set_level(logging.INFO)
    sign_in(client, "lene")  # unknown NAV ident

    text = caplog.text + SignInLogEntry.objects.get().message
    assert "eyJ" not in text  # the start of every JWT


# --- signing out --------------------------------------------------------------------------------

def test_sign_out_ends_the_session_and_goes_on_to_the_providers_sign_out(client, oidc_settings, provider, lene):
    sign_in(client, "lene")
    id_token = client.session[signin.SESSION_ID_TOKEN_KEY]

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    end_session = response.context["provider_logout_url"]
    assert end_session.startswith(f"{provider.url}/oauth2/end_session?")
    assert f"id_token_hint={id_token}" in end_session
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Flogg-inn%2F" in end_session
    content = response.content.decode()
    assert '<meta http-equiv="refresh"' in content and "Du er logget ut" in content
    # The provider's own page ends its session and sends the browser back to the login page.
    confirm = requests.get(end_session.replace("&amp;", "&"), timeout=5)
    assert confirm.status_code == 200
    entry = SignInLogEntry.objects.filter(event=SignInEvent.SIGN_OUT).get()
    assert (entry.method, entry.user, entry.nav_ident) == (SignInMethod.OIDC, lene, "Z990001")


def test_sign_out_without_a_provider_sign_out_returns_to_the_login_page(client, oidc_settings, provider, lene):
    sign_in(client, "lene")
    oidc_settings.OIDC_OP_LOGOUT_ENDPOINT = ""
    oidc_settings.OIDC_DISCOVERY_URL = ""
    oidc_settings.OIDC_OP_ISSUER = provider.url
    oidc_settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.url}/oauth2/authorize"
    oidc_settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/oauth2/token"
    oidc_settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.url}/jwks"

    response = client.post(reverse("logout"))

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
