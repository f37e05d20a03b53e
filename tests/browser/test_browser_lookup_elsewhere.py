"""A measure at another unit reads as neutral information at reception, never with the alarm of one in force here."""

import pytest
from playwright.sync_api import expect

from nav_sikkerhet.core.models import Role

from ..factories import CitizenFactory, UnitFactory
from ..utestenging.factories import signed_decision
from .conftest import login, url

pytestmark = pytest.mark.browser


def test_a_measure_at_another_unit_is_shown_as_information(page, live_server, grunerlokka, make_staff):
    arstad = UnitFactory(number="1203", name="NAV Årstad", municipality_number="4601", municipality_name="Bergen",
                         region="Vestland")
    leader = make_staff(Role.ENHETSLEDER, arstad, username="leder_arstad_info")
    citizen = CitizenFactory()
    signed_decision(unit=arstad, citizen=citizen, created_by=leader, signed_by=leader)
    make_staff(Role.MOTTAK, grunerlokka, username="mottak_info")

    login(page, live_server, "mottak_info")
    page.goto(url(live_server, "mottak:search"))
    page.locator("input[name=personident]").fill(citizen.personident)
    with page.expect_navigation():
        page.locator("button[name=search_ident]").click()

    expect(page.locator("[role=alertdialog]")).to_have_count(0)
    elsewhere = page.locator(".lookup-measure--elsewhere")
    expect(elsewhere).to_be_visible()
    colours = elsewhere.evaluate("""(el) => {
        const style = getComputedStyle(el), probe = document.createElement("div");
        document.body.append(probe);
        probe.style.color = "var(--ax-border-danger)"; const danger = getComputedStyle(probe).color;
        probe.style.color = "var(--ax-bg-danger-soft)"; const dangerSoft = getComputedStyle(probe).color;
        probe.remove();
        return {border: style.borderTopColor, background: style.backgroundColor, danger, dangerSoft};
    }""")
    assert colours["border"] != colours["danger"], colours
    assert colours["background"] != colours["dangerSoft"], colours
    expect(elsewhere.locator(".tag--danger")).to_have_count(0)
