"""What other apps read: counts per ASYS category (risiko), a citizen's incidents and warnings (utestenging)."""

import datetime

import pytest
from django.utils import timezone

from hendelser import selectors
from hendelser.models import Category

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_counts_each_category_an_incident_carries_within_the_dates(unit, other_unit):
    today = timezone.localdate()
    IncidentFactory(unit=unit, category=Category.THREAT, occurred_at=_at(today))
    IncidentFactory(unit=unit, category=Category.THREAT, other_categories=[Category.VERBAL],
                    occurred_at=_at(today - datetime.timedelta(days=30)))
    IncidentFactory(unit=unit, category=Category.ASSAULT, occurred_at=_at(today - datetime.timedelta(days=400)))
    IncidentFactory(unit=other_unit, category=Category.THREAT, occurred_at=_at(today))

    counts = selectors.incident_counts_by_category(
        unit_ids=[unit.pk], since=today - datetime.timedelta(days=365), until=today
    )

    assert counts == {**dict.fromkeys(Category.values, 0), "threat": 2, "verbal": 1}


def test_the_incident_profile_groups_the_units_incidents_by_categories_and_channel(unit, other_unit):
    today = timezone.localdate()
    IncidentFactory(unit=unit, category=Category.THREAT, channel="phone", occurred_at=_at(today))
    IncidentFactory(unit=unit, category=Category.THREAT, channel="phone",
                    occurred_at=_at(today - datetime.timedelta(days=3)))
    IncidentFactory(unit=unit, category=Category.VERBAL, other_categories=[Category.THREAT], channel="phone",
                    occurred_at=_at(today))
    IncidentFactory(unit=unit, category=Category.THREAT, channel="phone",
                    occurred_at=_at(today - datetime.timedelta(days=400)))
    IncidentFactory(unit=other_unit, category=Category.THREAT, channel="phone", occurred_at=_at(today))

    profile = selectors.incident_profile(unit_ids=[unit.pk], since=today - datetime.timedelta(days=364),
                                         until=today)

    assert sorted(profile, key=lambda row: row[2]) == [
        (frozenset({"verbal", "threat"}), "phone", 1), (frozenset({"threat"}), "phone", 2)]


def test_counts_include_both_end_days(unit):
    day = timezone.localdate() - datetime.timedelta(days=10)
    IncidentFactory(unit=unit, occurred_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0))))
    IncidentFactory(unit=unit, occurred_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59))))
    assert selectors.incident_counts_by_category(unit_ids=[unit.pk], since=day, until=day)["threat"] == 2
    assert selectors.incident_counts_by_category(
        unit_ids=[unit.pk], since=day + datetime.timedelta(days=1), until=day + datetime.timedelta(days=2)
    )["threat"] == 0
