"""Journeys through login, the start page, language and logout in a real browser."""

import re

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from playwright.sync_api import expect

from nav_sikkerhet.core.models import Role

from .conftest import dangling_aria_references, login, url


def nb(text) -> str:
    """The bokmål rendering of a message, whether or not the catalogue translates it yet."""
    with translation.override("nb"):
        return str(text)


def test_leader_logs_in_and_sees_units_roles_and_access_report_link(page, live_server, grunerlokka_leader):
    response = login(page, live_server, "leder_grunerlokka")

    assert response.ok
    expect(page).to_have_url(url(live_server, "core:start"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    for role in ("banner", "main", "contentinfo"):
        expect(page.get_by_role(role)).to_have_count(1)
    # Two navigation landmarks, each named so a screen reader's list of landmarks tells them apart.
    expect(page.get_by_role("navigation")).to_have_count(2)
    expect(page.get_by_role("navigation", name=nb(gettext_lazy("Main menu")))).to_have_count(1)
    expect(page.get_by_role("navigation", name=nb(gettext_lazy("Language and account")))).to_have_count(1)
    expect(page.locator("header")).to_contain_text("L100315")
    assert dangling_aria_references(page) == []

    row = page.get_by_role("row").filter(has_text="0315 NAV Grünerløkka")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(nb(Role.ENHETSLEDER.label))

    report_link = page.locator(f'a[href="{reverse("core:access_report")}"]')
    expect(report_link).to_be_visible()
    report_link.click()
    expect(page).to_have_url(url(live_server, "core:access_report"))
    expect(page.locator("input[name=personident]")).to_be_visible()


def test_caseworker_has_no_access_report(page, live_server, make_staff, grunerlokka):
    make_staff(Role.SAKSBEHANDLER, grunerlokka, username="saksbehandler_grunerlokka")
    login(page, live_server, "saksbehandler_grunerlokka")

    expect(page).to_have_url(url(live_server, "core:start"))
    expect(page.get_by_role("row").filter(has_text="0315 NAV Grünerløkka")).to_contain_text(
        nb(Role.SAKSBEHANDLER.label)
    )
    expect(page.locator(f'a[href="{reverse("core:access_report")}"]')).to_have_count(0)

    response = page.goto(url(live_server, "core:access_report"))
    assert response.status == 404


def test_wrong_password_shows_error_and_stays_on_login(page, live_server, grunerlokka_leader):
    response = login(page, live_server, "leder_grunerlokka", password="feil-passord")

    assert response.status == 200
    expect(page).to_have_url(url(live_server, "login"))
    expect(page.get_by_role("alert")).to_be_visible()
    # Django's own message, translated by Django's catalogue.
    expect(page.get_by_role("alert")).to_contain_text(re.compile("passord", re.IGNORECASE))
    expect(page.locator("input[name=username]")).to_have_value("leder_grunerlokka")
    expect(page.locator("input[name=password]")).to_have_value("")
    expect(page.locator(f'form[action="{reverse("logout")}"]')).to_have_count(0)


def test_logout_returns_to_login(page, live_server, grunerlokka_leader):
    login(page, live_server, "leder_grunerlokka")
    expect(page).to_have_url(url(live_server, "core:start"))

    with page.expect_navigation():
        page.locator(f'form[action="{reverse("logout")}"] button').click()

    expect(page).to_have_url(url(live_server, "login"))
    expect(page.locator("input[name=username]")).to_be_visible()
    # The session is really gone: the start page sends us back to the login form.
    page.goto(url(live_server, "core:start"))
    expect(page).to_have_url(re.compile(re.escape(url(live_server, "login")) + r"\?next="))


def test_switching_language_to_english(page, live_server, grunerlokka_leader):
    login(page, live_server, "leder_grunerlokka")
    expect(page.locator("html")).to_have_attribute("lang", "nb")

    page.locator("#language-select").select_option("en")
    with page.expect_navigation():
        page.locator(f'form[action="{reverse("set_language")}"] button[type=submit]').click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(url(live_server, "core:start"))
    expect(page.locator("#language-select")).to_have_value("en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="0315 NAV Grünerløkka")).to_contain_text("Head of unit")


def test_tab_from_fresh_page_focuses_skip_link(page, live_server, grunerlokka_leader):
    # The login page autofocuses the username field (Django's AuthenticationForm), so the
    # skip link is checked on a freshly loaded start page, where nothing has focus yet.
    login(page, live_server, "leder_grunerlokka")
    page.goto(url(live_server, "core:start"))

    page.keyboard.press("Tab")

    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    expect(skip_link).to_have_attribute("href", "#main")
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_keyboard_only_login(page, live_server, grunerlokka_leader):
    # A fresh login page puts the cursor in the username field; Tab, typing and Enter suffice.
    page.goto(url(live_server, "login"))

    expect(page.locator("input[name=username]")).to_be_focused()
    page.keyboard.type("leder_grunerlokka")
    page.keyboard.press("Tab")
    expect(page.locator("input[name=password]")).to_be_focused()
    page.keyboard.type("demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url(url(live_server, "core:start"))
    expect(page.locator("header")).to_contain_text("L100315")
