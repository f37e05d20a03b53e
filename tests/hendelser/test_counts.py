"""The statistics' monthly counts: kept by the services, rebuilt by the sweep, and read together with live counts
so that any period adds up to what the incidents say."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone
from freezegun import freeze_time

from hendelser import counts, services
from hendelser.models import Category, Channel, Employer, Incident, MonthlyCount, Perpetrator

from .factories import ExposedPersonFactory, IncidentFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def _at(day, hour=12):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _total(counted):
    by_category = sum(n for (_year, kind, _code), n in counted.kinds.items() if kind == "category")
    assert by_category == counted.total  # every incident has one main category
    return counted.total


@freeze_time("2026-12-02 12:00")
def test_a_registration_counts_its_month_at_once(unit, reception):
    services.incident_register(
        by=reception, unit=unit, occurred_at=_at(datetime.date(2026, 10, 30)), channel=Channel.PHONE,
        category=Category.THREAT, description="x", perpetrator=Perpetrator.UNKNOWN,
        exposed=[{"user": reception, "name": "Meg", "employer": Employer.MUNICIPAL}],
    )
    month = MonthlyCount.objects.get(unit=unit, month=datetime.date(2026, 10, 1))
    assert (month.total, month.exposed_municipal, month.category_threat, month.channel_phone) == (1, 1, 1, 1)
    assert month.category_verbal == month.channel_email == month.exposed_state == 0
    assert month.cross_threat_phone == 1 and month.cross_threat_email == month.cross_verbal_phone == 0


@freeze_time("2026-12-02 12:00")
def test_a_corrected_date_recounts_both_months(unit, hms):
    incident = IncidentFactory(unit=unit, occurred_at=_at(datetime.date(2026, 9, 10)))
    counts.rebuild()
    services.incident_update(by=hms, incident_id=incident.pk, occurred_at=_at(datetime.date(2026, 8, 20)),
                             category=Category.VERBAL)
    by_month = dict(MonthlyCount.objects.values_list("month", "total"))
    assert by_month == {datetime.date(2026, 9, 1): 0, datetime.date(2026, 8, 1): 1}
    august = MonthlyCount.objects.get(month=datetime.date(2026, 8, 1))
    assert (august.category_verbal, august.category_threat, august.channel_phone) == (1, 0, 1)


def test_rebuild_writes_only_what_differs(unit, other_unit):
    IncidentFactory(unit=unit, occurred_at=_at(datetime.date(2026, 3, 3)))
    IncidentFactory(unit=other_unit, occurred_at=_at(datetime.date(2026, 3, 31), 23))  # late evening: still March
    ExposedPersonFactory(incident=IncidentFactory(unit=unit, occurred_at=_at(datetime.date(2026, 4, 1), 0)))
    assert counts.rebuild() == 3
    assert counts.rebuild() == 0
    march = MonthlyCount.objects.filter(unit=unit, month=datetime.date(2026, 3, 1))
    march.update(cross_threat_phone=5)  # written past the services: the sweep puts it right
    assert counts.rebuild() == 1 and march.get().cross_threat_phone == 1
    Incident.objects.filter(occurred_at__month=4).delete()
    assert counts.rebuild() == 1
    assert MonthlyCount.objects.get(unit=unit, month=datetime.date(2026, 4, 1)).total == 0


@pytest.mark.parametrize(("start", "end"), [
    (datetime.date(2025, 1, 1), datetime.date(2027, 1, 1)),    # whole years, this month live
    (datetime.date(2025, 1, 1), datetime.date(2025, 12, 3)),   # the same period last year: a month cut short
    (datetime.date(2026, 11, 15), datetime.date(2026, 11, 20)),  # inside one past month
    (datetime.date(2025, 6, 17), datetime.date(2026, 2, 9)),   # cut at both ends
])
def test_stored_and_live_counts_add_up_to_the_incidents(unit, other_unit, start, end):
    day = datetime.date(2025, 1, 1)
    while day <= TODAY:
        IncidentFactory(unit=unit if day.day % 2 else other_unit, occurred_at=_at(day, day.day % 24))
        day += datetime.timedelta(days=3)
    counts.rebuild()
    IncidentFactory(unit=unit, occurred_at=_at(TODAY, 1))  # this month is always counted live

    rows = counts.between(unit_ids=None, start=start, end=end, today=TODAY)
    expected = Incident.objects.filter(
        occurred_at__gte=_at(start, 0), occurred_at__lt=_at(end, 0)
    ).count()
    assert _total(rows) == expected
    mine = counts.between(unit_ids=[unit.pk], start=start, end=end, today=TODAY)
    assert _total(mine) == Incident.objects.filter(
        unit=unit, occurred_at__gte=_at(start, 0), occurred_at__lt=_at(end, 0)
    ).count()


def test_the_category_by_channel_counts_add_up_to_the_incidents(unit, other_unit):
    """Stored months and this month counted live, the own units' part and the others' apart, any year."""
    day, index = datetime.date(2025, 1, 1), 0
    while day <= TODAY:
        IncidentFactory(unit=unit if index % 3 else other_unit, occurred_at=_at(day, day.day % 24),
                        category=Category.values[index % len(Category.values)],
                        channel=Channel.values[index % len(Channel.values)])
        day, index = day + datetime.timedelta(days=2), index + 1
    counts.rebuild()
    IncidentFactory(unit=unit, occurred_at=_at(TODAY, 1), channel=Channel.SMS)  # this month is counted live

    for year in (2025, 2026):
        own, other = counts.by_category_and_channel(unit_ids=None, own_ids=[unit.pk], year=year, today=TODAY)
        for part, where in ((own, unit), (other, other_unit)):
            incidents = Incident.objects.filter(unit=where, occurred_at__gte=_at(datetime.date(year, 1, 1), 0),
                                                occurred_at__lt=_at(datetime.date(year + 1, 1, 1), 0))
            assert part == dict(Counter(incidents.values_list("category", "channel")))
    # One unit chosen, none of it the user's own: all of it is the others' part, and the past months are read stored.
    MonthlyCount.objects.filter(unit=unit, month=datetime.date(2026, 3, 1)).update(cross_assault_letter=100)
    own, other = counts.by_category_and_channel(unit_ids=[unit.pk], own_ids=[], year=2026, today=TODAY)
    expected = Counter(Incident.objects.filter(unit=unit, occurred_at__year=2026).values_list("category", "channel"))
    assert own == {} and other == dict(expected + Counter({(Category.ASSAULT, Channel.LETTER): 100}))
