"""Each kind on the ladder through the same services as an exclusion: registered, signed, seen, lifted, expired."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from hendelser import selectors as incident_selectors
from hendelser.models import CitizenWarning
from nav_sikkerhet.core import services as core_services
from utestenging import letters, lookup, services
from utestenging.models import (
    KIND_RULES,
    DigitalChannel,
    Kind,
    LessIntrusiveMeasure,
    LetterKind,
    Status,
)

from .factories import (
    ASSESSMENTS,
    FactFactory,
    WarningFactory,
    alternative_rows,
    complete_decision,
    signed_decision,
)
from .lookup_helpers import measure

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
LADDER = [Kind.TOAN, Kind.DIUS, Kind.REGULATED_APPOINTMENTS, Kind.CHANGE_OF_CASEWORKER, Kind.PROTECTIVE_MEASURES]


def _prepare(*, kind, unit, citizen, caseworker, leader, today, days=28):
    """A draft of ``kind`` filled in through decision_update, as the edit pages do, and marked ready."""
    decision = services.decision_create(by=caseworker, citizen=citizen, unit=unit, kind=kind)
    FactFactory(decision=decision, serious=False)
    services.decision_update(
        by=caseworker, decision_id=decision.pk, grounds=["threats"], responsible_leader=leader,
        valid_from=today, valid_to=today + (days - 1) * DAY,
        digital_channels=[DigitalChannel.CHAT] if kind == Kind.DIUS else [],
        **ASSESSMENTS,
        channels=[{"channel": "written", "address": "Postboks 1, 0101 Oslo"}] if kind == Kind.DIUS else None,
    )
    return services.decision_mark_ready(by=caseworker, decision_id=decision.pk)


def _sign(decision, leader):
    return services.decision_sign(by=leader, decision_id=decision.pk, written_delivery="handed_over",
                                  other_measures_acknowledged=True)


@pytest.mark.parametrize("kind", LADDER)
def test_each_kind_is_registered_signed_and_seen_at_reception(kind, unit, citizen, caseworker, leader, today):
    decision = _sign(_prepare(kind=kind, unit=unit, citizen=citizen, caseworker=caseworker, leader=leader,
                              today=today), leader)
    assert decision.status == Status.ACTIVE
    assert decision.letters.get().kind == LetterKind.DECISION

    answer = lookup.lookup_answer(user=leader, citizen=citizen, unit_ids=frozenset({unit.pk}))
    assert [m.kind for m in answer.here] == [kind]
    assert answer.alert
    assert answer.instructions_here == [str(KIND_RULES[kind].instruction)]


@pytest.mark.parametrize("kind", LADDER)
def test_no_advance_notice_is_needed_but_the_period_is_the_kinds(kind, unit, citizen, caseworker, leader, today):
    too_long = KIND_RULES[kind].max_days + 1
    with pytest.raises(ValidationError) as error:
        _prepare(kind=kind, unit=unit, citizen=citizen, caseworker=caseworker, leader=leader, today=today,
                 days=too_long)
    assert "valid_to" in error.value.message_dict


def test_a_caseworker_may_not_decide_two_staff(unit, citizen, caseworker, leader, today):
    decision = _prepare(kind=Kind.TOAN, unit=unit, citizen=citizen, caseworker=caseworker, leader=leader,
                        today=today)
    with pytest.raises(PermissionDenied):
        _sign(decision, caseworker)


def test_a_digital_restriction_needs_its_channels_before_it_is_ready(unit, citizen, caseworker, leader, today):
    decision = services.decision_create(by=caseworker, citizen=citizen, unit=unit, kind=Kind.DIUS)
    FactFactory(decision=decision)
    services.decision_update(by=caseworker, decision_id=decision.pk, grounds=["threats"], valid_from=today,
                             valid_to=today + 27 * DAY, **ASSESSMENTS)
    with pytest.raises(ValidationError) as error:
        services.decision_mark_ready(by=caseworker, decision_id=decision.pk)
    assert "digital" in str(error.value).lower()


@pytest.mark.parametrize("kind", LADDER)
def test_lifting_names_the_kind_in_the_letter(kind, unit, citizen, leader, today):
    decision = measure(unit=unit, citizen=citizen, signed_by=leader, kind=kind)
    services.decision_lift(by=leader, decision_id=decision.pk, lifted_on=today,
                           reason="Bruker har flyttet og har ikke oppsøkt kontoret siden.")
    letter = decision.letters.get(kind=LetterKind.LIFTING)
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            context = letters.context(letters.letter_for_rendering(letter.pk))
            measure_text = str(letters._measure(Kind(kind)))
            assert measure_text in context["title"] and context["measure"] == measure_text
    with translation.override("en"):
        assert "exclusion" not in str(letters._measure(Kind(kind)))


@pytest.mark.parametrize("kind", LADDER)
def test_each_kind_expires_after_its_period(kind, unit, citizen, leader, today):
    decision = measure(unit=unit, citizen=citizen, signed_by=leader, kind=kind, valid_from=today - 30 * DAY, days=28)
    assert services.decision_refresh_status(decision_id=decision.pk, today=today).status == Status.EXPIRED
    assert lookup.measures_in_force(citizen_id=citizen.pk, today=today) == []


def test_the_api_sends_two_staff_and_digital_restriction_with_pdl_codes_and_keeps_the_rest_internal(
    client, unit, citizen, leader, today,
):
    for kind in Kind:
        if kind in (Kind.FYUS, Kind.TFUS, Kind.FTUS):
            continue
        measure(unit=unit, citizen=citizen, signed_by=leader, kind=kind,
                **({"digital_channels": [DigitalChannel.CHAT]} if kind == Kind.DIUS else {}))
    _, key = core_services.api_key_create(system="modia")
    response = client.post("/api/v1/sikkerhetstiltak", data=json.dumps({"personident": citizen.personident}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200, response.content
    sent = {(m["tiltakstype"], m["beskrivelse"]) for m in response.json()["sikkerhetstiltak"]}
    assert sent == {("TOAN", "To ansatte i samtale"), ("DIUS", "Digital utestengelse")}


def test_the_look_up_shows_every_kind_with_what_to_do_and_the_closed_channels(client, reception, unit, citizen,
                                                                                leader):
    for kind in (Kind.TOAN, Kind.DIUS, Kind.CHANGE_OF_CASEWORKER):
        measure(unit=unit, citizen=citizen, signed_by=leader, kind=kind,
                **({"digital_channels": [DigitalChannel.CHAT]} if kind == Kind.DIUS else {}))
    client.force_login(reception)
    content = client.post("/mottak/", {"search": "ident", "personident": citizen.personident}).content.decode()
    with translation.override("nb"):
        for kind in (Kind.TOAN, Kind.DIUS, Kind.CHANGE_OF_CASEWORKER):
            assert str(Kind(kind).label) in content
            assert str(KIND_RULES[kind].instruction) in content
        assert str(DigitalChannel.CHAT.label) in content


def test_an_exclusion_cites_the_earlier_measure_and_warning_it_tried(unit, citizen, caseworker, leader, today):
    toan = measure(unit=unit, citizen=citizen, signed_by=leader, kind=Kind.TOAN, valid_from=today - 40 * DAY)
    services.decision_refresh_status(decision_id=toan.pk, today=today)
    draft = complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader,
                              status=Status.DRAFT)
    warning = WarningFactory(decision=draft)
    rows = alternative_rows()
    for row in rows:
        if row["alternative"] == LessIntrusiveMeasure.TWO_STAFF:
            row.update(outcome="tried", tried_on=None, measure_id=toan.pk)
        if row["alternative"] == LessIntrusiveMeasure.WRITTEN_WARNING:
            row.update(outcome="tried", tried_on=None, warning_id=warning.pk)
    services.decision_update(by=caseworker, decision_id=draft.pk, alternative_assessments=rows)
    assert "alternatives" not in [item.key for item in services.decision_checklist(draft) if not item.done]
    cited = draft.alternative_assessments.get(alternative=LessIntrusiveMeasure.TWO_STAFF)
    assert cited.measure == toan
    assert services.ladder_measures_of(citizen.pk) == [toan]

    # Another citizen's measure cannot be cited.
    stranger = signed_decision(unit=unit, signed_by=leader, created_by=leader, kind=Kind.TOAN)
    rows[[r["alternative"] for r in rows].index(LessIntrusiveMeasure.TWO_STAFF)]["measure_id"] = stranger.pk
    with pytest.raises(ValidationError):
        services.decision_update(by=caseworker, decision_id=draft.pk, alternative_assessments=rows)


def test_an_oral_warning_is_recorded_with_who_gave_it_and_when(unit, citizen, caseworker, today):
    draft = services.decision_create(by=caseworker, citizen=citizen, unit=unit, kind=Kind.FYUS)
    services.decision_update(by=caseworker, decision_id=draft.pk, new_warnings=[
        {"given_on": today - 5 * DAY, "form": "oral", "given_by": "Vekter Ola Hansen", "note": ""},
        {"given_on": today - 2 * DAY, "form": "oral", "note": ""},
    ])
    recorded = [(w.given_on, w.form, w.given_by, w.registered_by)
                for w in incident_selectors.warnings_of(citizen_id=citizen.pk)]
    assert recorded == [(today - 5 * DAY, "oral", "Vekter Ola Hansen", caseworker),
                        (today - 2 * DAY, "oral", caseworker.get_full_name() or caseworker.username, caseworker)]
    with pytest.raises(ValidationError) as error:
        CitizenWarning(citizen=citizen, unit=unit, given_on=today, form="oral", registered_by=caseworker).clean()
    assert set(error.value.message_dict) == {"given_by"}


def test_the_decision_letter_for_two_staff_says_what_was_decided_and_nothing_about_exclusion(unit, citizen, leader):
    decision = measure(unit=unit, citizen=citizen, signed_by=leader, kind=Kind.TOAN)
    letter = decision.letters.create(kind=LetterKind.DECISION, language="en", created_by=leader)
    html = letters.render_html(letter)
    assert "NAV has decided on two staff in every meeting with you" in html
    assert "You may not come to the premises" not in html and "If you call anyway" not in html
