"""Reception (`mottak`) looks up the demo citizen with an active exclusion, acknowledges the alert, reports a breach."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from nav_sikkerhet.core.identity import is_valid_personident
from utestenging.models import Breach, Decision, DecisionEvent, EventKind, Kind, Status

from .conftest import DEFAULT_TIMEOUT_MS, LOCALE, TIMEZONE, dangling_aria_references, login, url

INSTRUCTION = "Be personen forlate lokalet. Nekter personen, ring politiet."


def nb(message: str) -> str:
    with translation.override("nb"):
        return gettext(message)


@pytest.fixture
def demo(transactional_db):
    call_command("demo_data", stdout=io.StringIO())


@pytest.fixture
def excluded(demo):
    """The demo decision excluding a citizen from NAV Grünerløkka (0315), where `mottak` works."""
    decision = (
        Decision.objects.filter(kind=Kind.FYUS, status=Status.ACTIVE, covered_units__number="0315")
        .select_related("citizen")
        .first()
    )
    assert decision is not None, "the demo data should have an active exclusion covering 0315"
    return decision


def _no_identity_number(urls):
    for address in urls:
        assert not [n for n in re.findall(r"(?<!\d)\d{11}(?!\d)", address)
                    if is_valid_personident(n, allow_test_idents=True)], address


def test_reception_acknowledges_the_alert_and_registers_a_breach(page, live_server, excluded):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    login(page, live_server, "mottak")

    page.locator('a[href="/mottak/"]').first.click()
    expect(page).to_have_url(url(live_server, "mottak:search"))
    page.locator("input[name=personident]").fill(excluded.citizen.personident)
    with page.expect_navigation():
        page.locator("button[name=search_ident]").click()

    # The interrupting alert: focused, modal, and the answer behind it hidden until acknowledged.
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(INSTRUCTION)
    expect(dialog).to_contain_text(excluded.citizen.name)
    expect(dialog).to_be_focused()
    expect(page.locator("#svar")).to_be_hidden()
    assert dangling_aria_references(page) == []

    # Keyboard only: Tab stays in the dialog on "Jeg har forstått", Enter acknowledges.
    page.keyboard.press("Tab")
    acknowledge = dialog.get_by_role("link", name="Jeg har forstått")
    expect(acknowledge).to_be_focused()
    page.keyboard.press("Tab")
    expect(acknowledge).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    answer = page.locator("#svar")
    expect(answer).to_be_visible()
    expect(answer).to_be_focused()
    expect(answer).to_contain_text(INSTRUCTION)
    expect(answer).to_contain_text(excluded.valid_to.strftime("%d.%m.%Y"))
    expect(answer).to_contain_text("0315 NAV Grünerløkka")
    expect(answer).to_contain_text(excluded.responsible_leader.get_full_name())
    expect(answer).not_to_contain_text(excluded.facts.first().description)

    with page.expect_navigation():
        answer.get_by_role("link", name=nb("Register breach")).first.click()
    page.locator("textarea[name=description]").fill("Kom i mottaket og ville snakke med veileder.")
    page.locator("input[name=asked_to_leave][value=yes]").check()
    page.locator("input[name=police_called][value=no]").check()
    with page.expect_navigation():
        page.locator("button[name=register]").click()

    breach = Breach.objects.get(decision=excluded)
    expect(page).to_have_url(url(live_server, "mottak:breach_done", public_id=breach.public_id))
    expect(page.locator("#main")).to_contain_text(excluded.case_number)
    assert (breach.asked_to_leave, breach.police_called, breach.registered_by.username) == (True, False, "mottak")
    assert DecisionEvent.objects.filter(decision=excluded, kind=EventKind.BREACH).count() == 1
    _no_identity_number(requested)


def test_without_javascript_the_alert_still_interrupts(browser, live_server, excluded):
    context = browser.new_context(java_script_enabled=False, locale=LOCALE, timezone_id=TIMEZONE,
                                  base_url=live_server.url)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        login(page, live_server, "mottak")
        page.goto(url(live_server, "mottak:search"))
        page.locator("input[name=personident]").fill(excluded.citizen.personident)
        with page.expect_navigation():
            page.locator("button[name=search_ident]").click()
        dialog = page.get_by_role("alertdialog")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text(INSTRUCTION)
        expect(page.locator("#svar")).to_be_hidden()
        dialog.get_by_role("link", name="Jeg har forstått").click()
        expect(page.locator("#svar")).to_be_visible()
        expect(dialog).to_be_hidden()
    finally:
        context.close()


def test_no_measure_answers_plainly(page, live_server, demo):
    from nav_sikkerhet.core.models import Citizen

    free = Citizen.objects.exclude(decisions__status__in=[Status.SIGNED, Status.ACTIVE]).first()
    login(page, live_server, "mottak")
    page.goto(url(live_server, "mottak:search"))
    page.locator("input[name=personident]").fill(free.personident)
    with page.expect_navigation():
        page.locator("button[name=search_ident]").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(page.locator("#main")).to_contain_text("Ingen aktive sikkerhetstiltak")

