"""Fixtures for the risiko tests: the staff around one NAV office, and the Hordaland analysis."""

import datetime
import json
from pathlib import Path

import pytest
from django.utils import timezone

from nav_sikkerhet.core.models import Role
from risiko import rules, services
from risiko.models import Zone

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


ACCEPTANCE_REASON = "Trusler på telefon håndteres etter dagens rutine, som kontaktsenteret følger opp hver uke."


@pytest.fixture
def draft(leader, unit, today):
    """A draft analysis of the unit with one red event, whose risk the leader has accepted: ready for approval."""
    analysis = services.analysis_create(by=leader, unit=unit, title="ROS vold og trusler", analysis_date=today,
                                        next_review_on=today + datetime.timedelta(days=365),
                                        participants="Lene Leder, Hanne Hms, Sara Saksbehandler",
                                        safety_representative="Vidar Verneombud")
    event = services.event_add(by=leader, analysis_id=analysis.pk, category="threats", title="Trusler på telefon",
                               probability=5, consequence=2)
    services.risk_accept(by=leader, event_id=event.pk, reason=ACCEPTANCE_REASON)
    return analysis


def make_ready(leader, analysis, **fields) -> None:
    """Everything approval asks, through the services: each event confirmed, each red event's risk accepted,
    the participants and the safety representative named (and ``fields`` changed)."""
    services.analysis_update(by=leader, analysis_id=analysis.pk, participants="Lene Leder, Hanne Hms",
                             safety_representative="Vidar Verneombud", **fields)
    for event in analysis.events.all():
        services.event_confirm(by=leader, event_id=event.pk)
        if rules.zone_of(analysis.matrix.cells, event.probability, event.consequence) == Zone.RED:
            services.risk_accept(by=leader, event_id=event.pk, reason=ACCEPTANCE_REASON)


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
