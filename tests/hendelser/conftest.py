"""Fixtures for the hendelser tests: the staff around one NAV office."""

import pytest

from nav_sikkerhet.core.models import Role


@pytest.fixture
def acting_leader(staff_with_role, unit):
    return staff_with_role(Role.STEDFORTREDER, unit, username="stedfortreder_test")


@pytest.fixture
def caseworker(staff_with_role, unit):
    return staff_with_role(Role.SAKSBEHANDLER, unit, username="saksbehandler_test")


@pytest.fixture
def hms(staff_with_role, unit):
    return staff_with_role(Role.HMS, unit, username="hms_test")


@pytest.fixture
def safety_rep(staff_with_role, unit):
    return staff_with_role(Role.VERNEOMBUD, unit, username="verneombud_test")


@pytest.fixture
def reception(staff_with_role, unit):
    return staff_with_role(Role.MOTTAK, unit, username="mottak_test")


@pytest.fixture
def other_leader(staff_with_role, other_unit):
    return staff_with_role(Role.ENHETSLEDER, other_unit, username="annen_leder_test")
