"""Each criticism the Parliamentary Ombudsman made of NAV's exclusions is blocked or flagged by the app.

One test per criticism in shared/domain/interfaces.md, named after it.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nav_sikkerhet.core.models import Role
from utestenging import selectors, services
from utestenging.models import NoticeStatus, RegistrationKind, Status

from .factories import ComplaintFactory, signed_decision

pytestmark = pytest.mark.django_db


def _codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list} if hasattr(error, "error_list") else {error.code}


def test_handwritten_note_a_month_later_signing_requires_how_the_citizen_gets_it_in_writing(ready, leader):
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="")
    assert "written_delivery" in error.value.message_dict
    ready.refresh_from_db()
    assert ready.status == Status.READY


def test_handwritten_note_a_month_later_the_decision_cannot_start_before_it_is_signed(ready, leader, today):
    ready.valid_from, ready.valid_to = today - datetime.timedelta(days=30), today + datetime.timedelta(days=20)
    ready.save()
    with pytest.raises(ValidationError):
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")


def test_no_advance_notice_blocks_signing_until_notice_is_handled(ready, leader):
    ready.notice_status, ready.notice_not_possible_reason = NoticeStatus.NOT_HANDLED, ""
    ready.save()
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert "notice" in _codes(error.value)


def test_unclear_notice_cannot_be_sent_without_grounds_facts_and_period(draft, caseworker, today):
    with pytest.raises(ValidationError) as error:
        services.decision_send_notice(by=caseworker, decision_id=draft.pk, sent_on=today, method="letter",
                                      deadline=today + datetime.timedelta(days=14))
    assert {"grounds", "facts", "period"} <= _codes(error.value)


@pytest.mark.parametrize("field", ["alternatives", "duration_assessment", "proportionality"])
def test_less_intrusive_measures_and_length_not_assessed_blocks_signing(ready, leader, field):
    setattr(ready, field, "")
    ready.save()
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert field in _codes(error.value)


def test_three_months_instead_of_twelve_weeks_is_refused(ready, caseworker, today):
    with pytest.raises(ValidationError) as error:
        services.decision_update(by=caseworker, decision_id=ready.pk, valid_from=today,
                                 valid_to=today + datetime.timedelta(days=90))
    assert "valid_to" in error.value.message_dict


@pytest.mark.parametrize("role", [Role.SAKSBEHANDLER, Role.HMS, Role.MOTTAK])
def test_decided_by_someone_other_than_the_unit_leader_is_refused(ready, staff_with_role, unit, role):
    with pytest.raises(PermissionDenied):
        services.decision_sign(by=staff_with_role(role, unit), decision_id=ready.pk, written_delivery="handed_over")


def test_decided_by_a_leader_of_another_unit_is_refused(ready, other_leader):
    with pytest.raises(PermissionDenied):
        services.decision_sign(by=other_leader, decision_id=ready.pk, written_delivery="handed_over")


def test_no_copy_archived_shows_as_missing_until_registered(active, leader, today):
    assert RegistrationKind.ARCHIVE in selectors.missing_registrations(active)
    assert active in selectors.overview(user=leader).missing_registrations
    services.registration_record(by=leader, decision_id=active.pk, kind=RegistrationKind.ARCHIVE, done_on=today,
                                 reference="2026/4711-3")
    assert RegistrationKind.ARCHIVE not in selectors.missing_registrations(active)


def test_complaint_from_a_representative_never_answered_stays_visible_until_answered_in_writing(active, leader, today):
    complaint = ComplaintFactory(decision=active, from_whom="Advokat Hansen (fullmektig)")
    assert complaint in selectors.overview(user=leader).unanswered_complaints
    with pytest.raises(ValidationError):
        services.complaint_answer(by=leader, complaint_id=complaint.pk, answered_on=today, answer_summary="")
    services.complaint_answer(by=leader, complaint_id=complaint.pk, answered_on=today,
                              answer_summary="Skriftlig svar sendt: beslutningen opprettholdes.")
    assert complaint not in selectors.overview(user=leader).unanswered_complaints


def test_lack_of_overview_every_state_change_is_on_the_timeline_with_who(ready, leader):
    services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    ready.refresh_from_db()
    kinds = list(ready.events.values_list("kind", "actor"))
    assert ("signed", leader.pk) in kinds
    assert ready.history.first().history_user == leader


def test_lack_of_overview_the_leader_sees_the_citizens_other_measures_before_signing(ready, leader, unit):
    signed_decision(unit=unit, citizen=ready.citizen, created_by=leader, signed_by=leader)
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert "other_measures" in _codes(error.value)
    services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over",
                           other_measures_acknowledged=True)


def test_signed_decisions_are_never_edited(active, leader):
    with pytest.raises(ValidationError):
        services.decision_update(by=leader, decision_id=active.pk, valid_to=active.valid_to)
