"""Fixtures for the utestenging tests: the staff around one NAV office, and decisions in each stage."""

import pytest
from django.urls import get_resolver
from django.utils import timezone

from nav_sikkerhet.core.models import Role
from utestenging.models import DecisionEvent

from .factories import DecisionFactory, complete_decision, signed_decision


@pytest.fixture(autouse=True, scope="session")
def _urls_loaded_before_any_frozen_clock():
    """Import the URLconf (and the API's pydantic schemas) before a test freezes the clock.

    Otherwise the first reverse() inside freeze_time builds the schemas with freezegun's FakeDate and fails,
    depending on which test a worker happens to run first.
    """
    assert get_resolver().url_patterns


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def caseworker(staff_with_role, unit):
    return staff_with_role(Role.SAKSBEHANDLER, unit, username="saksbehandler_test")


@pytest.fixture
def acting_leader(staff_with_role, unit):
    return staff_with_role(Role.STEDFORTREDER, unit, username="stedfortreder_test")


@pytest.fixture
def reception(staff_with_role, unit):
    return staff_with_role(Role.MOTTAK, unit, username="mottak_test")


@pytest.fixture
def other_leader(staff_with_role, other_unit):
    """The head of another unit: may do everything there, nothing here."""
    return staff_with_role(Role.ENHETSLEDER, other_unit, username="annen_leder_test")


@pytest.fixture
def draft(unit, citizen, caseworker):
    return DecisionFactory(unit=unit, citizen=citizen, created_by=caseworker)


@pytest.fixture
def ready(unit, citizen, caseworker, leader):
    """A case with a complete checklist, marked ready for the leader."""
    return complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader)


@pytest.fixture
def active(unit, citizen, caseworker, leader):
    """A decision in force from today for four weeks."""
    return signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader)


@pytest.fixture
def assert_recorded():
    """Check that a service left its trace: the newest timeline event and the history user.

    ``history_of`` is the object the service changed when that is not the decision itself.
    Newest by primary key, not by time: tests that freeze the clock write rows "in the past".
    """

    def check(decision, kind, by, text=None, history_of=None):
        event = DecisionEvent.objects.filter(decision=decision).order_by("-pk").first()
        assert event is not None, "no event on the timeline"
        assert (event.kind, event.actor) == (kind, by)
        if text is not None:
            assert event.text == text
        changed = history_of if history_of is not None else decision
        assert changed.history.order_by("-history_id").first().history_user == by

    return check
