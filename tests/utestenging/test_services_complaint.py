"""Service complaints (§6): registered by the unit, answered in writing by the leader, once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from utestenging import selectors, services
from utestenging.models import EventKind, ServiceComplaint

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
ANSWER = "Skriftlig svar sendt: beslutningen opprettholdes, kontaktperson er Kari Leder."


@pytest.fixture
def complaint(active, caseworker, today):
    return ComplaintFactory(decision=active, registered_by=caseworker, received_on=today - 2 * DAY)


def _answer(complaint, by, answered_on, answer=ANSWER):
    return services.complaint_answer(by=by, complaint_id=complaint.pk, answered_on=answered_on, answer_summary=answer)


# -- registering -----------------------------------------------------------------------------------


def test_caseworker_registers_a_complaint_from_the_citizens_representative(active, caseworker, today,
                                                                           assert_recorded):
    complaint = services.complaint_register(
        by=caseworker, decision_id=active.pk, received_on=today, from_whom="Advokat Hansen",
        summary="Bruker fikk ikke forhåndsvarsel.",
    )
    complaint.refresh_from_db()
    assert (complaint.decision, complaint.received_on, complaint.from_whom, complaint.registered_by) == (
        active, today, "Advokat Hansen", caseworker,
    )
    assert complaint.answered_on is None
    assert_recorded(active, EventKind.COMPLAINT_RECEIVED, caseworker, text="Advokat Hansen", history_of=complaint)
    assert [c.pk for c in selectors.overview(user=caseworker).unanswered_complaints] == [complaint.pk]


def test_a_complaint_needs_who_and_what(active, caseworker, today):
    with pytest.raises(ValidationError) as info:
        services.complaint_register(by=caseworker, decision_id=active.pk, received_on=today, from_whom="", summary="")
    assert set(info.value.message_dict) == {"from_whom", "summary"}
    assert not ServiceComplaint.objects.exists()


def test_a_complaint_cannot_be_received_in_the_future(active, caseworker, today):
    with pytest.raises(ValidationError) as info:
        services.complaint_register(by=caseworker, decision_id=active.pk, received_on=today + DAY,
                                    from_whom="Bruker", summary="Klage")
    assert set(info.value.message_dict) == {"received_on"}


def test_reception_may_not_register_a_complaint(active, reception, today):
    with pytest.raises(PermissionDenied):
        services.complaint_register(by=reception, decision_id=active.pk, received_on=today, from_whom="Bruker",
                                    summary="Klage")
    assert not ServiceComplaint.objects.exists()


def test_leader_of_another_unit_may_not_register_a_complaint(active, other_leader, today):
    with pytest.raises(PermissionDenied):
        services.complaint_register(by=other_leader, decision_id=active.pk, received_on=today, from_whom="Bruker",
                                    summary="Klage")
    assert not ServiceComplaint.objects.exists()


# -- answering -------------------------------------------------------------------------------------


def test_leader_records_the_written_answer(complaint, leader, today, assert_recorded):
    answered = _answer(complaint, leader, today)
    answered.refresh_from_db()
    assert (answered.answered_on, answered.answer_summary, answered.answered_by) == (today, ANSWER, leader)
    assert_recorded(complaint.decision, EventKind.COMPLAINT_ANSWERED, leader, text=complaint.from_whom,
                    history_of=answered)
    assert selectors.overview(user=leader).unanswered_complaints == []


def test_acting_leader_may_answer(complaint, acting_leader, today):
    assert _answer(complaint, acting_leader, today).answered_by == acting_leader


def test_a_complaint_is_not_answered_twice(complaint, leader, acting_leader, today):
    _answer(complaint, leader, today - DAY)
    with pytest.raises(ValidationError) as info:
        _answer(complaint, acting_leader, today, answer="Et nytt svar")
    assert info.value.code == "answered"
    assert info.value.messages == [gettext("This complaint has already been answered.")]
    complaint.refresh_from_db()
    assert (complaint.answered_by, complaint.answer_summary) == (leader, ANSWER)


def test_an_answer_needs_its_text(complaint, leader, today):
    with pytest.raises(ValidationError) as info:
        _answer(complaint, leader, today, answer="  ")
    assert set(info.value.message_dict) == {"answer_summary"}
    complaint.refresh_from_db()
    assert complaint.answered_on is None


def test_an_answer_cannot_predate_the_complaint(complaint, leader):
    with pytest.raises(ValidationError) as info:
        _answer(complaint, leader, complaint.received_on - DAY)
    assert set(info.value.message_dict) == {"answered_on"}
    complaint.refresh_from_db()
    assert complaint.answered_on is None


def test_caseworker_may_not_answer_a_complaint(complaint, caseworker, today):
    with pytest.raises(PermissionDenied):
        _answer(complaint, caseworker, today)
    complaint.refresh_from_db()
    assert complaint.answered_on is None


def test_leader_of_another_unit_may_not_answer_a_complaint(complaint, other_leader, today):
    with pytest.raises(PermissionDenied):
        _answer(complaint, other_leader, today)
    complaint.refresh_from_db()
    assert complaint.answered_on is None
