"""decision_drop: the leader closes a case without a decision, e.g. after the citizen's statement."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from utestenging import services
from utestenging.models import EventKind, Status
from utestenging.workflow import InvalidTransition

pytestmark = pytest.mark.django_db

REASON = "Bruker har beklaget, og risikoen for gjentakelse vurderes som lav."


@pytest.mark.parametrize("status", [Status.DRAFT, Status.NOTICE_SENT, Status.READY])
def test_leader_closes_a_case_without_a_decision(ready, leader, status, assert_recorded):
    ready.status = status
    ready.save()
    decision = services.decision_drop(by=leader, decision_id=ready.pk, reason=REASON)
    decision.refresh_from_db()
    assert (decision.status, decision.closed_reason) == (Status.DROPPED, REASON)
    assert_recorded(decision, EventKind.DROPPED, leader, text=REASON)


def test_acting_leader_may_close_a_case(ready, acting_leader):
    assert services.decision_drop(by=acting_leader, decision_id=ready.pk, reason=REASON).status == Status.DROPPED


def test_caseworker_may_not_close_a_case(ready, caseworker):
    with pytest.raises(PermissionDenied) as info:
        services.decision_drop(by=caseworker, decision_id=ready.pk, reason=REASON)
    assert str(info.value) == gettext("Only the unit's leader or acting leader may decide.")
    ready.refresh_from_db()
    assert ready.status == Status.READY


def test_leader_of_another_unit_may_not_close_a_case(ready, other_leader):
    with pytest.raises(PermissionDenied):
        services.decision_drop(by=other_leader, decision_id=ready.pk, reason=REASON)
    ready.refresh_from_db()
    assert ready.status == Status.READY


def test_closing_needs_a_reason(ready, leader):
    with pytest.raises(ValidationError) as info:
        services.decision_drop(by=leader, decision_id=ready.pk, reason=" ")
    assert info.value.message_dict == {
        "closed_reason": [gettext("Explain why the case is closed without a decision.")]
    }
    ready.refresh_from_db()
    assert ready.status == Status.READY


@pytest.mark.parametrize("status", [Status.SIGNED, Status.ACTIVE])
def test_a_signed_decision_cannot_be_closed_without_a_decision(active, leader, status):
    active.status = status
    active.save()
    with pytest.raises(InvalidTransition):
        services.decision_drop(by=leader, decision_id=active.pk, reason=REASON)
    active.refresh_from_db()
    assert (active.status, active.closed_reason) == (status, "")
