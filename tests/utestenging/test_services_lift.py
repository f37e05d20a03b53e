"""decision_lift: the leader ends a decision early (oppheve), with the reason."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from utestenging import services
from utestenging.models import Decision, EventKind, Status
from utestenging.workflow import InvalidTransition

from .factories import signed_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
REASON = "Bruker har flyttet og har ikke oppsøkt kontoret siden."


def _lift(decision, by, lifted_on, reason=REASON):
    return services.decision_lift(by=by, decision_id=decision.pk, lifted_on=lifted_on, reason=reason)


def _assert_not_lifted(decision, status=Status.ACTIVE):
    decision.refresh_from_db()
    assert (decision.status, decision.lifted_on, decision.lift_reason) == (status, None, "")


def test_leader_lifts_an_active_decision(active, leader, today, assert_recorded):
    decision = _lift(active, leader, today)
    decision.refresh_from_db()
    assert (decision.status, decision.lifted_on, decision.lift_reason) == (Status.LIFTED, today, REASON)
    assert decision.ends_on == today
    assert not decision.in_force_on(today)
    assert_recorded(decision, EventKind.LIFTED, leader, text=REASON)


def test_a_decision_can_be_lifted_from_an_earlier_date(unit, citizen, caseworker, leader, today):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               valid_from=today - 10 * DAY)
    assert _lift(decision, leader, today - 3 * DAY).lifted_on == today - 3 * DAY


def test_a_signed_decision_can_be_lifted_before_it_comes_into_force(unit, citizen, caseworker, leader, today):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               status=Status.SIGNED, valid_from=today + 7 * DAY, signed_on=today)
    assert _lift(decision, leader, today).status == Status.LIFTED
    assert services.decision_refresh_status(decision_id=decision.pk, today=today + 7 * DAY).status == Status.LIFTED


def test_acting_leader_may_lift(active, acting_leader, today):
    assert _lift(active, acting_leader, today).status == Status.LIFTED


def test_caseworker_may_not_lift(active, caseworker, today):
    with pytest.raises(PermissionDenied):
        _lift(active, caseworker, today)
    _assert_not_lifted(active)


def test_leader_of_another_unit_may_not_lift(active, other_leader, today):
    with pytest.raises(PermissionDenied):
        _lift(active, other_leader, today)
    _assert_not_lifted(active)


def test_lifting_needs_a_reason(active, leader, today):
    with pytest.raises(ValidationError) as info:
        _lift(active, leader, today, reason="  ")
    assert info.value.message_dict == {"lift_reason": [gettext("Give the reason for lifting the decision.")]}
    _assert_not_lifted(active)


def test_a_decision_cannot_be_lifted_in_advance(active, leader, today):
    with pytest.raises(ValidationError) as info:
        _lift(active, leader, today + DAY)
    assert set(info.value.message_dict) == {"lifted_on"}
    _assert_not_lifted(active)


def test_a_decision_cannot_be_lifted_from_before_it_was_signed(active, leader, today):
    with pytest.raises(ValidationError) as info:
        _lift(active, leader, today - DAY)
    assert info.value.message_dict == {
        "lifted_on": [gettext("The lifting date must lie between the signing date and the end of the period.")]
    }
    _assert_not_lifted(active)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.READY, Status.EXPIRED, Status.LIFTED])
def test_only_a_signed_or_active_decision_can_be_lifted(active, leader, today, status):
    Decision.objects.filter(pk=active.pk).update(status=status, lifted_on=None)
    with pytest.raises(InvalidTransition):
        _lift(active, leader, today)
    active.refresh_from_db()
    assert active.status == status
