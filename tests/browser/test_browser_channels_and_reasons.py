"""What the user is told, and where, when a decision would shut a channel or rest on a placeholder (issue 17).

Texts are computed from the app's own messages in bokmål, so the tests follow the catalogues.
"""

import re

import pytest
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from nav_sikkerhet.core.models import Role
from utestenging import reasons, services
from utestenging.models import AlternativeChannel, ChannelKind, Decision, Kind, Letter, Scope, Status

from ..factories import CitizenFactory, UnitFactory
from ..utestenging.factories import ChannelFactory, complete_decision, signed_decision
from .conftest import dangling_aria_references, login, url
from .test_browser_decisions import nb_gettext, submit


@pytest.fixture
def grorud(transactional_db):
    return UnitFactory(number="0328", name="NAV Grorud", municipality_number="0301", municipality_name="Oslo",
                       region="Oslo")


@pytest.fixture
def caseworker(make_staff, grunerlokka):
    return make_staff(Role.SAKSBEHANDLER, grunerlokka, username="saksbehandler_grunerlokka", first_name="Sara",
                      last_name="Saksbehandler", nav_ident="S200315")


def _hint(message: str, **values) -> str:
    return nb_gettext(message) % values if values else nb_gettext(message)


def test_the_assessment_says_as_you_type_what_is_missing_and_the_server_refuses_a_placeholder(
    page, live_server, grunerlokka, grunerlokka_leader, caseworker,
):
    decision = services.decision_create(by=caseworker, citizen=CitizenFactory(), unit=grunerlokka, kind=Kind.FYUS)
    login(page, live_server, "saksbehandler_grunerlokka")
    page.goto(url(live_server, "utestenging:edit", decision.public_id, "vurderinger"))

    risk = page.locator("textarea[name=risk_of_repetition]")
    hint = page.locator("#id_risk_of_repetition_reasonhint")
    risk.fill("x")
    expect(hint).to_have_text(_hint("«%(text)s» is a placeholder, not a reason: write what NAV found and why.",
                                    text="x"))
    expect(hint).to_have_attribute("aria-live", "polite")
    expect(risk).to_have_attribute("aria-describedby", re.compile(r"\bid_risk_of_repetition_reasonhint\b"))
    risk.fill("Du truet igjen.")
    expect(hint).to_have_text(_hint("Write at least %(needed)d words, as a whole sentence (now %(count)d).",
                                    needed=6, count=3))
    sentence = "Du har truet ansatte tre ganger siden mars, og sist etter en advarsel."
    page.locator("textarea[name=clear_need]").fill(sentence)
    risk.fill(sentence)
    with translation.override("nb"):
        label = str(capfirst(Decision._meta.get_field("clear_need").verbose_name))
    expect(hint).to_have_text(_hint("The same text as «%(other)s»: each assessment needs its own reasoning.",
                                    other=label))
    risk.fill("Du har truet ansatte tre ganger siden mars; vi regner med at det skjer igjen.")
    expect(hint).to_have_text(_hint("Enough words: check that it says what NAV found and why."))
    # The alternatives' reasons get the same hint.
    page.locator("textarea[name=alternatives-0-reason]").fill("se over")
    expect(page.locator("#id_alternatives-0-reason_reasonhint")).to_be_visible()
    assert dangling_aria_references(page) == []

    # The hint only helps: sent anyway, the server refuses the placeholder on its field and keeps what was typed.
    page.locator("textarea[name=proportionality]").fill("Se over.")
    response = submit(page, page.locator("button[name=save]"))
    assert response.status == 200
    error = page.locator("#id_proportionality_error")
    expect(error).to_contain_text(_hint("«%(text)s» is a placeholder, not a reason: write what NAV found and why.",
                                        text="Se over."))
    expect(error.locator("xpath=..")).to_have_attribute("role", "alert")
    expect(page.locator("textarea[name=risk_of_repetition]")).to_have_value(
        "Du har truet ansatte tre ganger siden mars; vi regner med at det skjer igjen.")
    decision.refresh_from_db()
    assert decision.proportionality == "" and decision.risk_of_repetition == ""
    settings = page.evaluate("() => JSON.parse(document.getElementById('reason-hint-settings').textContent)")
    assert settings == reasons.hint_settings() | {"messages": settings["messages"]}  # the server's own rule


def test_signing_is_refused_naming_the_earlier_case_whose_only_channel_the_new_one_would_shut(
    page, live_server, grunerlokka, grorud, grunerlokka_leader, caseworker,
):
    citizen = CitizenFactory()
    earlier = signed_decision(unit=grunerlokka, citizen=citizen, created_by=caseworker,
                              signed_by=grunerlokka_leader, days=60)
    AlternativeChannel.objects.filter(decision=earlier).delete()
    ChannelFactory(decision=earlier, channel=ChannelKind.MEETING, person_name="", phone="", unit=grorud,
                   place="Møterom 1", times="Tirsdager 10–12")
    later = complete_decision(unit=grunerlokka, citizen=citizen, created_by=caseworker,
                              responsible_leader=grunerlokka_leader, scope=Scope.MUNICIPALITY)
    later.covered_units.set([grunerlokka, grorud])

    login(page, live_server, "leder_grunerlokka")
    page.goto(url(live_server, "utestenging:sign", later.public_id))
    # Shown before the leader tries: which case would lose its channel.
    expect(page.locator("#shuts-others")).to_contain_text(earlier.case_number)
    page.locator("select[name=written_delivery]").select_option("handed_over")
    page.locator("input[name=other_measures_acknowledged]").check()
    response = submit(page, page.locator("#main form button[type=submit]"))

    assert response.status == 200
    alert = page.locator("#main .alert--error[role=alert]").filter(has_text=earlier.case_number)
    expect(alert).to_be_visible()
    expect(page.locator("select[name=written_delivery]")).to_have_value("handed_over")
    later.refresh_from_db()
    assert later.status == Status.READY
    assert not Letter.objects.filter(decision=later).exists()


def test_the_scope_step_shows_why_a_meeting_cannot_be_in_the_premises_the_scope_excludes(
    page, live_server, grunerlokka, grorud, grunerlokka_leader, caseworker,
):
    decision = services.decision_create(by=caseworker, citizen=CitizenFactory(), unit=grunerlokka, kind=Kind.FYUS)
    login(page, live_server, "saksbehandler_grunerlokka")
    page.goto(url(live_server, "utestenging:edit", decision.public_id, "omfang"))

    page.locator(f"input[name=scope][value={Scope.MUNICIPALITY}]").check()
    page.locator("select[name=channels-0-channel]").select_option(ChannelKind.MEETING.value)
    page.locator("select[name=channels-0-unit]").select_option(str(grorud.pk))
    page.locator("input[name=channels-0-times]").fill("Tirsdager 10–12")
    response = submit(page, page.locator("button[name=save]"))

    assert response.status == 200
    message = _hint("A meeting cannot be held at %(unit)s: the decision excludes the citizen from it. Choose a "
                    "unit the decision does not cover, or a place outside NAV.", unit=grorud.name)
    expect(page.get_by_role("alert").filter(has_text=message)).to_be_visible()
    expect(page.locator("select[name=channels-0-unit]")).to_have_value(str(grorud.pk))
    expect(page.locator(f"input[name=scope][value={Scope.MUNICIPALITY}]")).to_be_checked()
    decision.refresh_from_db()
    assert decision.scope == Scope.UNIT and not decision.channels.exists()
    expect(page).to_have_url(url(live_server, "utestenging:edit", decision.public_id, "omfang"))
