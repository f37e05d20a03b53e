"""Fixtures for the risiko tests: the staff around one NAV office, and the Hordaland analysis."""

import datetime
import json
from pathlib import Path

import pytest
from django.utils import timezone

from nav_sikkerhet.core.models import Role
from risiko import services

HORDALAND = Path(__file__).resolve().parents[2] / "risiko" / "data" / "ros-hordaland-2014.json"


@pytest.fixture
def hordaland_data() -> dict:
    return json.loads(HORDALAND.read_text(encoding="utf-8"))


@pytest.fixture
def acting_leader(staff_with_role, unit):
    return staff_with_role(Role.STEDFORTREDER, unit, username="stedfortreder_test")


@pytest.fixture
def hms(staff_with_role, unit):
    return staff_with_role(Role.HMS, unit, username="hms_test")


@pytest.fixture
def safety_rep(staff_with_role, unit):
    return staff_with_role(Role.VERNEOMBUD, unit, username="verneombud_test")


@pytest.fixture
def caseworker(staff_with_role, unit):
    return staff_with_role(Role.SAKSBEHANDLER, unit, username="saksbehandler_test")


@pytest.fixture
def other_leader(staff_with_role, other_unit):
    return staff_with_role(Role.ENHETSLEDER, other_unit, username="annen_leder_test")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def draft(leader, unit, today):
    """A draft analysis of the unit with one event."""
    analysis = services.analysis_create(by=leader, unit=unit, title="ROS vold og trusler", analysis_date=today,
                                        next_review_on=today + datetime.timedelta(days=365))
    services.event_add(by=leader, analysis_id=analysis.pk, category="threats", title="Trusler på telefon",
                       probability=5, consequence=2)
    return analysis


@pytest.fixture
def imported(leader, unit, hordaland_data):
    """The Hordaland analysis imported as the unit's draft."""
    return services.analysis_import(by=leader, data=hordaland_data, unit=unit)


@pytest.fixture
def template(hordaland_data, db):
    return services.analysis_import(by=None, data=hordaland_data, unit=None, as_template=True)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the catalogues' nb and nn are checked elsewhere."""
    from django.utils import translation

    with translation.override("en"):
        yield
