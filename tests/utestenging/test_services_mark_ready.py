"""decision_mark_ready: hand the prepared case to the leader once the checklist is complete."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from utestenging import services
from utestenging.models import (
    Decision,
    EventKind,
    Kind,
    NoticeMethod,
    NoticeStatus,
    StatementStatus,
    Status,
)
from utestenging.workflow import InvalidTransition

from .factories import complete_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepared(unit, citizen, caseworker, leader):
    """A draft with a complete checklist."""
    return complete_decision(
        status=Status.DRAFT, unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader
    )


def _codes(error):
    return [e.code for e in error.error_list]


def test_caseworker_marks_a_complete_case_ready(prepared, caseworker, assert_recorded):
    decision = services.decision_mark_ready(by=caseworker, decision_id=prepared.pk)
    decision.refresh_from_db()
    assert decision.status == Status.READY
    assert_recorded(decision, EventKind.READY, caseworker)


def test_a_case_is_ready_after_the_citizen_answered_the_notice(prepared, caseworker, today):
    Decision.objects.filter(pk=prepared.pk).update(
        status=Status.NOTICE_SENT, notice_status=NoticeStatus.SENT, notice_sent_on=today,
        notice_method=NoticeMethod.LETTER, notice_deadline=today + datetime.timedelta(days=7),
        statement_status=StatementStatus.RECEIVED,
        statement="Bruker beklager.", statement_received_on=today, notice_not_possible_reason="",
        statement_assessment="Du beklager, men truslene var så alvorlige at tiltaket trengs.",
    )
    assert services.decision_mark_ready(by=caseworker, decision_id=prepared.pk).status == Status.READY


def test_mark_ready_refused_listing_everything_missing(draft, caseworker):
    with translation.override("nb"):
        with pytest.raises(ValidationError) as info:
            services.decision_mark_ready(by=caseworker, decision_id=draft.pk)
        first = gettext("Missing: %(item)s") % {"item": gettext("Grounds chosen")}
    assert _codes(info.value) == [
        "grounds", "facts", "case_informed", "risk_of_repetition", "clear_need", "alternatives", "proportionality",
        "other_measures", "whole_situation", "channels", "contact_phone", "notice", "period", "duration_assessment",
        "responsible_leader",
    ]
    assert info.value.messages[0] == first
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_mark_ready_refused_while_the_citizen_may_still_answer(prepared, caseworker, today):
    Decision.objects.filter(pk=prepared.pk).update(
        status=Status.NOTICE_SENT, notice_status=NoticeStatus.SENT, notice_sent_on=today,
        notice_deadline=today, statement_status=StatementStatus.AWAITING,
    )
    with pytest.raises(ValidationError) as info:
        services.decision_mark_ready(by=caseworker, decision_id=prepared.pk)
    assert _codes(info.value) == ["notice"]


def test_phone_restriction_is_not_ready_without_other_units_views(unit, citizen, caseworker, leader):
    decision = complete_decision(
        kind=Kind.TFUS, status=Status.DRAFT, unit=unit, citizen=citizen, created_by=caseworker,
        responsible_leader=leader, other_units_views="",
    )
    with pytest.raises(ValidationError) as info:
        services.decision_mark_ready(by=caseworker, decision_id=decision.pk)
    assert _codes(info.value) == ["other_units_views"]


def test_a_channel_without_details_does_not_count(prepared, caseworker):
    prepared.channels.update(times="")
    with pytest.raises(ValidationError) as info:
        services.decision_mark_ready(by=caseworker, decision_id=prepared.pk)
    assert _codes(info.value) == ["channels"]


def test_reception_may_not_mark_ready(prepared, reception):
    with pytest.raises(PermissionDenied):
        services.decision_mark_ready(by=reception, decision_id=prepared.pk)
    prepared.refresh_from_db()
    assert prepared.status == Status.DRAFT


def test_leader_of_another_unit_may_not_mark_ready(prepared, other_leader):
    with pytest.raises(PermissionDenied):
        services.decision_mark_ready(by=other_leader, decision_id=prepared.pk)
    prepared.refresh_from_db()
    assert prepared.status == Status.DRAFT


@pytest.mark.parametrize("status", [Status.READY, Status.DROPPED])
def test_mark_ready_refused_in_the_wrong_state(prepared, caseworker, status):
    prepared.status = status
    prepared.save()
    with pytest.raises(InvalidTransition):
        services.decision_mark_ready(by=caseworker, decision_id=prepared.pk)
    prepared.refresh_from_db()
    assert prepared.status == status
