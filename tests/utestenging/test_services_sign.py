"""decision_sign: the unit leader's decision, refused until every requirement of the guideline is met."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext
from freezegun import freeze_time

from nav_sikkerhet.core.models import Role
from utestenging import services
from utestenging.models import (
    ActingReason,
    Decision,
    EventKind,
    Kind,
    NoticeStatus,
    Scope,
    SignedAs,
    Status,
    WrittenDelivery,
)
from utestenging.workflow import InvalidTransition

from ..factories import UnitFactory
from .factories import DecisionFactory, complete_decision, signed_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _sign(decision, by, **overrides):
    arguments = {"written_delivery": WrittenDelivery.HANDED_OVER, **overrides}
    return services.decision_sign(by=by, decision_id=decision.pk, **arguments)


def _codes(error):
    return [e.code for e in error.error_list]


def _assert_unsigned(decision, status=Status.READY):
    decision.refresh_from_db()
    assert (decision.status, decision.signed_by, decision.signed_at) == (status, None, None)


# -- the happy paths -------------------------------------------------------------------------------


def test_signing_a_decision_that_starts_today_puts_it_in_force_at_once(ready, leader, today, assert_recorded):
    decision = _sign(ready, leader, written_delivery=WrittenDelivery.POST, told_orally_on=today)
    decision.refresh_from_db()
    assert decision.status == Status.ACTIVE
    assert (decision.signed_by, timezone.localdate(decision.signed_at)) == (leader, today)
    assert (decision.written_delivery, decision.told_orally_on) == (WrittenDelivery.POST, today)
    assert list(decision.events.values_list("kind", flat=True)) == [EventKind.SIGNED, EventKind.ACTIVATED]
    signing_rows = list(decision.history.order_by("history_id"))[-2:]
    assert [(h.status, h.history_user) for h in signing_rows] == [(Status.SIGNED, leader), (Status.ACTIVE, leader)]
    assert_recorded(decision, EventKind.ACTIVATED, leader)


def test_signing_a_decision_that_starts_later_leaves_it_signed(ready, leader, today):
    Decision.objects.filter(pk=ready.pk).update(valid_from=today + 7 * DAY, valid_to=today + 34 * DAY)
    decision = _sign(ready, leader)
    decision.refresh_from_db()
    assert decision.status == Status.SIGNED
    assert list(decision.events.values_list("kind", flat=True)) == [EventKind.SIGNED]
    assert not decision.in_force_on(today) and decision.in_force_on(today + 7 * DAY)


def test_acting_leader_may_sign_giving_the_reason(ready, acting_leader):
    decision = _sign(ready, acting_leader, acting_reason=ActingReason.HEAD_ABSENT)
    assert (decision.status, decision.signed_by) == (Status.ACTIVE, acting_leader)
    assert (decision.signed_as, decision.acting_reason) == (SignedAs.ACTING, ActingReason.HEAD_ABSENT)


def test_signing_fixes_the_covered_units_as_they_are_on_the_signing_day(ready, leader, unit):
    Decision.objects.filter(pk=ready.pk).update(scope=Scope.MUNICIPALITY)
    grunerlokka = UnitFactory(number="0315", municipality_number=unit.municipality_number)
    decision = _sign(ready, leader)
    assert list(decision.covered_units.all()) == [unit, grunerlokka]


# -- who may sign ----------------------------------------------------------------------------------


def test_caseworker_may_not_sign(ready, caseworker):
    with translation.override("nb"):
        with pytest.raises(PermissionDenied) as info:
            _sign(ready, caseworker)
        assert str(info.value) == gettext("Only the unit's leader or acting leader may decide.")
    _assert_unsigned(ready)


@pytest.mark.parametrize("role", [Role.MOTTAK, Role.HMS, Role.SIKKERHETSANSVARLIG])
def test_other_roles_in_the_unit_may_not_sign(ready, staff_with_role, unit, role):
    with pytest.raises(PermissionDenied):
        _sign(ready, staff_with_role(role, unit))
    _assert_unsigned(ready)


def test_leader_of_another_unit_may_not_sign(ready, other_leader):
    with pytest.raises(PermissionDenied):
        _sign(ready, other_leader)
    _assert_unsigned(ready)


# -- the checklist ---------------------------------------------------------------------------------

ASSESSMENT_FIELDS = [
    "case_informed", "risk_of_repetition", "clear_need", "proportionality", "other_measures",
    "whole_situation", "duration_assessment",
]


@pytest.mark.parametrize("field", ASSESSMENT_FIELDS)
def test_signing_refused_until_every_criterion_is_assessed_in_writing(ready, leader, field):
    Decision.objects.filter(pk=ready.pk).update(**{field: "  "})
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)
    assert _codes(info.value) == [field]
    _assert_unsigned(ready)


def test_signing_refused_without_grounds(ready, leader):
    Decision.objects.filter(pk=ready.pk).update(grounds=[])
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)
    assert _codes(info.value) == ["grounds"]


def test_signing_refused_without_a_concrete_incident(ready, leader):
    ready.facts.all().delete()
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)
    assert _codes(info.value) == ["facts"]
    _assert_unsigned(ready)


def test_signing_refused_without_an_alternative_service_channel(ready, leader):
    ready.channels.all().delete()
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)
    assert _codes(info.value) == ["channels"]
    _assert_unsigned(ready)


def test_signing_refused_when_the_only_channel_lacks_its_details(ready, leader):
    ready.channels.update(phone="")
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)
    assert _codes(info.value) == ["channels"]


def test_signing_refused_until_advance_notice_is_handled(ready, leader):
    Decision.objects.filter(pk=ready.pk).update(notice_status=NoticeStatus.NOT_HANDLED)
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)
    assert _codes(info.value) == ["notice"]
    _assert_unsigned(ready)


def test_signing_a_phone_restriction_refused_without_other_units_views(unit, citizen, caseworker, leader):
    decision = complete_decision(kind=Kind.FTUS, unit=unit, citizen=citizen, created_by=caseworker,
                                 responsible_leader=leader, other_units_views="")
    with translation.override("nb"):
        with pytest.raises(ValidationError) as info:
            _sign(decision, leader)
        expected = gettext("Missing: %(item)s") % {
            "item": gettext("Views of other units the citizen deals with, or why they could not be gathered")
        }
    assert info.value.messages == [expected]
    _assert_unsigned(decision)


def test_signing_refused_listing_every_missing_item(unit, citizen, leader):
    decision = DecisionFactory(unit=unit, citizen=citizen, created_by=leader, status=Status.READY, kind=Kind.TFUS)
    with pytest.raises(ValidationError) as info:
        _sign(decision, leader)
    assert len(info.value.messages) == 16
    assert {"other_units_views", "contact_phone"} <= set(_codes(info.value))
    _assert_unsigned(decision)


def test_signing_refused_when_period_exceeds_twelve_weeks(ready, leader, today):
    Decision.objects.filter(pk=ready.pk).update(valid_from=today, valid_to=today + 84 * DAY)
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)
    assert _codes(info.value) == ["period"]
    _assert_unsigned(ready)


def test_signing_accepts_a_period_of_exactly_twelve_weeks(ready, leader, today):
    Decision.objects.filter(pk=ready.pk).update(valid_from=today, valid_to=today + 83 * DAY)
    assert _sign(ready, leader).valid_to == today + 83 * DAY


def test_signing_refused_when_the_decision_would_start_before_the_signing_day(ready, leader, today):
    Decision.objects.filter(pk=ready.pk).update(valid_from=today - DAY, valid_to=today + 20 * DAY)
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)
    assert _codes(info.value) == ["period"]
    _assert_unsigned(ready)


def test_signing_refused_without_a_period(ready, leader):
    Decision.objects.filter(pk=ready.pk).update(valid_from=None, valid_to=None)
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)
    assert _codes(info.value) == ["period"]


def test_signing_refused_without_saying_how_the_citizen_gets_the_decision(ready, leader):
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader, written_delivery="")
    assert set(info.value.message_dict) == {"written_delivery"}
    _assert_unsigned(ready)


# -- other measures on the same citizen ------------------------------------------------------------


def test_leader_must_acknowledge_the_citizens_other_active_measures(ready, leader, other_leader, other_unit):
    signed_decision(unit=other_unit, citizen=ready.citizen, created_by=other_leader, signed_by=other_leader)
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)
    assert _codes(info.value) == ["other_measures"]
    _assert_unsigned(ready)
    assert _sign(ready, leader, other_measures_acknowledged=True).status == Status.ACTIVE


def test_leader_must_acknowledge_a_measure_being_prepared_elsewhere(ready, other_leader, other_unit, leader):
    DecisionFactory(unit=other_unit, citizen=ready.citizen, created_by=other_leader)
    with pytest.raises(ValidationError):
        _sign(ready, leader)
    _assert_unsigned(ready)


def test_leader_must_acknowledge_a_measure_that_ended_within_the_last_year(ready, leader, today):
    signed_decision(unit=ready.unit, citizen=ready.citizen, created_by=leader, signed_by=leader,
                    status=Status.EXPIRED, valid_from=today - 200 * DAY, days=28)
    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)
    assert _codes(info.value) == ["other_measures"]


def test_no_acknowledgement_needed_for_closed_cases_old_measures_or_other_citizens(ready, leader, today):
    DecisionFactory(unit=ready.unit, citizen=ready.citizen, created_by=leader, status=Status.DROPPED)
    signed_decision(unit=ready.unit, citizen=ready.citizen, created_by=leader, signed_by=leader,
                    status=Status.EXPIRED, valid_from=today - 500 * DAY, days=28)
    signed_decision(unit=ready.unit, created_by=leader, signed_by=leader)  # another citizen
    assert services.other_measures(ready) == []
    assert _sign(ready, leader).status == Status.ACTIVE


# -- the state -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.NOTICE_SENT, Status.DROPPED])
def test_signing_refused_before_the_case_is_marked_ready(ready, leader, status):
    ready.status = status
    ready.save()
    with pytest.raises(InvalidTransition):
        _sign(ready, leader)
    _assert_unsigned(ready, status)


def test_a_decision_cannot_be_signed_twice(ready, leader, acting_leader, today):
    Decision.objects.filter(pk=ready.pk).update(valid_from=today + DAY, valid_to=today + 20 * DAY)
    first = _sign(ready, leader)
    with pytest.raises(InvalidTransition):
        _sign(ready, acting_leader, acting_reason=ActingReason.HEAD_ABSENT)
    ready.refresh_from_db()
    assert (ready.signed_by, ready.signed_at) == (leader, first.signed_at)


def test_after_signing_the_decision_can_be_lifted_or_extended_but_not_edited(ready, leader, caseworker):
    _sign(ready, leader)
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=ready.pk, valid_to=ready.valid_to + 10 * DAY)
    assert info.value.code == "locked"
    with freeze_time(ready.valid_to - 7 * DAY):  # an extension is assessed near the end (§5)
        extension = services.decision_start_extension(by=caseworker, decision_id=ready.pk)
        lifted = services.decision_lift(by=leader, decision_id=ready.pk, lifted_on=timezone.localdate(),
                                        reason="Bruker har beklaget og fått ny saksbehandler.")
    assert (extension.extends_id, lifted.status) == (ready.pk, Status.LIFTED)


# -- extensions ------------------------------------------------------------------------------------


@pytest.fixture
def extended(unit, citizen, caseworker, leader, today):
    """A decision in force since ten days, ending in 18: within its last 21 days, when an extension is assessed."""
    return signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                           valid_from=today - 10 * DAY)


@pytest.fixture
def extension(extended, unit, citizen, caseworker, leader):
    """A ready extension of ``extended``, starting the day after it ends."""
    return complete_decision(
        unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader, extends=extended,
        valid_from=extended.valid_to + DAY, valid_to=extended.valid_to + 28 * DAY,
    )


def test_extension_is_signed_to_start_the_day_after_the_old_decision(extension, extended, leader):
    decision = _sign(extension, leader, other_measures_acknowledged=True)
    assert (decision.status, decision.valid_from) == (Status.SIGNED, extended.valid_to + DAY)


def test_extension_refused_without_its_own_assessment_of_the_risk(extension, leader):
    Decision.objects.filter(pk=extension.pk).update(extension_assessment="")
    with pytest.raises(ValidationError) as info:
        _sign(extension, leader, other_measures_acknowledged=True)
    assert _codes(info.value) == ["extension_assessment"]
    _assert_unsigned(extension)


def test_extension_refused_once_the_old_decision_was_lifted(extension, extended, leader, today):
    Decision.objects.filter(pk=extended.pk).update(status=Status.LIFTED, lifted_on=today, lift_reason="Ro")
    with pytest.raises(ValidationError) as info:
        _sign(extension, leader, other_measures_acknowledged=True)
    assert _codes(info.value) == ["extended_ended"]
    _assert_unsigned(extension)


def test_extension_refused_when_it_does_not_start_the_day_after(extension, extended, leader):
    Decision.objects.filter(pk=extension.pk).update(valid_from=extended.valid_to + 2 * DAY)
    with pytest.raises(ValidationError) as info:
        _sign(extension, leader, other_measures_acknowledged=True)
    assert set(info.value.message_dict) == {"valid_from"}
    _assert_unsigned(extension)
