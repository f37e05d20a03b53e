"""Issue 17, items 1, 2 and 7: every other path to a signed decision or a sent letter is tried and refused.

Each test goes the way a careful adversary would — back to draft, a second form, one request with two parts, a
later decision, the admin, a placeholder date — and checks the refusal and that no letter was produced. Tests are
named after the guideline paragraph (§) or the Ombudsman's criticism they guard.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from nav_sikkerhet.core import workdays
from utestenging import letters, selectors, services
from utestenging.models import (
    Decision,
    Fact,
    Letter,
    LetterKind,
    NoticeImpossibleReason,
    NoticeMethod,
    NoticeStatus,
    ShortDeadlineReason,
    StatementStatus,
    Status,
    WrittenDelivery,
)

from ..factories import CitizenFactory
from .factories import FactFactory, complete_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list} if hasattr(error, "error_list") else set()


def _no_decision_letter(decision) -> None:
    assert not Letter.objects.filter(
        decision=decision, kind__in=[LetterKind.DECISION, LetterKind.EXTENSION]
    ).exists()


@pytest.fixture
def prepared(unit, citizen, caseworker, leader, today):
    """A draft with everything but the advance notice, starting in three weeks."""
    return complete_decision(
        status=Status.DRAFT, unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader,
        notice_status=NoticeStatus.NOT_HANDLED, notice_not_possible_kind="", notice_not_possible_reason="",
        valid_from=today + 21 * DAY, valid_to=today + 48 * DAY,
    )


def _notice(decision, by, today, days=14, **kwargs):
    return services.decision_send_notice(by=by, decision_id=decision.pk, sent_on=today, method=NoticeMethod.LETTER,
                                         deadline=today + days * DAY, **kwargs)


def _item(decision, key):
    """The checklist item as the decision now stands in the database."""
    decision.refresh_from_db()
    return next(item for item in services.decision_checklist(decision) if item.key == key)


def _sign(decision, by, **kwargs):
    return services.decision_sign(by=by, decision_id=decision.pk,
                                  **{"written_delivery": WrittenDelivery.HANDED_OVER, **kwargs})


# -- item 1: a notice, once sent, stands (§4) -----------------------------------------------------------------


def test_section_4_back_to_draft_then_notice_not_possible_is_refused_and_the_notice_stands(
    prepared, caseworker, leader, today,
):
    _notice(prepared, caseworker, today)
    services.decision_reopen(by=caseworker, decision_id=prepared.pk)
    with pytest.raises(ValidationError) as error:
        services.decision_notice_not_possible(by=caseworker, decision_id=prepared.pk,
                                              kind=NoticeImpossibleReason.OTHER, reason="x")
    assert error.value.code == "notice_stands"
    prepared.refresh_from_db()
    assert (prepared.status, prepared.notice_status, prepared.notice_sent_on, prepared.notice_deadline) == (
        Status.DRAFT, NoticeStatus.SENT, today, today + 14 * DAY)
    with pytest.raises(ValidationError) as error:
        services.decision_mark_ready(by=caseworker, decision_id=prepared.pk)
    assert "notice" in _codes(error.value)
    _no_decision_letter(prepared)


def test_section_4_a_notice_letter_alone_keeps_notice_not_possible_out(prepared, caseworker, today):
    Letter.objects.create(decision=prepared, kind=LetterKind.NOTICE, language="nb", created_by=caseworker)
    with pytest.raises(ValidationError) as error:
        services.decision_notice_not_possible(by=caseworker, decision_id=prepared.pk,
                                              kind=NoticeImpossibleReason.ACUTE_DANGER,
                                          reason="Han truet en saksbehandler med kniv i mottaket.")
    assert error.value.code == "notice_stands"


def test_section_4_the_notice_page_offers_no_notice_not_possible_once_sent_and_refuses_the_post(
    client, prepared, caseworker, today,
):
    _notice(prepared, caseworker, today)
    services.decision_reopen(by=caseworker, decision_id=prepared.pk)
    client.force_login(caseworker)
    url = reverse("utestenging:notice", args=[prepared.public_id])
    page = client.get(url).content.decode()
    assert 'value="not_possible"' not in page
    response = client.post(url, {"action": "not_possible", "np-kind": NoticeImpossibleReason.OTHER,
                                 "np-reason": "Annen grunn."})
    assert response.status_code == 200
    assert response.context["not_possible_form"].errors
    prepared.refresh_from_db()
    assert prepared.notice_status == NoticeStatus.SENT


def test_section_4_no_signing_while_the_citizen_may_still_answer(prepared, caseworker, leader, today):
    _notice(prepared, caseworker, today)
    Decision.objects.filter(pk=prepared.pk).update(status=Status.READY)  # past the checklist by a back door
    with pytest.raises(ValidationError) as error:
        _sign(prepared, leader)
    assert "notice" in _codes(error.value)
    _no_decision_letter(prepared)


def test_section_4_a_statement_received_is_assessed_before_signing(prepared, caseworker, leader, today):
    _notice(prepared, caseworker, today)
    services.decision_record_statement(by=caseworker, decision_id=prepared.pk, received=True,
                                       statement="Jeg er uenig.", received_on=today)
    with pytest.raises(ValidationError) as error:
        services.decision_mark_ready(by=caseworker, decision_id=prepared.pk)
    assert "statement_assessment" in _codes(error.value)
    _no_decision_letter(prepared)


def test_section_4_the_statement_can_be_recorded_after_the_case_went_back_to_draft(prepared, caseworker, today):
    _notice(prepared, caseworker, today)
    services.decision_reopen(by=caseworker, decision_id=prepared.pk)
    decision = services.decision_record_statement(by=caseworker, decision_id=prepared.pk, received=True,
                                                  statement="Jeg beklager.", received_on=today)
    assert decision.statement_status == StatementStatus.RECEIVED


@pytest.mark.parametrize("change", ["fact", "reworded_fact", "period", "ground", "kind", "scope"])
def test_section_4_a_change_after_the_notice_needs_a_new_notice_before_signing(
    prepared, caseworker, leader, today, change, unit,
):
    _notice(prepared, caseworker, today)
    facts = [{"occurred_on": f.occurred_on, "description": f.description, "serious": f.serious}
             for f in prepared.facts.all()]
    with freeze_time(today + 15 * DAY):
        services.decision_record_statement(by=caseworker, decision_id=prepared.pk, received=False)
        services.decision_reopen(by=caseworker, decision_id=prepared.pk)
        changes = {
            "fact": {"facts": [*facts, {"occurred_on": today, "description": "Du ringte og truet igjen.",
                                        "serious": True}]},
            "reworded_fact": {"facts": [{**facts[0], "description": "Du slo en ansatt."}]},
            "period": {"valid_to": prepared.valid_to + DAY},
            "ground": {"grounds": ["threats", "violence"]},
            "kind": {"kind": "FTUS", "grounds": ["threats"],
                     "other_units_views": "Ingen andre enheter blir berørt av dette tiltaket."},
            "scope": {"scope": "municipality"},
        }[change]
        if change == "scope":
            from ..factories import UnitFactory

            UnitFactory(number="0328", municipality_number=unit.municipality_number)
        services.decision_update(by=caseworker, decision_id=prepared.pk, **changes)
        assert not _item(prepared, "notice_covers").done
        with pytest.raises(ValidationError) as error:
            services.decision_mark_ready(by=caseworker, decision_id=prepared.pk)
        assert "notice_covers" in _codes(error.value)
        _no_decision_letter(prepared)
        # A new notice, with a new deadline, covers the change.
        _notice(prepared, caseworker, today + 15 * DAY)
        assert _item(prepared, "notice_covers").done
        assert prepared.letters.filter(kind=LetterKind.NOTICE).count() == 2


def test_section_4_less_than_the_notice_said_needs_no_new_notice(prepared, caseworker, today):
    _notice(prepared, caseworker, today)
    services.decision_reopen(by=caseworker, decision_id=prepared.pk)
    services.decision_update(by=caseworker, decision_id=prepared.pk, valid_to=prepared.valid_to - 7 * DAY,
                             duration_assessment="Etter uttalelsen din er perioden kortet ned til tre uker.")
    assert _item(prepared, "notice_covers").done


@pytest.mark.parametrize("days", [0, -1])
def test_section_4_the_deadline_is_never_the_day_the_notice_is_sent_placeholder_dates(
    prepared, caseworker, today, days,
):
    with pytest.raises(ValidationError) as error:
        _notice(prepared, caseworker, today, days=days, short_deadline_kind=ShortDeadlineReason.ACUTE_DANGER,
                short_deadline_reason="Akutt fare for ansatte.")
    assert "notice_deadline" in error.value.message_dict
    assert not prepared.letters.exists()


def test_section_4_a_deadline_shorter_than_seven_days_takes_a_listed_reason_and_a_text(prepared, caseworker, today):
    for kwargs, field in (({}, "notice_deadline"),
                          ({"short_deadline_reason": "Haster."}, "notice_short_deadline_kind"),
                          ({"short_deadline_kind": ShortDeadlineReason.URGENT}, "notice_short_deadline_reason")):
        with pytest.raises(ValidationError) as error:
            _notice(prepared, caseworker, today, days=3, **kwargs)
        assert field in error.value.message_dict
    assert not prepared.letters.exists()
    decision = _notice(prepared, caseworker, today, days=3, short_deadline_kind=ShortDeadlineReason.URGENT,
                       short_deadline_reason="Du har varslet at du kommer på mandag.")
    assert decision.notice_short_deadline_kind == ShortDeadlineReason.URGENT


@pytest.mark.parametrize("received_on", [datetime.date(1900, 1, 1), "before_notice", "tomorrow"])
def test_section_4_a_statement_is_received_between_the_notice_and_today(prepared, caseworker, today, received_on):
    _notice(prepared, caseworker, today)
    day = {"before_notice": today - DAY, "tomorrow": today + DAY}.get(received_on, received_on)
    with pytest.raises(ValidationError) as error:
        services.decision_record_statement(by=caseworker, decision_id=prepared.pk, received=True,
                                           statement="Jeg er uenig.", received_on=day)
    assert "statement_received_on" in error.value.message_dict


def test_section_4_a_later_decision_on_the_same_incidents_cannot_skip_the_notice(
    prepared, caseworker, leader, today, unit, citizen,
):
    _notice(prepared, caseworker, today)
    services.decision_drop(by=leader, decision_id=prepared.pk, reason="Startet feil sak.")
    later = complete_decision(status=Status.DRAFT, unit=unit, citizen=citizen, created_by=caseworker,
                              responsible_leader=leader, notice_status=NoticeStatus.NOT_HANDLED,
                              notice_not_possible_kind="", notice_not_possible_reason="")
    Fact.objects.filter(decision=later).update(occurred_on=today - 10 * DAY)
    with pytest.raises(ValidationError) as error:
        services.decision_notice_not_possible(by=caseworker, decision_id=later.pk,
                                              kind=NoticeImpossibleReason.ACUTE_DANGER, reason="Haster.")
    assert error.value.code == "notice_in_other_case"
    assert prepared.case_number in error.value.messages[0]
    # A new incident after that notice can ground a new case without notice (acute danger).
    FactFactory(decision=later, occurred_on=today, description="Du kom tilbake med kniv.", serious=True)
    services.decision_notice_not_possible(by=caseworker, decision_id=later.pk,
                                          kind=NoticeImpossibleReason.ACUTE_DANGER, reason="Du kom med kniv i dag.")


def test_section_4_the_admin_cannot_turn_a_sent_notice_into_notice_not_possible(client, superuser, prepared,
                                                                                caseworker, today):
    _notice(prepared, caseworker, today)
    client.force_login(superuser)
    url = reverse("admin:utestenging_decision_change", args=[prepared.pk])
    client.post(url, {"notice_status": NoticeStatus.NOT_POSSIBLE, "notice_not_possible_kind": "other",
                      "notice_not_possible_reason": "x"})
    prepared.refresh_from_db()
    assert prepared.notice_status == NoticeStatus.SENT
    # Even a row written past every service is refused by the model's own rule.
    prepared.notice_status = NoticeStatus.NOT_POSSIBLE
    with pytest.raises(ValidationError) as error:
        prepared.full_clean()
    assert "notice_not_possible_kind" in error.value.message_dict


def test_section_4_no_letter_says_notice_was_not_possible_when_a_notice_was_sent(prepared, caseworker, leader, today):
    _notice(prepared, caseworker, today)
    # A row forced past the model's rule, as old data might be: the letter still tells what happened.
    Decision.objects.filter(pk=prepared.pk).update(notice_status=NoticeStatus.NOT_POSSIBLE,
                                                   notice_not_possible_reason="Ikke mulig.")
    prepared.refresh_from_db()
    for language in ("nb", "en"):
        letter = Letter(decision=prepared, kind=LetterKind.DECISION, language=language, created_by=leader,
                        created_at=timezone.now())
        html = re.sub(r"\s+", " ", letters.render_html(letter, draft=True))
        with translation.override(language):
            impossible = translation.gettext(
                "It was not possible to give you advance notice before the decision, because:")
        assert impossible not in html
        assert prepared.notice_sent_on.strftime("%d.%m.%Y") in html


# -- item 2: the citizen has the written decision when the measure starts (§6) --------------------------------


@pytest.fixture
def ready_soon(unit, citizen, caseworker, leader, today):
    """Ready to sign, starting on the sixth working day from today."""
    start = workdays.add_working_days(today, 6)
    return complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader,
                             valid_from=start, valid_to=start + 27 * DAY)


def test_handwritten_note_a_month_later_handing_over_after_the_first_day_is_refused(ready_soon, leader):
    with pytest.raises(ValidationError) as error:
        _sign(ready_soon, leader, written_delivered_on=ready_soon.valid_from + DAY)
    assert "written_delivered_on" in error.value.message_dict
    _no_decision_letter(ready_soon)


def test_section_6_post_must_be_sent_early_enough_to_arrive_by_the_first_day(ready_soon, leader, today):
    late = workdays.add_working_days(today, 4)  # arrives on the 7th working day: after the start
    with pytest.raises(ValidationError) as error:
        _sign(ready_soon, leader, written_delivery=WrittenDelivery.POST, written_delivered_on=late)
    assert "told_orally_on" in error.value.message_dict
    _no_decision_letter(ready_soon)
    decision = _sign(ready_soon, leader, written_delivery=WrittenDelivery.POST,
                     written_delivered_on=workdays.add_working_days(today, 3))
    assert decision.status == Status.SIGNED


def test_section_6_told_orally_the_written_decision_follows_within_three_working_days(ready_soon, leader, today):
    with pytest.raises(ValidationError) as error:
        _sign(ready_soon, leader, told_orally_on=today, written_delivered_on=workdays.add_working_days(today, 4))
    assert "written_delivered_on" in error.value.message_dict
    _no_decision_letter(ready_soon)
    _sign(ready_soon, leader, told_orally_on=today, written_delivered_on=workdays.add_working_days(today, 3))


@pytest.mark.parametrize("day", [datetime.date(2099, 12, 31), datetime.date(1900, 1, 1)])
def test_section_6_a_placeholder_delivery_date_is_refused(ready_soon, leader, day):
    with pytest.raises(ValidationError) as error:
        _sign(ready_soon, leader, written_delivered_on=day)
    assert "written_delivered_on" in error.value.message_dict
    _no_decision_letter(ready_soon)


def test_section_6_the_overview_lists_written_decisions_not_yet_delivered_until_recorded(ready_soon, leader,
                                                                                         caseworker, today):
    decision = _sign(ready_soon, leader, written_delivery=WrittenDelivery.POST,
                     written_delivered_on=workdays.add_working_days(today, 2))
    listed = selectors.overview(user=leader).undelivered
    assert listed == [decision]
    assert listed[0].delivery_due == workdays.latest_start(decision.valid_from, 3)
    services.decision_record_delivery(by=caseworker, decision_id=decision.pk, delivered_on=today,
                                      how=WrittenDelivery.POST)
    assert selectors.overview(user=leader).undelivered == []


# -- item 7: a letter has somewhere to go (§6) ----------------------------------------------------------------


@pytest.fixture
def homeless(unit, caseworker, leader, today):
    citizen = CitizenFactory(address="", postal_code="", postal_city="")
    return complete_decision(
        status=Status.DRAFT, unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader,
        notice_status=NoticeStatus.NOT_HANDLED, notice_not_possible_kind="", notice_not_possible_reason="",
        valid_from=today + 21 * DAY, valid_to=today + 48 * DAY,
    )


def test_section_6_a_notice_by_post_needs_a_postal_address_and_says_where_to_add_it(homeless, caseworker, today):
    with pytest.raises(ValidationError) as error:
        _notice(homeless, caseworker, today)
    message = error.value.message_dict["notice_method"][0]
    assert "«" in message  # names the step where the address is typed
    assert not homeless.letters.exists()
    homeless.refresh_from_db()
    assert homeless.status == Status.DRAFT
    services.decision_update(by=caseworker, decision_id=homeless.pk, postal_address="Postboks 12\n0101 Oslo")
    _notice(homeless, caseworker, today)
    letter = homeless.letters.get(kind=LetterKind.NOTICE)
    with translation.override("nb"):
        values = letters.context(letters.letter_for_rendering(letter.pk))
    assert values["address_lines"] == ["Postboks 12", "0101 Oslo"]


def test_section_6_in_person_notice_needs_no_postal_address(homeless, caseworker, today):
    services.decision_send_notice(by=caseworker, decision_id=homeless.pk, sent_on=today,
                                  method=NoticeMethod.IN_PERSON, deadline=today + 14 * DAY)


def test_section_6_a_decision_by_post_needs_a_postal_address(homeless, caseworker, leader, today):
    services.decision_notice_not_possible(by=caseworker, decision_id=homeless.pk,
                                          kind=NoticeImpossibleReason.ACUTE_DANGER,
                                          reason="Han truet en saksbehandler med kniv i mottaket.")
    Decision.objects.filter(pk=homeless.pk).update(status=Status.READY)
    with pytest.raises(ValidationError) as error:
        _sign(homeless, leader, written_delivery=WrittenDelivery.POST)
    assert "written_delivery" in error.value.message_dict
    _no_decision_letter(homeless)
    _sign(homeless, leader, written_delivery=WrittenDelivery.HANDED_OVER)
