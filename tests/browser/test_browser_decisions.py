"""Journeys through a decision (beslutning) on exclusion in a real browser: prepare, send, sign, refuse.

Elements are found by input names, hrefs, ids and button names; where text must be checked it
is computed from the app's own messages in bokmål, so the tests follow the catalogues.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from nav_sikkerhet.core.models import AuditLogEntry, Role
from utestenging import services
from utestenging.models import (
    MAX_PERIOD_DAYS,
    ChannelKind,
    Decision,
    EventKind,
    Ground,
    Kind,
    NoticeImpossibleReason,
    NoticeMethod,
    NoticeStatus,
    Scope,
    Status,
    WrittenDelivery,
)

from ..factories import CitizenFactory, UnitFactory
from ..utestenging.factories import alternative_rows
from ..utestenging.letter_builders import pdf_text
from .conftest import dangling_aria_references, login, url

ASSESSMENT_TEXT = "Vurdert skriftlig og konkret i nettlesertesten."


def nb(text) -> str:
    """The bokmål rendering of a message, whether or not the catalogue translates it yet."""
    with translation.override("nb"):
        return str(text)


def nb_gettext(message: str) -> str:
    """gettext of a template's or view's literal message, in bokmål."""
    with translation.override("nb"):
        return gettext(message)


def period_error(valid_from: datetime.date) -> str:
    """The 12-week message of Decision.clean(), in bokmål, for a period starting on valid_from."""
    last = valid_from + datetime.timedelta(days=MAX_PERIOD_DAYS - 1)
    with translation.override("nb"):
        return gettext("The period may be at most 12 weeks: the last day can be no later than %(last)s.") % {
            "last": last.strftime("%d.%m.%Y")
        }


def submit(page, locator):
    """Click a submit button and wait for the page it leads to; returns the navigation's response."""
    with page.expect_navigation() as navigation:
        locator.click()
    return navigation.value


def focused_name(page) -> str:
    return page.evaluate("() => document.activeElement ? (document.activeElement.name || '') : ''")


def focused_value(page) -> str:
    return page.evaluate("() => document.activeElement ? (document.activeElement.value || '') : ''")


def tab_until(page, predicate, limit: int = 60):
    """Press Tab until predicate(page) holds; fail if the element is not reachable by keyboard."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if predicate(page):
            return
    pytest.fail(f"not reachable with Tab within {limit} presses (focus on {focused_name(page)!r})")


# --- data -----------------------------------------------------------------------------------

@pytest.fixture
def grorud(transactional_db):
    return UnitFactory(
        number="0328", name="NAV Grorud", municipality_number="0301", municipality_name="Oslo", region="Oslo",
    )


@pytest.fixture
def arstad(transactional_db):
    return UnitFactory(
        number="1203", name="NAV Årstad", municipality_number="4601", municipality_name="Bergen", region="Vestland",
    )


@pytest.fixture
def grunerlokka_caseworker(make_staff, grunerlokka):
    return make_staff(
        Role.SAKSBEHANDLER, grunerlokka, username="saksbehandler_grunerlokka", first_name="Sara",
        last_name="Saksbehandler", nav_ident="S200315",
    )


def prepare_ready_case(*, by, leader, unit, citizen) -> Decision:
    """A complete FYUS case marked ready for the leader, built through the services."""
    today = timezone.localdate()
    decision = services.decision_create(by=by, citizen=citizen, unit=unit, kind=Kind.FYUS)
    services.decision_update(
        by=by,
        decision_id=decision.pk,
        grounds=[Ground.THREATS],
        # Each assessment its own text: a copy of another is no reasoning (reasons.py).
        case_informed=f"{ASSESSMENT_TEXT} (1)",
        risk_of_repetition=f"{ASSESSMENT_TEXT} (2)",
        clear_need=f"{ASSESSMENT_TEXT} (3)",
        alternative_assessments=alternative_rows(),
        proportionality=f"{ASSESSMENT_TEXT} (4)",
        other_measures=f"{ASSESSMENT_TEXT} (5)",
        whole_situation=f"{ASSESSMENT_TEXT} (6)",
        scope=Scope.MUNICIPALITY,
        responsible_leader=leader,
        valid_from=today,
        valid_to=today + datetime.timedelta(days=MAX_PERIOD_DAYS - 1),
        duration_assessment="Tolv uker er nødvendig etter en så alvorlig trussel.",
        facts=[{"occurred_on": today - datetime.timedelta(days=3), "description": "Du truet en ansatt i mottaket.",
                "serious": True}],
        channels=[
            {"channel": ChannelKind.PHONE, "person_name": "Lise Leder", "phone": "55 55 55 55",
             "times": "Tirsdager 10–12"},
        ],
    )
    services.decision_notice_not_possible(by=by, decision_id=decision.pk, kind=NoticeImpossibleReason.ACUTE_DANGER,
                                          reason="Du truet med å komme tilbake samme dag.")
    return services.decision_mark_ready(by=by, decision_id=decision.pk)


# --- journeys -------------------------------------------------------------------------------

def test_leader_prepares_sends_and_signs_a_decision(page, live_server, grunerlokka, grorud, grunerlokka_leader):
    citizen = CitizenFactory()
    today = timezone.localdate()
    request_urls: list[str] = []
    page.on("request", lambda request: request_urls.append(request.url))

    login(page, live_server, "leder_grunerlokka")
    expect(page).to_have_url(url(live_server, "core:start"))

    # Start page → new case: the identity number goes in the form body, never the URL.
    submit(page, page.locator(f'#main a[href="{reverse("utestenging:create")}"]'))
    expect(page).to_have_url(url(live_server, "utestenging:create"))
    expect(page.locator("select[name=unit]")).to_have_value(str(grunerlokka.pk))
    page.locator("input[name=personident]").fill(citizen.personident)
    page.locator("input[name=name]").fill(citizen.name)  # asked with every number: no existence oracle
    page.locator(f"input[name=kind][value={Kind.FYUS}]").check()
    submit(page, page.locator("#main form button[name=create]"))

    decision = Decision.objects.get(citizen=citizen)
    assert decision.unit == grunerlokka
    assert decision.kind == Kind.FYUS
    assert decision.created_by == grunerlokka_leader

    # Step 1: grounds and one dated fact.
    expect(page).to_have_url(url(live_server, "utestenging:edit", decision.public_id, "grunnlag"))
    expect(page.locator("[aria-current=step]")).to_contain_text("1.")
    expect(page.locator(f"input[name=kind][value={Kind.FYUS}]")).to_be_checked()
    assert dangling_aria_references(page) == []
    page.locator(f"input[name=grounds][value={Ground.THREATS}]").check()
    page.locator("input[name=facts-0-occurred_on]").fill((today - datetime.timedelta(days=3)).isoformat())
    page.locator("textarea[name=facts-0-description]").fill("Du truet en ansatt i mottaket med kniv.")
    page.locator("input[name=facts-0-serious]").check()
    submit(page, page.locator("button[name=save_next]"))

    # Step 2: every written assessment.
    expect(page).to_have_url(url(live_server, "utestenging:edit", decision.public_id, "vurderinger"))
    textareas = page.locator("#main form textarea")
    assert textareas.count() >= 7
    for index in range(textareas.count()):
        textareas.nth(index).fill(f"{ASSESSMENT_TEXT} ({index + 1})")
    # Each less intrusive alternative the guideline names, weighed one by one (its reason filled above).
    for index in range(8):
        page.locator(f"input[name=alternatives-{index}-outcome][value=not_enough]").check()
    submit(page, page.locator("button[name=save_next]"))

    # Step 3: scope, responsible leader, one phone channel.
    expect(page).to_have_url(url(live_server, "utestenging:edit", decision.public_id, "omfang"))
    page.locator(f"input[name=scope][value={Scope.MUNICIPALITY}]").check()
    page.locator("select[name=responsible_leader]").select_option(str(grunerlokka_leader.pk))
    page.locator("select[name=channels-0-channel]").select_option(ChannelKind.PHONE.value)
    page.locator("input[name=channels-0-person_name]").fill("Lise Leder")
    page.locator("input[name=channels-0-phone]").fill("55 55 55 55")
    page.locator("input[name=channels-0-times]").fill("Tirsdager 10–12")
    submit(page, page.locator("button[name=save_next]"))

    # Step 4: the period; first one day too long, then exactly 12 weeks.
    period_url = url(live_server, "utestenging:edit", decision.public_id, "periode")
    expect(page).to_have_url(period_url)
    too_late = today + datetime.timedelta(days=MAX_PERIOD_DAYS)
    page.locator("input[name=valid_from]").fill(today.isoformat())
    page.locator("input[name=valid_to]").fill(too_late.isoformat())
    page.locator("textarea[name=duration_assessment]").fill("Alvorlig trussel; tolv uker er nødvendig.")
    response = submit(page, page.locator("button[name=save]"))

    assert response.status == 200
    expect(page).to_have_url(period_url)
    field_error = page.locator("#id_valid_to_error")
    expect(field_error.locator("xpath=..")).to_have_attribute("role", "alert")  # on a wrapper: the list stays a list
    expect(field_error).to_contain_text(period_error(today))
    expect(page.get_by_role("alert").filter(has_text=period_error(today)).first).to_be_visible()
    valid_to = page.locator("input[name=valid_to]")
    expect(valid_to).to_have_value(too_late.isoformat())
    expect(valid_to).to_have_attribute("aria-invalid", "true")
    expect(valid_to).to_have_attribute("aria-describedby", re.compile(r"\bid_valid_to_error\b"))
    expect(page.locator("input[name=valid_from]")).to_have_value(today.isoformat())
    assert dangling_aria_references(page) == []
    decision.refresh_from_db()
    assert decision.valid_to is None

    valid_to.fill((today + datetime.timedelta(days=MAX_PERIOD_DAYS - 1)).isoformat())
    submit(page, page.locator("button[name=save]"))
    detail_url = url(live_server, "utestenging:detail", decision.public_id)
    expect(page).to_have_url(detail_url)
    expect(page.locator("#main .status")).to_have_text(nb(Status.DRAFT.label))

    # Advance notice: not possible, with the reason.
    notice = reverse("utestenging:notice", args=[decision.public_id])
    submit(page, page.locator(f'#main a.aksel-button[href="{notice}"]'))
    page.locator("select[name=np-kind]").select_option(NoticeImpossibleReason.ACUTE_DANGER.value)
    page.locator("textarea[name=np-reason]").fill("Du truet med å komme tilbake i dag; ansatte må beskyttes straks.")
    submit(page, page.locator("form:has(input[name=action][value=not_possible]) button[type=submit]"))
    expect(page).to_have_url(detail_url)
    decision.refresh_from_db()
    assert decision.notice_status == NoticeStatus.NOT_POSSIBLE

    # Send to the leader: the checklist is complete, so the case becomes ready.
    expect(page.locator("#main ul.checklist li.missing")).to_have_count(0)
    mark_ready = reverse("utestenging:mark_ready", args=[decision.public_id])
    submit(page, page.locator(f'form[action="{mark_ready}"] button[type=submit]'))
    expect(page).to_have_url(detail_url)
    expect(page.locator("#main .status")).to_have_text(nb(Status.READY.label))

    # Review and sign.
    sign_url = reverse("utestenging:sign", args=[decision.public_id])
    submit(page, page.locator(f'#main a[href="{sign_url}"]'))
    expect(page).to_have_url(url(live_server, "utestenging:sign", decision.public_id))
    checklist = page.locator("#main ul.checklist")
    expect(checklist.locator("li.missing")).to_have_count(0)
    expect(checklist.locator("li.done")).to_have_count(len(services.decision_checklist(decision)))
    expect(page.locator("#main")).to_contain_text("NAV Grorud")
    page.locator("select[name=written_delivery]").select_option(WrittenDelivery.POST.value)
    # By post alone the decision could not apply today (§6): the leader told the citizen in person first.
    page.locator("input[name=told_orally_on]").fill(today.isoformat())
    submit(page, page.locator("#main form button[type=submit]"))

    # Signed today with a period starting today: in force at once.
    expect(page).to_have_url(detail_url)
    expect(page.locator("#main .status")).to_have_text(nb(Status.ACTIVE.label))
    timeline = page.locator("#main ol.timeline")
    expect(timeline.locator("li").filter(has_text=nb(EventKind.SIGNED.label))).to_have_count(1)
    expect(timeline.locator("li").filter(has_text=nb(EventKind.SIGNED.label))).to_contain_text("Lise Leder")
    expect(page.locator("#missing-h")).to_have_text(nb_gettext("Registrations still missing"))
    expect(page.locator(f'#main a[href="{sign_url}"]')).to_have_count(0)

    decision.refresh_from_db()
    assert decision.status == Status.ACTIVE
    assert decision.signed_by == grunerlokka_leader
    assert decision.written_delivery == WrittenDelivery.POST
    assert decision.valid_to == today + datetime.timedelta(days=MAX_PERIOD_DAYS - 1)
    assert sorted(u.number for u in decision.covered_units.all()) == ["0315", "0328"]
    assert [c.channel for c in decision.channels.all()] == [ChannelKind.PHONE]
    assert decision.facts.count() == 1
    assert [u for u in request_urls if citizen.personident in u] == []


def test_caseworker_cannot_sign(page, live_server, grunerlokka, grunerlokka_leader, grunerlokka_caseworker):
    decision = prepare_ready_case(
        by=grunerlokka_caseworker, leader=grunerlokka_leader, unit=grunerlokka, citizen=CitizenFactory(),
    )
    assert decision.status == Status.READY
    sign_path = reverse("utestenging:sign", args=[decision.public_id])
    detail_path = reverse("utestenging:detail", args=[decision.public_id])

    login(page, live_server, "saksbehandler_grunerlokka")
    page.goto(url(live_server, "utestenging:overview"))
    submit(page, page.locator(f'#main a[href="{detail_path}"]').first)

    expect(page).to_have_url(url(live_server, "utestenging:detail", decision.public_id))
    expect(page.locator("#main .status")).to_have_text(nb(Status.READY.label))
    expect(page.locator(f'a[href="{sign_path}"]')).to_have_count(0)
    expect(page.locator("#main")).to_contain_text(nb_gettext("Waiting for the leader's decision."))

    response = page.goto(url(live_server, "utestenging:sign", decision.public_id))
    assert response.status == 404

    # Nor can the caseworker sign by posting the form: the same 404, with a valid CSRF token.
    page.goto(url(live_server, "utestenging:detail", decision.public_id))
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.request.post(
        url(live_server, "utestenging:sign", decision.public_id),
        form={"csrfmiddlewaretoken": token, "written_delivery": WrittenDelivery.POST.value},
        max_redirects=0,
    )
    assert response.status == 404

    decision.refresh_from_db()
    assert decision.status == Status.READY
    assert decision.signed_by is None
    assert decision.signed_at is None


def test_leader_of_another_unit_gets_404(page, live_server, grunerlokka, grunerlokka_leader, arstad, make_staff):
    decision = prepare_ready_case(
        by=grunerlokka_leader, leader=grunerlokka_leader, unit=grunerlokka, citizen=CitizenFactory(),
    )
    other_leader = make_staff(Role.ENHETSLEDER, arstad, username="leder_arstad", nav_ident="L101203")

    login(page, live_server, "leder_arstad")
    expect(page).to_have_url(url(live_server, "core:start"))

    response = page.goto(url(live_server, "utestenging:detail", decision.public_id))
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(decision.citizen.name)
    for viewname, args in (
        ("utestenging:sign", []),
        ("utestenging:notice", []),
        ("utestenging:edit", ["grunnlag"]),
    ):
        response = page.goto(url(live_server, viewname, decision.public_id, *args))
        assert response.status == 404, viewname

    page.goto(url(live_server, "utestenging:overview"))
    expect(page.locator(f'a[href="{reverse("utestenging:detail", args=[decision.public_id])}"]')).to_have_count(0)

    decision.refresh_from_db()
    assert decision.status == Status.READY
    assert not AuditLogEntry.objects.filter(actor=other_leader).exists()


def test_first_step_can_be_filled_and_submitted_with_the_keyboard(
    page, live_server, grunerlokka, grunerlokka_leader,
):
    decision = services.decision_create(
        by=grunerlokka_leader, citizen=CitizenFactory(), unit=grunerlokka, kind=Kind.FYUS,
    )
    # Day and month alike, so the typed digits mean the same date whether Chromium orders the date
    # segments dd.mm.yyyy (nb-NO) or mm/dd/yyyy (headless Chromium often ignores the context locale).
    occurred_on = datetime.date(timezone.localdate().year - 1, 3, 3)
    login(page, live_server, "leder_grunerlokka")
    page.goto(url(live_server, "utestenging:edit", decision.public_id, "grunnlag"))

    # Tab reaches the kind group on the checked radio; arrows move within a radio group.
    tab_until(page, lambda p: focused_name(p) == "kind")
    assert focused_value(page) == Kind.FYUS
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert focused_value(page) == Kind.FTUS
    expect(page.locator(f"input[name=kind][value={Kind.FTUS}]")).to_be_checked()

    # Tab to the first ground and tick it with Space.
    tab_until(page, lambda p: focused_name(p) == "grounds")
    assert focused_value(page) == Ground.VIOLENCE
    page.keyboard.press("Space")
    expect(page.locator(f"input[name=grounds][value={Ground.VIOLENCE}]")).to_be_checked()

    # The fact row: the date typed segment by segment, the browser moving on after each segment.
    tab_until(page, lambda p: focused_name(p) == "facts-0-occurred_on")
    page.keyboard.type(occurred_on.strftime("%d%m%Y"))
    expect(page.locator("input[name=facts-0-occurred_on]")).to_have_value(occurred_on.isoformat())
    tab_until(page, lambda p: focused_name(p) == "facts-0-description")
    page.keyboard.type("Slo i bordet og truet saksbehandleren.")

    tab_until(page, lambda p: focused_name(p) == "save_next")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url(url(live_server, "utestenging:edit", decision.public_id, "vurderinger"))
    expect(page.get_by_role("status")).to_contain_text(nb_gettext("Saved."))
    decision.refresh_from_db()
    assert decision.kind == Kind.FTUS
    assert decision.grounds == [Ground.VIOLENCE]
    assert [(f.occurred_on, f.description) for f in decision.facts.all()] == [
        (occurred_on, "Slo i bordet og truet saksbehandleren.")
    ]


STATEMENT = "Jeg var sint fordi utbetalingen kom for sent. Jeg skal ikke gjøre det igjen."
STATEMENT_ASSESSMENT = "Du forklarer sinnet ditt, men truslene rammet ansatte som ikke kunne gjøre noe med saken."


def test_leader_sees_the_statement_its_assessment_and_the_draft_letter_before_signing(
    page, live_server, grunerlokka, grunerlokka_leader, grunerlokka_caseworker,
):
    citizen = CitizenFactory()
    today = timezone.localdate()
    decision = prepare_ready_case(by=grunerlokka_caseworker, leader=grunerlokka_leader, unit=grunerlokka,
                                  citizen=citizen)
    # Back to draft to give notice properly: the citizen answers and NAV weighs what they said.
    services.decision_reopen(by=grunerlokka_caseworker, decision_id=decision.pk)
    Decision.objects.filter(pk=decision.pk).update(notice_status=NoticeStatus.NOT_HANDLED, letter_language="nn",
                                                   valid_from=today + datetime.timedelta(days=1))
    services.decision_send_notice(by=grunerlokka_caseworker, decision_id=decision.pk, sent_on=today,
                                  method=NoticeMethod.IN_PERSON, deadline=today + datetime.timedelta(days=7))
    services.decision_record_statement(by=grunerlokka_caseworker, decision_id=decision.pk, received=True,
                                       statement=STATEMENT, received_on=today)
    services.decision_update(by=grunerlokka_caseworker, decision_id=decision.pk,
                             statement_assessment=STATEMENT_ASSESSMENT)
    services.decision_mark_ready(by=grunerlokka_caseworker, decision_id=decision.pk)

    login(page, live_server, "leder_grunerlokka")
    page.goto(url(live_server, "utestenging:sign", decision.public_id))
    statement = page.locator("section[aria-labelledby=statement-h]")
    expect(statement.locator("blockquote")).to_have_text(STATEMENT)
    expect(statement.locator(".statement-assessment")).to_have_text(STATEMENT_ASSESSMENT)
    preview = page.locator("#letter-preview")
    expect(preview).to_have_attribute("href", reverse("utestenging:sign_preview", args=[decision.public_id]))
    # All of it comes before the sign button.
    button_top = page.locator("#main form button[type=submit]").bounding_box()["y"]
    assert statement.bounding_box()["y"] < button_top and preview.bounding_box()["y"] < button_top

    response = page.request.get(live_server.url + preview.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    with translation.override("nn"):
        assert gettext("DRAFT") in text and gettext("How we have weighed what you said") in text
    assert STATEMENT.split(".")[0] in text and STATEMENT_ASSESSMENT.split(",")[0] in text
    assert AuditLogEntry.objects.filter(action="letter.preview", actor=grunerlokka_leader).count() == 1

    page.locator("select[name=written_delivery]").select_option(WrittenDelivery.HANDED_OVER.value)
    submit(page, page.locator("#main form button[type=submit]"))
    expect(page).to_have_url(url(live_server, "utestenging:detail", decision.public_id))
    decision.refresh_from_db()
    assert decision.status == Status.SIGNED and decision.statement_assessment == STATEMENT_ASSESSMENT
