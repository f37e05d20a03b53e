"""The statistics page's figures against hand-counted fixtures, and the small-cell suppression."""

import datetime

import pytest
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone

from hendelser import counts, statistics
from hendelser.models import Category, Channel, Employer
from nav_sikkerhet.core.models import UnitType

from ..factories import UnitFactory
from .factories import ExposedPersonFactory, IncidentFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def incidents(unit):
    """Hand-counted: 2025 has 5 incidents in the unit, 2026 has 7 (up to 2 December)."""
    made = []

    def add(day, category=Category.THREAT, channel=Channel.PHONE, employer=Employer.STATE, where=unit):
        incident = IncidentFactory(unit=where, occurred_at=_at(day), category=category, channel=channel)
        ExposedPersonFactory(incident=incident, employer=employer)
        made.append(incident)

    # 2025: Q1 2, Q2 1, Q4 2 (one of them after 2 December, so not in "the same period last year")
    add(datetime.date(2025, 1, 10))
    add(datetime.date(2025, 3, 5), Category.VERBAL)
    add(datetime.date(2025, 5, 1), channel=Channel.RECEPTION)
    add(datetime.date(2025, 11, 1), employer=Employer.MUNICIPAL)
    add(datetime.date(2025, 12, 20), Category.ASSAULT, Channel.RECEPTION)
    # 2026: Q1 3, Q3 1, Q4 3
    for day in (datetime.date(2026, 1, 2), datetime.date(2026, 2, 2), datetime.date(2026, 3, 3)):
        add(day)
    add(datetime.date(2026, 8, 8), Category.VERBAL, Channel.EMAIL)
    for day in (datetime.date(2026, 10, 1), datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)):
        add(day, Category.HATE_SPEECH, Channel.SOCIAL_MEDIA, Employer.MUNICIPAL)
    add(datetime.date(2024, 6, 6))  # outside the default two years
    counts.rebuild()  # the factory writes rows directly, past the services that count each month
    return made


def _table(page, key):
    return next(t for t in page.tables if t.key == key)


def _row(table, label):
    return next(r for r in table.rows if r.label == label)


def test_figures_per_year_quarter_category_channel_and_employer(incidents, hms):
    page = statistics.statistics_page(user=hms, params=QueryDict(), today=TODAY)

    assert page.years == [2025, 2026] and page.total == 12 and not page.suppressed
    quarters = _table(page, "quarter")
    assert [(r.label, r.values, r.total) for r in quarters.rows] == [
        ("2025", [2, 1, 0, 2], 5), ("2026", [3, 0, 1, 3], 7),
    ]
    # 2026 so far (7) against 2025 up to 2 December (4): +75 %.
    assert quarters.rows[1].change == 75.0
    category = _table(page, "category")
    assert _row(category, str(Category.THREAT.label)).values == [3, 3]
    assert _row(category, str(Category.HATE_SPEECH.label)).values == [0, 3]
    assert _row(category, str(Category.VERBAL.label)).values == [1, 1]
    assert _row(category, str(Category.ASSAULT.label)).values == [1, 0]
    # Threats: 3 this year against 3 by 2 December last year.
    assert _row(category, str(Category.THREAT.label)).change == 0.0
    channel = _table(page, "channel")
    assert _row(channel, str(Channel.PHONE.label)).values == [3, 3]
    assert _row(channel, str(Channel.RECEPTION.label)).values == [2, 0]
    employer = _table(page, "employer")
    assert _row(employer, str(Employer.STATE.label)).values == [4, 4]
    assert _row(employer, str(Employer.MUNICIPAL.label)).values == [1, 3]
    unit_type = _table(page, "unit_type")
    assert _row(unit_type, str(UnitType.NAV_KONTOR.label)).values == [5, 7]


def test_a_leader_looking_beyond_their_unit_sees_small_cells_hidden(unit, leader, incidents):
    centre = UnitFactory(number="4153", name="NAV Kontaktsenter Oslo", unit_type=UnitType.KONTAKTSENTER)
    IncidentFactory(unit=centre, occurred_at=_at(datetime.date(2026, 4, 4)), channel=Channel.PHONE)
    counts.rebuild()

    own = statistics.statistics_page(user=leader, params=QueryDict(f"unit={unit.number}"), today=TODAY)
    assert not own.suppressed
    assert _row(_table(own, "channel"), str(Channel.EMAIL.label)).values == [0, 1]

    region = statistics.statistics_page(user=leader, params=QueryDict(), today=TODAY)
    assert region.suppressed
    units = _table(region, "unit")
    # The contact centre's single incident is hidden, and so is one more cell of that year.
    assert _row(units, str(centre)).values == [0, None]
    assert _row(units, str(unit)).values == [5, None]
    assert _row(units, str(centre)).total is None
    channel = _table(region, "channel")
    assert _row(channel, str(Channel.EMAIL.label)).values[1] is None
    assert all(value is None or value == 0 or value >= 3
               for table in region.tables for row in table.rows for value in row.values)


def test_the_statistics_page_renders_charts_and_tables(client, hms, incidents):
    client.force_login(hms)
    response = client.get(reverse("hendelser:statistics"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg") == len(response.context["page"].tables)
    assert "<table" in body


def test_bad_filters_get_a_clear_error(client, hms):
    client.force_login(hms)
    response = client.get(reverse("hendelser:statistics"), {"year_from": "2030", "year_to": "2020"})
    assert response.status_code == 200
    assert response.context["page"].form.errors
    response = client.get(reverse("hendelser:statistics"), {"year_from": "abc"})
    assert response.status_code == 200


def test_no_statistics_for_those_who_see_no_incidents(caseworker):
    with pytest.raises(Http404):
        statistics.statistics_page(user=caseworker, params=QueryDict())
