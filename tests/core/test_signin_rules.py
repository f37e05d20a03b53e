"""The pure sign-in rules: which ways in are open, and what the claims of a verified token say. No database."""

import pytest

from nav_sikkerhet.core import signin
from nav_sikkerhet.core.models import SignInRefusal
from nav_sikkerhet.core.signin import SignInRefused


@pytest.mark.parametrize(("client_id", "test_idents", "oidc", "passwords"), [
    ("", False, False, True),     # a first installation: passwords until a provider is configured
    ("", True, False, True),
    ("nav-sikkerhet", False, True, False),  # production
    ("nav-sikkerhet", True, True, True),    # demo and tests: both
])
def test_which_ways_in_are_open(settings, client_id, test_idents, oidc, passwords):
    settings.OIDC_RP_CLIENT_ID, settings.ALLOW_TEST_IDENTS = client_id, test_idents
    assert signin.oidc_enabled() is oidc
    assert signin.password_login_allowed() is passwords


@pytest.mark.parametrize(("claims", "expected"), [
    ({"NAVident": "Z990001"}, "Z990001"),
    ({"NAVident": " z990001 "}, "Z990001"),
])
def test_nav_ident_is_read_from_the_configured_claim(claims, expected):
    assert signin.nav_ident_from_claims(claims) == expected


@pytest.mark.parametrize("claims", [
    {}, {"NAVident": ""}, {"NAVident": None}, {"NAVident": 990001}, {"NAVident": "Z99000"},
    {"NAVident": "ZZ990001"}, {"NAVident": "Z9900011"}, {"navident": "Z990001"},
    {"email": "lene.leder@nav.no"},  # never the e-mail in its stead
])
def test_missing_or_malformed_nav_ident_is_refused(claims):
    with pytest.raises(SignInRefused) as refused:
        signin.nav_ident_from_claims(claims)
    assert refused.value.reason == SignInRefusal.MISSING_IDENT


def test_another_claim_can_carry_the_nav_ident(settings):
    settings.OIDC_NAV_IDENT_CLAIM = "onpremisessamaccountname"
    assert signin.nav_ident_from_claims({"onpremisessamaccountname": "A123456", "NAVident": "Z990001"}) == "A123456"


@pytest.mark.parametrize(("claims", "profile"), [
    ({"given_name": "Ola", "family_name": "Nordmann", "name": "Nordmann, Ola"},
     {"first_name": "Ola", "last_name": "Nordmann"}),
    ({"name": "Nordmann, Ola Kristian"}, {"first_name": "Ola Kristian", "last_name": "Nordmann"}),
    ({"name": "Ola Kristian Nordmann"}, {"first_name": "Ola Kristian", "last_name": "Nordmann"}),
    ({"name": "Ola"}, {"first_name": "Ola", "last_name": ""}),
    ({"email": "ola.nordmann@nav.no"}, {"email": "ola.nordmann@nav.no"}),
    ({"preferred_username": "ola.nordmann@nav.no"}, {"email": "ola.nordmann@nav.no"}),
    ({"email": "ikke-en-adresse", "preferred_username": "ola@nav.no"}, {"email": "ola@nav.no"}),
    ({"preferred_username": "Z990001"}, {}),
    ({"name": 12, "email": ["x"]}, {}),
])
def test_profile_from_claims(claims, profile):
    assert signin.profile_from_claims(claims) == profile


def test_refusal_messages_name_the_nav_ident_where_it_is_known():
    message = SignInRefused(SignInRefusal.UNKNOWN_IDENT, nav_ident="Z990001").user_message
    assert "Z990001" in message
    assert "–" in SignInRefused(SignInRefusal.UNKNOWN_IDENT).user_message


def test_every_refusal_has_a_message():
    assert set(signin.REFUSAL_MESSAGES) == set(SignInRefusal)
