"""Issue 17, item 1 in the browser: a notice, once sent, stands, and the user sees what is wrong and where.

Texts are computed from the app's own messages in bokmål, so the test follows the catalogues.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from nav_sikkerhet.core.models import Role
from utestenging import rules, services
from utestenging.models import ChannelKind, Decision, Ground, Kind, NoticeMethod, NoticeStatus, Status

from ..factories import CitizenFactory
from ..utestenging.factories import ASSESSMENTS
from .conftest import login

pytestmark = pytest.mark.browser

DAY = datetime.timedelta(days=1)


def nb_gettext(message: str) -> str:
    with translation.override("nb"):
        return gettext(message)


def submit(page, locator):
    with page.expect_navigation():
        locator.click()


@pytest.fixture
def caseworker(make_staff, grunerlokka):
    return make_staff(Role.SAKSBEHANDLER, grunerlokka, username="saksbehandler_varsel", first_name="Sara",
                      last_name="Saksbehandler", nav_ident="S300315")


def _prepared(*, by, leader, unit) -> Decision:
    """A case with everything but the advance notice, starting in three weeks."""
    today = timezone.localdate()
    decision = services.decision_create(by=by, citizen=CitizenFactory(), unit=unit, kind=Kind.FYUS)
    services.decision_update(
        by=by, decision_id=decision.pk, grounds=[Ground.THREATS], responsible_leader=leader,
        alternatives="Advarsel og to ansatte i samtalene er prøvd, men truslene fortsatte likevel.", **ASSESSMENTS,
        valid_from=today + 21 * DAY, valid_to=today + 48 * DAY,
        facts=[{"occurred_on": today - 3 * DAY, "description": "Du truet en ansatt i mottaket.", "serious": True}],
        channels=[{"channel": ChannelKind.WRITTEN, "address": "NAV Grünerløkka, Postboks 4, 0130 Oslo"}],
    )
    return decision


def test_section_4_the_notice_stands_and_a_change_after_it_shows_what_needs_a_new_notice(
    page, live_server, grunerlokka, grunerlokka_leader, caseworker,
):
    decision = _prepared(by=caseworker, leader=grunerlokka_leader, unit=grunerlokka)
    today = timezone.localdate()
    login(page, live_server, "saksbehandler_varsel")
    notice_url = live_server.url + reverse("utestenging:notice", args=[decision.public_id])

    # A deadline on the day the notice is sent: refused on the deadline field, nothing typed is lost.
    page.goto(notice_url)
    page.locator("select[name=sent-method]").select_option(NoticeMethod.LETTER)
    page.locator("input[name=sent-deadline]").fill(today.isoformat())
    submit(page, page.locator("form:has(input[name=action][value=sent]) button[type=submit]"))
    error = page.locator("#id_sent-deadline_error")
    expect(error).to_contain_text(
        nb_gettext("The deadline must be after the day the notice is sent: the citizen needs time to answer."))
    expect(page.locator("select[name=sent-method]")).to_have_value(NoticeMethod.LETTER)
    decision.refresh_from_db()
    assert decision.notice_status == NoticeStatus.NOT_HANDLED and not decision.letters.exists()

    # A real deadline: the notice is sent and the letter produced.
    page.locator("input[name=sent-deadline]").fill((today + 14 * DAY).isoformat())
    submit(page, page.locator("form:has(input[name=action][value=sent]) button[type=submit]"))
    decision.refresh_from_db()
    assert decision.status == Status.NOTICE_SENT

    # Back to the notice page: it says the notice stands, and offers no «notice not possible».
    page.goto(notice_url)
    expect(page.locator("#stands-h")).to_have_text(nb_gettext("The advance notice stands"))
    expect(page.locator("input[name=action][value=not_possible]")).to_have_count(0)

    # The period is made longer than the notice said: the case page's checklist says what changed, and what to do.
    page.goto(live_server.url + reverse("utestenging:edit", args=[decision.public_id, "periode"]))
    page.locator("input[name=valid_to]").fill((decision.valid_to + DAY).isoformat())
    submit(page, page.locator("button[name=save]"))
    with translation.override("nb"):
        expected = str(rules.notice_item(Decision.objects.get(pk=decision.pk), list(decision.facts.all())).label)
    missing = page.locator("#main ul.checklist li.missing", has_text=expected)
    expect(missing).to_have_count(1)
    assert nb_gettext("the period") in expected

    # Sending it to the leader is refused, and the message names the same gap.
    submit(page, page.locator(f'form[action="{reverse("utestenging:mark_ready", args=[decision.public_id])}"] '
                              "button[type=submit]"))
    expect(page.locator("#main")).to_contain_text(expected)
    decision.refresh_from_db()
    assert decision.status == Status.NOTICE_SENT
