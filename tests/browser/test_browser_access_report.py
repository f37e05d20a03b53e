"""The access report (innsyn i tilgangslogg) in a real browser: the identity number never goes in a URL."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from nav_sikkerhet.core.models import AuditLogEntry, Role
from nav_sikkerhet.core.services import audit_log_record

from ..factories import CitizenFactory
from .conftest import dangling_aria_references, login, url


def fill_report_form(page, personident: str, date_from: datetime.date, date_to: datetime.date):
    page.locator("input[name=personident]").fill(personident)
    page.locator("input[name=date_from]").fill(date_from.isoformat())
    page.locator("input[name=date_to]").fill(date_to.isoformat())
    with page.expect_navigation() as navigation:
        page.locator("#main form button[type=submit]").click()
    return navigation.value


def test_leader_sees_who_was_shown_a_citizen_and_the_number_stays_out_of_urls(
    page, live_server, grunerlokka, grunerlokka_leader, make_staff,
):
    citizen = CitizenFactory()
    caseworker = make_staff(
        Role.SAKSBEHANDLER, grunerlokka, username="saksbehandler_grunerlokka", nav_ident="S200315",
    )
    audit_log_record(actor=caseworker, citizen=citizen, action="test", message="Vist i test")
    request_urls: list[str] = []
    page.on("request", lambda request: request_urls.append(request.url))

    login(page, live_server, "leder_grunerlokka")
    with page.expect_navigation():
        page.locator(f'a[href="{reverse("core:access_report")}"]').click()
    today = timezone.localdate()
    # Typed the way staff often do, with a space; the form compacts it.
    response = fill_report_form(
        page, f"{citizen.personident[:6]} {citizen.personident[6:]}", today - datetime.timedelta(days=7), today,
    )

    assert response.ok
    assert response.request.method == "POST"
    expect(page).to_have_url(url(live_server, "core:access_report"))
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#report-heading")).to_contain_text(citizen.name)
    table = page.locator("section[aria-labelledby=report-heading] table")
    expect(table).to_be_visible()
    row = table.locator("tbody tr").filter(has_text="S200315")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Vist i test")

    assert request_urls, "no requests were recorded"
    leaked = [u for u in request_urls if citizen.personident in u or citizen.personident[:6] in u]
    assert leaked == []
    assert citizen.personident not in page.url
    # Producing the report is itself a logged display of the citizen's data.
    assert AuditLogEntry.objects.filter(
        personident=citizen.personident, actor=grunerlokka_leader, action="access_report",
    ).count() == 1


def test_invalid_identity_number_shows_an_error(page, live_server, grunerlokka_leader):
    login(page, live_server, "leder_grunerlokka")
    page.goto(url(live_server, "core:access_report"))
    today = timezone.localdate()

    response = fill_report_form(page, "12345678901", today - datetime.timedelta(days=7), today)

    assert response.status == 200
    expect(page).to_have_url(url(live_server, "core:access_report"))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    # role="alert" sits on a wrapper, so the error list keeps its list semantics.
    expect(alert.get_by_role("list")).to_have_attribute("id", "id_personident_error")
    expect(page.locator("input[name=personident]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#report-heading")).to_have_count(0)
    assert not AuditLogEntry.objects.filter(action="access_report").exists()


def test_report_form_fields_are_described_by_their_help_text_and_errors(page, live_server, grunerlokka_leader):
    login(page, live_server, "leder_grunerlokka")
    page.goto(url(live_server, "core:access_report"))

    with page.expect_navigation():
        page.locator("#main form button[type=submit]").click()

    expect(page.get_by_role("alert").first).to_be_visible()
    assert dangling_aria_references(page) == []
    help_text = page.locator("#main .form-row:has(input[name=personident]) .aksel-detail").inner_text()
    error = page.locator("#id_personident_error").inner_text()
    expect(page.locator("input[name=personident]")).to_have_accessible_description(
        re.compile(f"{re.escape(help_text)}.*{re.escape(error)}", re.DOTALL)
    )
