"""Advance notice (§4): send it, record that it was not possible, record the citizen's statement."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext
from freezegun import freeze_time

from utestenging import services
from utestenging.models import (
    Decision,
    EventKind,
    Kind,
    NoticeImpossibleReason,
    NoticeMethod,
    NoticeStatus,
    StatementStatus,
    Status,
)
from utestenging.workflow import InvalidTransition

from .factories import DecisionFactory, FactFactory, complete_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def prepared(unit, citizen, caseworker, leader):
    """A draft clear enough to give notice on: grounds, facts and the planned period, notice not yet handled."""
    return complete_decision(
        status=Status.DRAFT, unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader,
        notice_status=NoticeStatus.NOT_HANDLED, notice_not_possible_kind="", notice_not_possible_reason="",
    )


def _deadline_after_sending() -> str:
    return gettext("The deadline must be after the day the notice is sent: the citizen needs time to answer.")


def _send(decision, by, today, **overrides):
    arguments = {"sent_on": today, "method": NoticeMethod.LETTER, "deadline": today + 14 * DAY, **overrides}
    return services.decision_send_notice(by=by, decision_id=decision.pk, **arguments)


def _notice_sent(decision, sent_on, deadline):
    Decision.objects.filter(pk=decision.pk).update(
        status=Status.NOTICE_SENT, notice_status=NoticeStatus.SENT, notice_sent_on=sent_on,
        notice_method=NoticeMethod.LETTER, notice_deadline=deadline, statement_status=StatementStatus.AWAITING,
    )


# -- sending notice --------------------------------------------------------------------------------


def test_caseworker_sends_notice_with_a_deadline(prepared, caseworker, today, assert_recorded):
    decision = _send(prepared, caseworker, today)
    decision.refresh_from_db()
    assert decision.status == Status.NOTICE_SENT
    assert (decision.notice_status, decision.notice_sent_on, decision.notice_method, decision.notice_deadline) == (
        NoticeStatus.SENT, today, NoticeMethod.LETTER, today + 14 * DAY,
    )
    assert decision.statement_status == StatementStatus.AWAITING
    expected = gettext("Deadline for the citizen's statement: %(date)s") % {
        "date": (today + 14 * DAY).strftime("%d.%m.%Y")
    }
    assert_recorded(decision, EventKind.NOTICE_SENT, caseworker, text=expected)


def test_notice_is_refused_until_it_says_what_and_why(draft, caseworker, today):
    with pytest.raises(ValidationError) as info:
        _send(draft, caseworker, today)
    assert [e.code for e in info.value.error_list] == ["grounds", "facts", "period"]
    draft.refresh_from_db()
    assert (draft.status, draft.notice_status) == (Status.DRAFT, NoticeStatus.NOT_HANDLED)


def test_notice_without_facts_is_refused(unit, citizen, caseworker, today):
    decision = DecisionFactory(unit=unit, citizen=citizen, created_by=caseworker, grounds=["threats"],
                               valid_from=today, valid_to=today + 10 * DAY)
    with pytest.raises(ValidationError) as info:
        _send(decision, caseworker, today)
    assert info.value.messages == [gettext("Describe at least one incident before sending advance notice.")]
    FactFactory(decision=decision)
    assert _send(decision, caseworker, today).status == Status.NOTICE_SENT


def test_notice_cannot_be_dated_in_the_future(prepared, caseworker, today):
    with pytest.raises(ValidationError) as info:
        _send(prepared, caseworker, today, sent_on=today + DAY)
    assert set(info.value.message_dict) == {"notice_sent_on"}


def test_deadline_before_the_notice_was_sent_is_refused(prepared, caseworker, today):
    with pytest.raises(ValidationError) as info:
        _send(prepared, caseworker, today, sent_on=today, deadline=today - DAY)
    assert info.value.message_dict == {
        "notice_deadline": [_deadline_after_sending()]
    }
    prepared.refresh_from_db()
    assert prepared.status == Status.DRAFT


def test_reception_may_not_send_notice(prepared, reception, today):
    with pytest.raises(PermissionDenied):
        _send(prepared, reception, today)
    prepared.refresh_from_db()
    assert prepared.status == Status.DRAFT


def test_leader_of_another_unit_may_not_send_notice(prepared, other_leader, today):
    with pytest.raises(PermissionDenied):
        _send(prepared, other_leader, today)
    prepared.refresh_from_db()
    assert prepared.status == Status.DRAFT


@pytest.mark.parametrize("status", [Status.NOTICE_SENT, Status.READY])
def test_notice_cannot_be_sent_from_a_later_stage(prepared, caseworker, today, status):
    prepared.status = status
    prepared.save()
    with pytest.raises(InvalidTransition):
        _send(prepared, caseworker, today)
    prepared.refresh_from_db()
    assert prepared.notice_status == NoticeStatus.NOT_HANDLED


# -- notice not possible ---------------------------------------------------------------------------


def test_caseworker_records_why_notice_was_not_possible(prepared, caseworker, assert_recorded):
    reason = "Bruker har ingen fast adresse og svarer ikke på telefon."
    decision = services.decision_notice_not_possible(by=caseworker, decision_id=prepared.pk, kind="unreachable",
                                                     reason=reason)
    decision.refresh_from_db()
    assert (decision.status, decision.notice_status, decision.notice_not_possible_reason) == (
        Status.DRAFT, NoticeStatus.NOT_POSSIBLE, reason,
    )
    assert next(i for i in services.decision_checklist(decision) if i.key == "notice").done
    with translation.override("nb"):
        label = str(NoticeImpossibleReason.UNREACHABLE.label)
    assert decision.notice_not_possible_kind == NoticeImpossibleReason.UNREACHABLE
    assert_recorded(decision, EventKind.NOTICE_NOT_POSSIBLE, caseworker, text=f"{label}: {reason}")


def test_notice_not_possible_needs_a_reason(prepared, caseworker):
    with pytest.raises(ValidationError) as info:
        services.decision_notice_not_possible(by=caseworker, decision_id=prepared.pk, kind="unreachable", reason="  ")
    assert set(info.value.message_dict) == {"notice_not_possible_reason"}
    prepared.refresh_from_db()
    assert prepared.notice_status == NoticeStatus.NOT_HANDLED


def test_notice_not_possible_is_refused_after_notice_was_sent(prepared, caseworker, today):
    _notice_sent(prepared, today, today + 14 * DAY)
    with pytest.raises(ValidationError) as info:
        services.decision_notice_not_possible(by=caseworker, decision_id=prepared.pk, kind="unreachable",
                                              reason="Glemte det")
    assert info.value.code == "notice_sent"
    prepared.refresh_from_db()
    assert prepared.notice_status == NoticeStatus.SENT


def test_leader_of_another_unit_may_not_record_notice_not_possible(prepared, other_leader):
    with pytest.raises(PermissionDenied):
        services.decision_notice_not_possible(by=other_leader, decision_id=prepared.pk, kind="unreachable",
                                              reason="Ukjent adresse")
    prepared.refresh_from_db()
    assert prepared.notice_status == NoticeStatus.NOT_HANDLED


# -- the citizen's statement -----------------------------------------------------------------------


def test_caseworker_records_the_citizens_statement(prepared, caseworker, today, assert_recorded):
    _notice_sent(prepared, today - 3 * DAY, today + 11 * DAY)
    decision = services.decision_record_statement(
        by=caseworker, decision_id=prepared.pk, received=True, statement="Bruker beklager.", received_on=today,
    )
    decision.refresh_from_db()
    assert (decision.statement_status, decision.statement, decision.statement_received_on) == (
        StatementStatus.RECEIVED, "Bruker beklager.", today,
    )
    assert decision.status == Status.NOTICE_SENT
    with translation.override("nb"):
        assert_recorded(decision, EventKind.STATEMENT, caseworker, text=gettext("Statement received"))


def test_a_received_statement_needs_its_text_and_date(prepared, caseworker, today):
    _notice_sent(prepared, today - 3 * DAY, today + 11 * DAY)
    with pytest.raises(ValidationError):
        services.decision_record_statement(by=caseworker, decision_id=prepared.pk, received=True, statement="Hei")
    with pytest.raises(ValidationError):
        services.decision_record_statement(by=caseworker, decision_id=prepared.pk, received=True, received_on=today)
    prepared.refresh_from_db()
    assert prepared.statement_status == StatementStatus.AWAITING


@pytest.mark.parametrize("days_left", [5, 0], ids=["before-deadline", "on-deadline-day"])
def test_no_statement_received_is_refused_until_the_deadline_has_passed(prepared, caseworker, today, days_left):
    _notice_sent(prepared, today - 14 * DAY, today + days_left * DAY)
    with pytest.raises(ValidationError) as info:
        services.decision_record_statement(by=caseworker, decision_id=prepared.pk, received=False)
    assert info.value.code == "deadline_not_passed"
    prepared.refresh_from_db()
    assert prepared.statement_status == StatementStatus.AWAITING


def test_no_statement_received_is_recorded_the_day_after_the_deadline(prepared, caseworker, assert_recorded):
    sent_on, deadline = datetime.date(2025, 3, 3), datetime.date(2025, 3, 17)
    _notice_sent(prepared, sent_on, deadline)
    with freeze_time("2025-03-17 15:00"), pytest.raises(ValidationError):
        services.decision_record_statement(by=caseworker, decision_id=prepared.pk, received=False)
    with freeze_time("2025-03-18 08:00"):
        decision = services.decision_record_statement(by=caseworker, decision_id=prepared.pk, received=False)
    decision.refresh_from_db()
    assert (decision.statement_status, decision.statement, decision.statement_received_on) == (
        StatementStatus.NONE_RECEIVED, "", None,
    )
    assert_recorded(decision, EventKind.STATEMENT, caseworker)


def test_statement_is_refused_before_notice_was_sent(prepared, caseworker, today):
    with pytest.raises(ValidationError) as info:
        services.decision_record_statement(
            by=caseworker, decision_id=prepared.pk, received=True, statement="Hei", received_on=today
        )
    assert info.value.code == "no_notice"


def test_leader_of_another_unit_may_not_record_a_statement(prepared, other_leader, today):
    _notice_sent(prepared, today - 3 * DAY, today + 11 * DAY)
    with pytest.raises(PermissionDenied):
        services.decision_record_statement(
            by=other_leader, decision_id=prepared.pk, received=True, statement="Hei", received_on=today
        )
    prepared.refresh_from_db()
    assert prepared.statement_status == StatementStatus.AWAITING


def test_notice_for_a_phone_restriction_follows_the_same_steps(unit, citizen, caseworker, leader, today):
    decision = complete_decision(
        kind=Kind.TFUS, status=Status.DRAFT, unit=unit, citizen=citizen, created_by=caseworker,
        responsible_leader=leader, notice_status=NoticeStatus.NOT_HANDLED, notice_not_possible_reason="",
    )
    _send(decision, caseworker, today)
    services.decision_record_statement(
        by=caseworker, decision_id=decision.pk, received=True, statement="Jeg skal slutte å ringe.", received_on=today
    )
    services.decision_update(by=caseworker, decision_id=decision.pk,
                             statement_assessment="Du lover å slutte, men har lovet det før uten å holde det.")
    decision = services.decision_mark_ready(by=caseworker, decision_id=decision.pk)
    assert decision.status == Status.READY


def test_a_statement_cannot_be_dated_in_the_future(prepared, caseworker, today):
    _notice_sent(prepared, today - 3 * DAY, today + 11 * DAY)
    with pytest.raises(ValidationError) as info:
        services.decision_record_statement(
            by=caseworker, decision_id=prepared.pk, received=True, statement="Hei", received_on=today + DAY
        )
    assert info.value.message_dict == {"statement_received_on": [gettext("The date cannot be in the future.")]}
    prepared.refresh_from_db()
    assert prepared.statement_status == StatementStatus.AWAITING
