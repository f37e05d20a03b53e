"""decision_reopen: send a case back to draft for more work."""

import pytest
from django.core.exceptions import PermissionDenied

from utestenging import services
from utestenging.models import EventKind, Status
from utestenging.workflow import InvalidTransition

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [Status.READY, Status.NOTICE_SENT])
def test_caseworker_sends_a_case_back_to_draft(ready, caseworker, status, assert_recorded):
    ready.status = status
    ready.save()
    decision = services.decision_reopen(by=caseworker, decision_id=ready.pk)
    decision.refresh_from_db()
    assert decision.status == Status.DRAFT
    assert_recorded(decision, EventKind.REOPENED, caseworker)


def test_reception_may_not_reopen(ready, reception):
    with pytest.raises(PermissionDenied):
        services.decision_reopen(by=reception, decision_id=ready.pk)
    ready.refresh_from_db()
    assert ready.status == Status.READY


def test_leader_of_another_unit_may_not_reopen(ready, other_leader):
    with pytest.raises(PermissionDenied):
        services.decision_reopen(by=other_leader, decision_id=ready.pk)
    ready.refresh_from_db()
    assert ready.status == Status.READY


def test_a_draft_cannot_be_reopened(draft, caseworker):
    with pytest.raises(InvalidTransition) as info:
        services.decision_reopen(by=caseworker, decision_id=draft.pk)
    assert info.value.code == "invalid_transition"
    assert not draft.events.exists()


@pytest.mark.parametrize("status", [Status.SIGNED, Status.ACTIVE])
def test_a_signed_decision_cannot_be_sent_back_to_draft(active, leader, status):
    active.status = status
    active.save()
    with pytest.raises(InvalidTransition):
        services.decision_reopen(by=leader, decision_id=active.pk)
    active.refresh_from_db()
    assert active.status == status
