"""services.remind_underestimated: the leader and HMS are reminded, once per event and suggested level, when the
unit's incidents point to a higher probability than the analysis in force states."""

import datetime

import pytest
from django.utils import timezone

from hendelser.models import Incident
from nav_sikkerhet.core import scheduling
from nav_sikkerhet.core.models import Reminder
from risiko import services

from ..factories import UnitFactory
from .conftest import make_ready

pytestmark = pytest.mark.django_db


def _threats_at_home_visits(unit, by, count, *, start_days=1):
    Incident.objects.bulk_create(
        Incident(unit=unit, occurred_at=timezone.now() - datetime.timedelta(days=start_days + n % 300),
                 channel="home_visit", category="threat", description="x", perpetrator="unknown", registered_by=by)
        for n in range(count)
    )


@pytest.fixture
def in_force(leader, hms, imported, today):
    make_ready(leader, imported, next_review_on=today + datetime.timedelta(days=300))
    return services.analysis_approve(by=leader, analysis_id=imported.pk)


def test_the_leader_and_hms_are_reminded_once_per_event_and_level(leader, hms, caseworker, in_force, today):
    _threats_at_home_visits(in_force.unit, leader, 52)
    created = services.remind_underestimated(today=today)
    assert {r.recipient for r in created} == {leader, hms}
    event = in_force.events.get(title="Trussel ved heimebesøk")
    assert all(r.path.endswith(f"#hendelse-{event.pk}") and r.case_number == in_force.reference for r in created)
    assert services.remind_underestimated(today=today + datetime.timedelta(days=1)) == []
    # Daily now (250 a year): a new level is a new reminder.
    _threats_at_home_visits(in_force.unit, leader, 198)
    again = services.remind_underestimated(today=today + datetime.timedelta(days=2))
    assert len(again) == 2 and all(":p5:" in r.key for r in again)


def test_nothing_when_the_incidents_fit_the_stated_probability(leader, in_force, today):
    _threats_at_home_visits(in_force.unit, leader, 51)  # monthly, as the analysis says
    assert services.remind_underestimated(today=today) == []


def test_another_units_incidents_and_old_ones_do_not_count(leader, in_force, today):
    _threats_at_home_visits(UnitFactory(number="0318"), leader, 60)
    _threats_at_home_visits(in_force.unit, leader, 60, start_days=366)
    assert services.remind_underestimated(today=today) == []


def test_drafts_and_templates_are_not_reminded(leader, imported, template, today):
    _threats_at_home_visits(imported.unit, leader, 60)
    assert services.remind_underestimated(today=today) == []


def test_the_sweep_sends_it_and_closes_it_once_a_new_version_is_approved(leader, hms, in_force, today):
    _threats_at_home_visits(in_force.unit, leader, 52)
    scheduling.run_sweep(today)
    assert Reminder.objects.filter(kind=services.UNDERESTIMATED_KIND, done_at__isnull=True).count() == 2
    newer = services.analysis_revise(by=leader, analysis_id=in_force.pk)
    event = newer.events.get(title="Trussel ved heimebesøk")
    services.event_update(by=leader, event_id=event.pk, probability=4)
    make_ready(leader, newer, next_review_on=today + datetime.timedelta(days=300))
    services.analysis_approve(by=leader, analysis_id=newer.pk)
    scheduling.run_sweep(today)
    assert not Reminder.objects.filter(kind=services.UNDERESTIMATED_KIND, done_at__isnull=True).exists()
