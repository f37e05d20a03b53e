"""Incident journeys in the browser, on the demo data: a caseworker registers a threat by phone, HMS reviews it
at the weekly review, the leader proposes exclusion and lands in a pre-filled draft decision; reception turns a
breach into an incident."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from hendelser.models import Incident, Proposal, Status
from nav_sikkerhet.core.models import Citizen, Reminder
from utestenging.models import Decision, Kind
from utestenging.models import Status as DecisionStatus

from ..utestenging.factories import ChannelFactory, assess_alternatives, complete_fields
from .conftest import DEFAULT_TIMEOUT_MS, LOCALE, TIMEZONE, login, url


@pytest.fixture
def demo(transactional_db):
    call_command("demo_data", stdout=io.StringIO())


@pytest.fixture
def as_user(browser, live_server):
    """A fresh browser context per staff member, logged in through the real form."""
    contexts = []

    def open_as(username):
        context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, base_url=live_server.url)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        login(page, live_server, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _submit(page):
    with page.expect_navigation():
        page.locator("#main form[method=post] button[type=submit]").last.click()


def test_threat_by_phone_is_registered_reviewed_and_leads_to_a_draft_decision(as_user, live_server, demo):
    person = Citizen.objects.exclude(decisions__isnull=False).exclude(incidents__isnull=False).order_by("name").first()

    # The caseworker registers a threat by phone from the start page, in one screen.
    page = as_user("saksbehandler")
    with page.expect_navigation():
        page.locator(f'#main a[href="{reverse("hendelser:create")}"]').first.click()
    page.locator("select[name=channel]").select_option("phone")
    page.locator("input[name=category][value=threat]").check()
    page.locator("textarea[name=description]").fill("Innringer sa at han skulle oppsøke meg hjemme.")
    page.locator("input[name=perpetrator][value=citizen]").check()
    page.locator("input[name=personident]").fill(person.personident)
    page.locator("input[name=person_name]").fill(person.name)  # asked with every number: no existence oracle
    page.locator("input[name=my_employer][value=municipal]").check()
    _submit(page)
    incident = Incident.objects.get(citizen=person)
    expect(page).to_have_url(re.compile(re.escape(url(live_server, "hendelser:edit", incident.public_id))))
    expect(page.locator(".messages")).to_contain_text(incident.reference)
    with page.expect_navigation():
        page.locator("#main a", has_text="Ikke noe mer å legge til").click()
    expect(page.locator("h1")).to_contain_text(incident.reference)
    assert person.personident not in page.url

    # HMS marks it reviewed at this week's meeting.
    page = as_user("hms")
    page.goto(url(live_server, "hendelser:review_index"))
    expect(page).to_have_url(url(live_server, "hendelser:review", "0315"))
    page.locator("#main label", has_text=incident.reference).locator("input").check()
    page.locator("textarea[name=attendees]").fill("Lene Leder, Hanne Hms, Vidar Verneombud")
    _submit(page)
    expect(page.locator(".messages")).to_be_visible()
    incident.refresh_from_db()
    assert incident.status == Status.UNDER_REVIEW and incident.review_meeting is not None

    # The review proposes exclusion: a tracked proposal, and the caseworker is told at once.
    page.goto(url(live_server, "hendelser:detail", incident.public_id))
    with page.expect_navigation():
        page.locator("#main a", has_text="Foreslå et tiltak").click()
    page.locator("select[name=kind]").select_option("exclusion")
    page.locator("textarea[name=description]").fill("Konkret trussel om å oppsøke veileder hjemme.")
    _submit(page)
    proposal = Proposal.objects.get(incident=incident)
    expect(page.locator("#main")).to_contain_text("Ikke noe utfall ennå")
    assert Reminder.objects.filter(kind="incident.proposal", recipient__username="saksbehandler").exists()

    # The leader opens the draft decision from the proposal, with the person and the incident as a fact.
    page = as_user("leder")
    page.goto(url(live_server, "hendelser:detail", incident.public_id))
    expect(page.locator("#main")).to_contain_text(person.name)
    with page.expect_navigation():
        page.locator(f'#main a[href*="forslag={proposal.public_id}"]').click()
    expect(page).to_have_url(re.compile(re.escape(url(live_server, "utestenging:create")) + r"\?hendelse="))
    expect(page.locator("#main")).to_contain_text(person.name)
    expect(page.locator("input[name=kind][value=FYUS]")).to_be_checked()
    _submit(page)
    decision = Decision.objects.get(citizen=person)
    assert (decision.kind, decision.status, decision.unit.number) == (Kind.FYUS, DecisionStatus.DRAFT, "0315")
    expect(page.locator("textarea[name='facts-0-description']")).to_have_value(incident.description)
    page.goto(url(live_server, "utestenging:detail", decision.public_id))
    expect(page.locator(f'a[href="/hendelser/{incident.public_id}/"]')).to_have_text(incident.reference)
    proposal.refresh_from_db()
    assert proposal.decision == decision and proposal.current_outcome == ""

    # The caseworker completes the case (filled in here; its own journeys test those pages); the leader signs.
    leader = decision.unit.role_assignments.get(user__username="leder").user
    Decision.objects.filter(pk=decision.pk).update(
        status=DecisionStatus.READY, responsible_leader=leader, **complete_fields(Kind.FYUS)
    )
    decision.facts.update(serious=True)
    ChannelFactory(decision=decision)
    assess_alternatives(decision)
    page.goto(url(live_server, "utestenging:sign", decision.public_id))
    page.locator("select[name=written_delivery]").select_option("post")
    page.locator("input[name=told_orally_on]").fill(timezone.localdate().isoformat())
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").last.click()
    decision.refresh_from_db()
    assert decision.status in (DecisionStatus.SIGNED, DecisionStatus.ACTIVE)

    # The signed decision is the proposal's outcome, shown on the incident.
    page.goto(url(live_server, "hendelser:detail", incident.public_id))
    expect(page.locator("#main")).to_contain_text("Besluttet og signert")


def test_reception_turns_a_breach_into_an_incident(as_user, live_server, demo):
    excluded = Decision.objects.filter(kind=Kind.FYUS, status=DecisionStatus.ACTIVE,
                                       covered_units__number="0315").select_related("citizen").first()
    page = as_user("mottak")
    page.goto(url(live_server, "mottak:breach", excluded.public_id))
    page.locator("textarea[name=description]").fill("Kom i mottaket og kjeftet på vekteren.")
    page.locator("input[name=asked_to_leave][value=yes]").check()
    page.locator("input[name=police_called][value=no]").check()
    with page.expect_navigation():
        page.locator("button[name=register]").click()

    with page.expect_navigation():
        page.get_by_role("button", name="Registrer som hendelse").click()
    assert excluded.citizen.personident not in page.url
    expect(page.locator("#main")).to_contain_text(excluded.citizen.name)
    expect(page.locator("textarea[name=description]")).to_have_value("Kom i mottaket og kjeftet på vekteren.")
    expect(page.locator("select[name=channel]")).to_have_value("reception")
    page.locator("input[name=category][value=verbal]").check()
    page.locator("input[name=my_employer][value=state]").check()
    _submit(page)
    incident = Incident.objects.get(citizen=excluded.citizen, description__startswith="Kom i mottaket og kjeftet")
    assert (incident.channel, incident.registered_by.username, incident.unit.number) == ("reception", "mottak", "0315")


def test_a_threat_not_ready_to_close_leads_to_its_fixes_and_a_proposed_toan_ends_signed(as_user, live_server, demo):
    """The close button says what is missing and links there; the weekly review shows each incident with its link
    and what happened; a proposal of two staff in every meeting ends as the signed TOAN decision made from it."""
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from hendelser.models import ProposalKind

    from ..hendelser.factories import ExposedPersonFactory, IncidentFactory

    person = Citizen.objects.exclude(decisions__isnull=False).exclude(incidents__isnull=False).order_by("name").first()
    hms = get_user_model().objects.get(username="hms")
    unit = hms.role_assignments.get(unit__number="0315").unit
    incident = IncidentFactory(unit=unit, perpetrator="citizen", citizen=person, registered_by=hms,
                               description="Truet veilederen i samtalerommet og slo i bordet.")
    ExposedPersonFactory(incident=incident, name="Vera Veileder")

    # HMS: the close button is disabled, and the page says why, with a link to each fix.
    page = as_user("hms")
    page.goto(url(live_server, "hendelser:detail", incident.public_id))
    blockers = page.locator("#close-blockers")
    expect(blockers).to_contain_text("Ikke klar til å lukkes ennå")
    expect(page.locator("button[aria-describedby=close-blockers]")).to_be_disabled()
    expect(blockers.locator("a", has_text="Følg opp Vera Veileder")).to_be_visible()
    with page.expect_navigation():
        blockers.locator("a", has_text="Gå til den ukentlige gjennomgangen").click()
    option = page.locator("#main form div", has=page.locator(f"input[value='{incident.pk}']")).last
    expect(option).to_contain_text("Truet veilederen i samtalerommet")
    expect(option.locator(f'a[href="/hendelser/{incident.public_id}/"]')).to_be_visible()
    option.locator("input").check()
    page.locator("textarea[name=attendees]").fill("Lene Leder, Hanne Hms")
    _submit(page)

    # The review proposes two staff in every meeting.
    page.goto(url(live_server, "hendelser:propose", incident.public_id))
    page.locator("select[name=kind]").select_option(ProposalKind.TWO_IN_MEETING)
    _submit(page)
    proposal = Proposal.objects.get(incident=incident)

    # The leader opens the draft from the proposal: of the proposed kind, linked to it.
    page = as_user("leder")
    page.goto(url(live_server, "hendelser:detail", incident.public_id))
    with page.expect_navigation():
        page.locator(f'#main a[href*="forslag={proposal.public_id}"]').click()
    expect(page.locator("input[name=kind][value=TOAN]")).to_be_checked()
    _submit(page)
    decision = Decision.objects.get(citizen=person)
    proposal.refresh_from_db()
    assert (decision.kind, proposal.decision) == (Kind.TOAN, decision)

    # Completed here (its own journeys test those pages); the leader signs on the signing page.
    leader = decision.unit.role_assignments.get(user__username="leder").user
    Decision.objects.filter(pk=decision.pk).update(
        status=DecisionStatus.READY, responsible_leader=leader, **complete_fields(Kind.TOAN)
    )
    decision.facts.update(serious=True)
    ChannelFactory(decision=decision)
    assess_alternatives(decision)
    page.goto(url(live_server, "utestenging:sign", decision.public_id))
    page.locator("select[name=written_delivery]").select_option("post")
    page.locator("input[name=told_orally_on]").fill(timezone.localdate().isoformat())
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").last.click()
    decision.refresh_from_db()
    assert decision.status in (DecisionStatus.SIGNED, DecisionStatus.ACTIVE)

    # The proposal is shown as ended by the signed decision; nothing is left to record by hand.
    page.goto(url(live_server, "hendelser:detail", incident.public_id))
    with translation.override("nb"):
        label = str(ProposalKind.TWO_IN_MEETING.label)
    item = page.locator("#main li", has_text=label)
    expect(item).to_contain_text("Besluttet og signert")
    expect(item).to_contain_text(decision.case_number)
    expect(page.locator(f'#main a[href*="forslag={proposal.public_id}"]')).to_have_count(0)
