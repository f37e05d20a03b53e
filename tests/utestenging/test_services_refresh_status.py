"""decision_refresh_status: the daily job brings the status in line with the dates."""

import datetime

import pytest
from freezegun import freeze_time

from utestenging import services
from utestenging.models import Decision, EventKind, Status

from .factories import signed_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def signed(unit, citizen, caseworker, leader, today):
    """Signed today, in force from next week for four weeks."""
    return signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, status=Status.SIGNED,
                           valid_from=today + 7 * DAY, signed_on=today)


def _kinds(decision):
    return list(decision.events.values_list("kind", flat=True))


def test_a_signed_decision_stays_signed_before_its_start_date(signed):
    decision = services.decision_refresh_status(decision_id=signed.pk, today=signed.valid_from - DAY)
    decision.refresh_from_db()
    assert decision.status == Status.SIGNED
    assert _kinds(decision) == []


def test_a_signed_decision_becomes_active_on_its_start_date(signed, assert_recorded):
    decision = services.decision_refresh_status(decision_id=signed.pk, today=signed.valid_from)
    decision.refresh_from_db()
    assert decision.status == Status.ACTIVE
    assert_recorded(decision, EventKind.ACTIVATED, None)


def test_the_start_date_is_read_from_the_clock_when_no_day_is_given(signed):
    with freeze_time(signed.valid_from - DAY):
        assert services.decision_refresh_status(decision_id=signed.pk).status == Status.SIGNED
    with freeze_time(signed.valid_from):
        assert services.decision_refresh_status(decision_id=signed.pk).status == Status.ACTIVE


def test_an_active_decision_is_still_active_on_its_last_day(active):
    decision = services.decision_refresh_status(decision_id=active.pk, today=active.valid_to)
    assert decision.status == Status.ACTIVE
    assert _kinds(decision) == []


def test_an_active_decision_expires_the_day_after_its_last_day(active, assert_recorded):
    decision = services.decision_refresh_status(decision_id=active.pk, today=active.valid_to + DAY)
    decision.refresh_from_db()
    assert decision.status == Status.EXPIRED
    assert_recorded(decision, EventKind.EXPIRED, None)


def test_a_signed_decision_whose_period_has_passed_is_activated_and_expired_in_one_run(signed):
    decision = services.decision_refresh_status(decision_id=signed.pk, today=signed.valid_to + DAY)
    decision.refresh_from_db()
    assert decision.status == Status.EXPIRED
    assert _kinds(decision) == [EventKind.ACTIVATED, EventKind.EXPIRED]


def test_refreshing_twice_changes_nothing_more(signed):
    for _ in range(2):
        services.decision_refresh_status(decision_id=signed.pk, today=signed.valid_from)
    assert _kinds(signed) == [EventKind.ACTIVATED]


def test_a_person_who_runs_the_refresh_is_recorded(signed, leader, assert_recorded):
    services.decision_refresh_status(decision_id=signed.pk, by=leader, today=signed.valid_from)
    assert_recorded(signed, EventKind.ACTIVATED, leader)


@pytest.mark.parametrize("status", [Status.LIFTED, Status.EXPIRED])
def test_closed_decisions_are_left_alone(active, today, status):
    Decision.objects.filter(pk=active.pk).update(status=status, lifted_on=today if status == Status.LIFTED else None)
    decision = services.decision_refresh_status(decision_id=active.pk, today=active.valid_to + 30 * DAY)
    assert decision.status == status
    assert _kinds(decision) == []


def test_drafts_are_left_alone(ready):
    decision = services.decision_refresh_status(decision_id=ready.pk, today=ready.valid_to + DAY)
    assert decision.status == Status.READY
