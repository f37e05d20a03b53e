"""Issue 18's journey in the browser: a written warning (with its archived letter), then two staff in every
meeting (TOAN) signed by the leader, then an exclusion whose assessment cites both; reception sees both measures
with what to do. Then a measure is lifted and another expires, and reception sees neither any more.

Cases are prepared through the services for speed; the steps the issue names go through the real pages. Celery
runs eagerly here (no REDIS_URL), so a letter is archived before the page that asked for it answers.
"""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from freezegun import freeze_time
from playwright.sync_api import expect

from hendelser.models import MeasureKind, Perpetrator, WarningLetter, WarningLetterStatus
from nav_sikkerhet.core import scheduling
from nav_sikkerhet.core.models import AuditLogEntry, Role
from utestenging import services
from utestenging.models import KIND_RULES, Kind, LessIntrusiveMeasure, Status, WrittenDelivery

from ..factories import CitizenFactory
from ..hendelser.factories import IncidentFactory
from ..utestenging.factories import ASSESSMENTS, FactFactory, complete_decision
from ..utestenging.lookup_helpers import measure
from .conftest import login, url

DAY = datetime.timedelta(days=1)
TWO_STAFF = LessIntrusiveMeasure.values.index(LessIntrusiveMeasure.TWO_STAFF)
WRITTEN = LessIntrusiveMeasure.values.index(LessIntrusiveMeasure.WRITTEN_WARNING)
WARNED_FOR = "Du kastet en stol mot skranken og truet veilederen."


def nb(text) -> str:
    with translation.override("nb"):
        return str(gettext(text) if isinstance(text, str) else text)


@pytest.fixture
def staff(make_staff, grunerlokka, grunerlokka_leader):
    make_staff(Role.SAKSBEHANDLER, grunerlokka, username="saksbehandler_journey", nav_ident="S400315")
    make_staff(Role.MOTTAK, grunerlokka, username="mottak_journey", nav_ident="M400315")
    return grunerlokka_leader


def _submit(page, locator):
    with page.expect_navigation() as navigation:
        locator.click()
    return navigation.value


def _look_up(page, live_server, citizen):
    page.goto(url(live_server, "mottak:search"))
    page.locator("input[name=personident]").fill(citizen.personident)
    _submit(page, page.locator("button[name=search_ident]"))


def _sign_in_browser(page, live_server, decision):
    page.goto(url(live_server, "utestenging:sign", decision.public_id))
    page.locator("select[name=written_delivery]").select_option(WrittenDelivery.POST.value)
    page.locator("input[name=told_orally_on]").fill(timezone.localdate().isoformat())
    acknowledged = page.locator("input[name=other_measures_acknowledged]")
    if acknowledged.count():
        acknowledged.check()
    _submit(page, page.locator("#main form button[type=submit]"))
    expect(page).to_have_url(url(live_server, "utestenging:detail", decision.public_id))
    expect(page.locator("#main .status")).to_have_text(nb(Status.ACTIVE.label))


def _ready_toan(*, by, citizen, unit):
    """Two staff in every meeting from today for 16 weeks, complete and marked ready for the leader."""
    today = timezone.localdate()
    decision = services.decision_create(by=by, citizen=citizen, unit=unit, kind=Kind.TOAN)
    FactFactory(decision=decision, description=WARNED_FOR, occurred_on=today - 20 * DAY)
    services.decision_update(by=by, decision_id=decision.pk, grounds=["threats"], responsible_leader=by,
                             valid_from=today, valid_to=today + 111 * DAY, **ASSESSMENTS)
    return services.decision_mark_ready(by=by, decision_id=decision.pk)


def test_a_written_warning_then_two_staff_then_an_exclusion_citing_both_seen_at_reception(
    page, live_server, grunerlokka, staff,
):
    today = timezone.localdate()
    citizen = CitizenFactory()
    incident = IncidentFactory(unit=grunerlokka, citizen=citizen, perpetrator=Perpetrator.CITIZEN,
                               registered_by=staff, description=WARNED_FOR,
                               occurred_at=timezone.now() - 20 * DAY)

    # 1. The leader decides a written warning on the incident; its letter is archived and can be downloaded.
    login(page, live_server, "leder_grunerlokka")
    page.goto(url(live_server, "hendelser:measure", incident.public_id))
    page.locator("select[name=kind]").select_option(MeasureKind.WARNING_WRITTEN.value)
    page.locator("input[name=decided_on]").fill((today - 19 * DAY).isoformat())
    page.locator("textarea[name=description]").fill(WARNED_FOR)
    _submit(page, page.locator("#main form button[type=submit]"))
    expect(page).to_have_url(url(live_server, "hendelser:detail", incident.public_id))
    letter = WarningLetter.objects.get(warning__citizen=citizen)
    assert letter.status == WarningLetterStatus.READY, letter.error
    _submit(page, page.locator(f'#main a[href="{reverse("hendelser:warning_letter", args=[letter.pk])}"]'))
    expect(page.locator("#letter-status")).to_have_attribute("data-status", "ready")
    with page.expect_download() as download_info:
        page.locator("a[data-letter-download=warning]").click()
    content = Path(download_info.value.path()).read_bytes()
    assert hashlib.sha256(content).hexdigest() == letter.sha256
    assert download_info.value.suggested_filename == f"{letter.reference}-{letter.language}.pdf"
    assert AuditLogEntry.objects.filter(action="warning_letter.download", citizen=citizen).count() == 1

    # 2. Two staff in every meeting, prepared by the caseworker, signed by the leader on the real page.
    toan = _ready_toan(by=staff, citizen=citizen, unit=grunerlokka)
    _sign_in_browser(page, live_server, toan)

    # 3. An exclusion: the caseworker's assessment cites the warning and the TOAN tried; the leader signs it.
    draft = complete_decision(unit=grunerlokka, citizen=citizen, created_by=staff, responsible_leader=staff,
                              status=Status.DRAFT, valid_from=today, valid_to=today + 27 * DAY)
    page.context.clear_cookies()
    login(page, live_server, "saksbehandler_journey")
    page.goto(url(live_server, "utestenging:edit", draft.public_id, "vurderinger"))
    page.locator(f"input[name=alternatives-{TWO_STAFF}-outcome][value=tried]").check()
    page.locator(f"input[name=alternatives-{TWO_STAFF}-tried_on]").fill("")
    page.locator(f"select[name=alternatives-{TWO_STAFF}-measure]").select_option(str(toan.pk))
    page.locator(f"input[name=alternatives-{WRITTEN}-outcome][value=tried]").check()
    page.locator(f"input[name=alternatives-{WRITTEN}-tried_on]").fill("")
    page.locator(f"select[name=alternatives-{WRITTEN}-warning]").select_option(str(letter.warning_id))
    _submit(page, page.locator("button[name=save]"))
    expect(page).to_have_url(url(live_server, "utestenging:detail", draft.public_id))
    main = page.locator("#main")
    expect(main).to_contain_text(toan.case_number)
    # The decision's list of earlier warnings links the archived letter.
    expect(main.locator(f'a[href="{reverse("hendelser:warning_letter", args=[letter.pk])}"]')).to_have_count(1)
    cited = {row.alternative: row for row in draft.alternative_assessments.all()}
    assert cited[LessIntrusiveMeasure.TWO_STAFF].measure_id == toan.pk
    assert cited[LessIntrusiveMeasure.WRITTEN_WARNING].warning_id == letter.warning_id
    services.decision_mark_ready(by=staff, decision_id=draft.pk)
    page.context.clear_cookies()
    login(page, live_server, "leder_grunerlokka")
    _sign_in_browser(page, live_server, draft)

    # 4. Reception looks the person up: both measures, each with what to do.
    page.context.clear_cookies()
    login(page, live_server, "mottak_journey")
    _look_up(page, live_server, citizen)
    dialog = page.get_by_role("alertdialog")
    for kind in (Kind.TOAN, Kind.FYUS):
        expect(dialog).to_contain_text(nb(Kind(kind).label))
        expect(dialog).to_contain_text(nb(KIND_RULES[kind].instruction))


def test_a_measure_lifted_in_the_browser_and_one_expired_by_the_sweep_are_gone_from_reception(
    page, live_server, grunerlokka, staff,
):
    today = timezone.localdate()
    citizen = CitizenFactory()
    toan = measure(unit=grunerlokka, citizen=citizen, signed_by=staff, kind=Kind.TOAN, valid_from=today - 10 * DAY,
                   days=120)
    # Protective measures whose last day is today: the sweep the morning after expires it.
    protective = measure(unit=grunerlokka, citizen=citizen, signed_by=staff, kind=Kind.PROTECTIVE_MEASURES,
                         valid_from=today - 27 * DAY, days=28)

    login(page, live_server, "mottak_journey")
    _look_up(page, live_server, citizen)
    dialog = page.get_by_role("alertdialog")
    for kind in (Kind.TOAN, Kind.PROTECTIVE_MEASURES):
        expect(dialog).to_contain_text(nb(KIND_RULES[kind].instruction))

    # The leader lifts the TOAN on its own page.
    page.context.clear_cookies()
    login(page, live_server, "leder_grunerlokka")
    page.goto(url(live_server, "utestenging:detail", toan.public_id))
    _submit(page, page.locator(f'#main a[href="{reverse("utestenging:lift", args=[toan.public_id])}"]'))
    page.locator("input[name=lifted_on]").fill(today.isoformat())
    page.locator("textarea[name=reason]").fill("Brukeren har fått ny veileder og møtene har gått rolig.")
    _submit(page, page.locator("#main form button[type=submit]"))
    expect(page).to_have_url(url(live_server, "utestenging:detail", toan.public_id))
    expect(page.locator("#main .status")).to_have_text(nb(Status.LIFTED.label))

    # Tomorrow morning's sweep: the protective measures have passed their last day.
    with freeze_time(timezone.make_aware(datetime.datetime.combine(today + DAY, datetime.time(6, 5)))):
        scheduling.run_sweep()
    protective.refresh_from_db()
    assert protective.status == Status.EXPIRED
    page.goto(url(live_server, "utestenging:detail", protective.public_id))
    expect(page.locator("#main .status")).to_have_text(nb(Status.EXPIRED.label))

    page.context.clear_cookies()
    login(page, live_server, "mottak_journey")
    _look_up(page, live_server, citizen)
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    main = page.locator("#main")
    for kind in (Kind.TOAN, Kind.PROTECTIVE_MEASURES):
        expect(main).not_to_contain_text(nb(KIND_RULES[kind].instruction))
    assert services.decision_refresh_status(decision_id=toan.pk, today=today).status == Status.LIFTED
