"""Signing in with the NAV account in a real browser, through a real OpenID Connect provider on the loopback.

The provider is oidc-provider-mock (tests/oidc_provider.py), with PKCE enforced. Its pages link a stylesheet
on a CDN: every request that is not for the loopback is aborted, so the browser never leaves this machine.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from nav_sikkerhet.core import oidc
from nav_sikkerhet.core.models import Role, SignInEvent, SignInLogEntry, SignInMethod, SignInRefusal

from ..oidc_provider import TestProvider
from .conftest import dangling_aria_references, url

LOOPBACK = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/")


def nb(text) -> str:
    with translation.override("nb"):
        return str(text)


@pytest.fixture
def provider(settings):
    """The provider, with Lise Leder (NAV ident L100315) and a colleague the app does not know."""
    users = {
        "lise": {"NAVident": "L100315", "name": "Leder, Lise", "email": "lise.leder@nav.no"},
        "ukjent": {"NAVident": "Z999999", "name": "Ukjent, Una", "email": "una.ukjent@nav.no"},
    }
    oidc._discovery_cache.clear()
    with TestProvider(users=users) as running:
        for name, value in running.settings().items():
            setattr(settings, name, value)
        settings.ALLOW_TEST_IDENTS = False
        settings.OIDC_CREATE_USERS = False
        yield running
    oidc._discovery_cache.clear()


@pytest.fixture
def loopback_only(page):
    page.route(lambda address: not LOOPBACK.match(address), lambda route: route.abort())
    return page


def sign_in_at_the_provider(page, sub: str):
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_placeholder("sub").fill(sub)
    with page.expect_navigation(url=re.compile(r"^http://localhost:\d+/")):
        page.get_by_role("button", name="Authorize").click()


def test_leader_signs_in_with_the_nav_account_and_out_again(loopback_only, live_server, provider, grunerlokka_leader):
    page = loopback_only
    page.goto(url(live_server, "core:start"))

    # The login page offers the NAV account, and no password anywhere.
    expect(page).to_have_url(re.compile(re.escape(url(live_server, "login")) + r"\?next="))
    expect(page.locator("input[type=password]")).to_have_count(0)
    page.get_by_role("link", name="Logg inn med NAV-konto").click()

    expect(page).to_have_url(re.compile(re.escape(provider.url) + "/oauth2/authorize"))
    sign_in_at_the_provider(page, "lise")

    expect(page).to_have_url(url(live_server, "core:start"))
    expect(page.locator("header")).to_contain_text("L100315")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lise Leder")
    row = page.get_by_role("row").filter(has_text="0315 NAV Grünerløkka")
    expect(row).to_contain_text(nb(Role.ENHETSLEDER.label))
    assert dangling_aria_references(page) == []
    assert provider.authorize_requests[-1]["code_challenge_method"] == "S256"

    # Signing out ends the app's session, then the provider's, which sends the browser back to the login page.
    with page.expect_navigation(url=re.compile(re.escape(provider.url) + "/oauth2/end_session")):
        page.get_by_role("button", name="Logg ut").click()
    with page.expect_navigation(url=re.compile(re.escape(url(live_server, "login")))):
        page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("link", name="Logg inn med NAV-konto")).to_be_visible()
    page.goto(url(live_server, "core:start"))
    expect(page).to_have_url(re.compile(re.escape(url(live_server, "login")) + r"\?next="))

    events = list(SignInLogEntry.objects.order_by("id").values_list("event", "method", "nav_ident"))
    assert events == [(SignInEvent.SIGN_IN, SignInMethod.OIDC, "L100315"),
                      (SignInEvent.SIGN_OUT, SignInMethod.OIDC, "L100315")]


def test_unknown_nav_ident_is_refused_in_norwegian_and_the_admin_offers_no_password(
    loopback_only, live_server, provider, grunerlokka_leader
):
    page = loopback_only
    page.goto(url(live_server, "admin:index"))

    # The admin sends the visitor to the app's own login page: the NAV account, no password form.
    expect(page).to_have_url(re.compile(re.escape(url(live_server, "login")) + r"\?next=%2Fadmin%2F"))
    expect(page.locator("input[type=password]")).to_have_count(0)
    page.get_by_role("link", name="Logg inn med NAV-konto").click()
    sign_in_at_the_provider(page, "ukjent")

    expect(page.get_by_role("heading", level=1)).to_have_text("Innlogging avvist")
    expect(page.get_by_role("alert")).to_contain_text("NAV-kontoen din (NAV-ident Z999999) har ikke tilgang")
    expect(page.locator(f"header form[action='{reverse('logout')}']")).to_have_count(0)
    entry = SignInLogEntry.objects.get()
    assert (entry.event, entry.reason, entry.nav_ident) == (SignInEvent.REFUSED, SignInRefusal.UNKNOWN_IDENT,
                                                            "Z999999")
    page.get_by_role("link", name="Tilbake til innloggingssiden").click()
    expect(page).to_have_url(url(live_server, "login"))
