"""The ladder in the browser: a written warning, then two staff in every meeting (TOAN), then a draft exclusion
whose assessment cites both; reception sees the TOAN with what to do."""

import datetime

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from hendelser import services as incident_services
from nav_sikkerhet.core.models import Role
from utestenging.models import KIND_RULES, Kind, LessIntrusiveMeasure, Status

from ..factories import CitizenFactory
from ..utestenging.factories import complete_decision
from ..utestenging.lookup_helpers import measure
from .conftest import login, url

TWO_STAFF = LessIntrusiveMeasure.values.index(LessIntrusiveMeasure.TWO_STAFF)
WRITTEN = LessIntrusiveMeasure.values.index(LessIntrusiveMeasure.WRITTEN_WARNING)


@pytest.fixture
def staff(make_staff, grunerlokka, grunerlokka_leader):
    make_staff(Role.SAKSBEHANDLER, grunerlokka, username="saksbehandler_ladder", nav_ident="S300315")
    make_staff(Role.MOTTAK, grunerlokka, username="mottak_ladder", nav_ident="M300315")
    return grunerlokka_leader


def test_a_warning_then_two_staff_then_an_exclusion_citing_both_seen_at_reception(page, live_server, grunerlokka,
                                                                                  staff):
    today = timezone.localdate()
    citizen = CitizenFactory()
    warning = incident_services.warning_register(
        by=staff, citizen=citizen, unit=grunerlokka, form="written", given_on=today - datetime.timedelta(days=40),
        note="Du kastet en stol i mottaket.",
    )
    toan = measure(unit=grunerlokka, citizen=citizen, signed_by=staff, kind=Kind.TOAN,
                   valid_from=today - datetime.timedelta(days=30), days=120)
    draft = complete_decision(unit=grunerlokka, citizen=citizen, created_by=staff, responsible_leader=staff,
                              status=Status.DRAFT, valid_from=today + datetime.timedelta(days=1),
                              valid_to=today + datetime.timedelta(days=28))

    login(page, live_server, "saksbehandler_ladder")
    page.goto(url(live_server, "utestenging:edit", draft.public_id, "vurderinger"))
    page.locator(f"input[name=alternatives-{TWO_STAFF}-outcome][value=tried]").check()
    page.locator(f"input[name=alternatives-{TWO_STAFF}-tried_on]").fill("")
    page.locator(f"select[name=alternatives-{TWO_STAFF}-measure]").select_option(str(toan.pk))
    page.locator(f"input[name=alternatives-{WRITTEN}-outcome][value=tried]").check()
    page.locator(f"input[name=alternatives-{WRITTEN}-tried_on]").fill("")
    page.locator(f"select[name=alternatives-{WRITTEN}-warning]").select_option(str(warning.pk))
    with page.expect_navigation():
        page.locator("button[name=save]").click()
    expect(page).to_have_url(url(live_server, "utestenging:detail", draft.public_id))
    main = page.locator("#main")
    expect(main).to_contain_text(toan.case_number)  # the earlier measures, and the assessment citing it
    cited = {row.alternative: row for row in draft.alternative_assessments.all()}
    assert cited[LessIntrusiveMeasure.TWO_STAFF].measure_id == toan.pk
    assert cited[LessIntrusiveMeasure.WRITTEN_WARNING].warning_id == warning.pk

    page.context.clear_cookies()
    login(page, live_server, "mottak_ladder")
    page.goto(url(live_server, "mottak:search"))
    page.locator("input[name=personident]").fill(citizen.personident)
    with page.expect_navigation():
        page.locator("button[name=search_ident]").click()
    dialog = page.get_by_role("alertdialog")
    with translation.override("nb"):
        expect(dialog).to_contain_text(str(KIND_RULES[Kind.TOAN].instruction))
        expect(dialog).to_contain_text(str(Kind.TOAN.label))
