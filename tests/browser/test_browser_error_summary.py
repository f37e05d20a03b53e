"""A failed save shows Aksel's error summary at the top, takes focus there, and each error leads to its field."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from nav_sikkerhet.core.models import Role

from ..utestenging.factories import DecisionFactory
from .conftest import dangling_aria_references, login, url

pytestmark = pytest.mark.browser


def heading_nb() -> str:
    with translation.override("nb"):
        return gettext("Correct the following before you continue")


def assert_summary_leads_to_each_field(page, at_least: int):
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(page.locator("#error-summary-h")).to_be_focused()
    expect(page.locator("#error-summary-h")).to_have_text(heading_nb())
    assert summary.bounding_box()["y"] < page.viewport_size["height"], "the summary is not on the first screen"
    links = summary.locator("a")
    assert links.count() >= at_least
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        assert page.locator(target).count() == 1, f"{target} names no field"
    assert dangling_aria_references(page) == []
    # Following the last link (the field furthest down) brings that field to the screen.
    last = links.nth(links.count() - 1)
    target = page.locator(last.get_attribute("href"))
    last.click()
    expect(target).to_be_in_viewport()


def test_decision_step_three_failing_shows_the_summary_first(page, live_server, grunerlokka, grunerlokka_leader):
    decision = DecisionFactory(unit=grunerlokka, created_by=grunerlokka_leader)
    login(page, live_server, "leder_grunerlokka")
    page.goto(url(live_server, "utestenging:edit", decision.public_id, "omfang"))
    page.locator("select[name=channels-0-channel]").select_option(index=1)  # a channel without its details
    with page.expect_navigation():
        page.locator("button[name=save_next]").click()
    expect(page).to_have_url(url(live_server, "utestenging:edit", decision.public_id, "omfang"))
    assert_summary_leads_to_each_field(page, at_least=1)


def test_incident_registration_failing_shows_the_summary_first(page, live_server, grunerlokka, make_staff):
    make_staff(Role.SAKSBEHANDLER, grunerlokka, username="saksbehandler_feil")
    login(page, live_server, "saksbehandler_feil")
    page.goto(url(live_server, "hendelser:create"))
    with page.expect_navigation():
        page.locator("#main form[method=post] button[type=submit]").last.click()
    assert_summary_leads_to_each_field(page, at_least=3)
    assert reverse("hendelser:create") in page.url
