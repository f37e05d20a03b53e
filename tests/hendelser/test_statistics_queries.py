"""The statistics page reads a fixed number of queries, however many years and units it covers (issue 24)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from hendelser import counts
from hendelser.models import Category

from ..factories import UnitFactory
from .factories import IncidentFactory

pytestmark = pytest.mark.django_db

# One year: no change from the year before, so no "same period last year" (its stored and live counts). The
# category × channel table reads two of them: its stored months and this month live.
ONE_YEAR = 13
SEVERAL_YEARS = ONE_YEAR + 4


@pytest.fixture(autouse=True)
def _mid_year():
    # In January this year has no whole month stored yet, and the page skips the queries of stored months for it.
    with freeze_time("2026-06-15 12:00"):
        yield


def _at(year, month=5):
    return timezone.make_aware(datetime.datetime(year, month, 5, 10))


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("hendelser:statistics"), params)
    assert response.status_code == 200 and response.context["page"].years
    return len(captured)


@pytest.fixture
def country(unit):
    """The leader's unit and twelve others in two regions, with incidents in each of ten years."""
    this_year = timezone.localdate().year
    units = [unit, *(UnitFactory(number=f"09{n:02d}", region="Vestland" if n % 2 else "Oslo") for n in range(12))]
    for year in range(this_year - 9, this_year + 1):
        for index, where in enumerate(units):
            IncidentFactory(unit=where, occurred_at=_at(year, 1 + index % 6),
                            category=Category.values[index % len(Category.values)],
                            other_categories=[Category.THREAT] if index % 3 else [])
    counts.rebuild()
    return units


def test_one_unit_and_the_whole_country_over_one_year_or_ten_read_the_same_number_of_queries(
        client, leader, unit, country):
    this_year = timezone.localdate().year
    client.force_login(leader)
    _queries(client, {})  # the first page after signing in also reads the permissions for the menu
    assert _queries(client, {"unit": unit.number, "year_from": this_year}) == ONE_YEAR + 1  # the unit looked up
    assert _queries(client, {"unit": unit.number, "year_from": this_year - 9}) == SEVERAL_YEARS + 1
    assert _queries(client, {"year_from": this_year}) == ONE_YEAR
    assert _queries(client, {"year_from": this_year - 1}) == SEVERAL_YEARS
    assert _queries(client, {"year_from": this_year - 9}) == SEVERAL_YEARS
    assert _queries(client, {"region": "Vestland", "year_from": this_year - 9}) == SEVERAL_YEARS
    for number in range(20):  # more units change nothing
        IncidentFactory(unit=UnitFactory(number=f"07{number:02d}"), occurred_at=_at(this_year - 3))
    counts.rebuild()
    assert _queries(client, {"year_from": this_year - 9}) == SEVERAL_YEARS
    assert _queries(client, {"year_from": this_year}) == ONE_YEAR
