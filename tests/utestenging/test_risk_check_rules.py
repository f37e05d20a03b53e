"""The risk check's recommendation, as a pure rule: no database."""

import dataclasses
import datetime

import pytest

from utestenging import rules, selectors
from utestenging.models import ContactKind, ContactPlace, Recommendation

CALM = rules.RiskFacts(
    measures_in_force=0, exclusion_in_force=False, incidents=0, serious_incidents=0, kind=ContactKind.MEETING,
    place=ContactPlace.OFFICE, companions=0, alarm_available=True, police_informed=False,
)
HOME = {"kind": ContactKind.HOME_VISIT, "place": ContactPlace.HOME}


@pytest.mark.parametrize(("changes", "expected", "reasons"), [
    ({}, Recommendation.GO_AHEAD, ["none"]),
    ({"measures_in_force": 1}, Recommendation.TWO_STAFF, ["measures"]),
    ({"incidents": 2}, Recommendation.TWO_STAFF, ["incidents"]),
    ({"incidents": 1, "serious_incidents": 1}, Recommendation.TWO_STAFF, ["incidents"]),  # at the office
    ({"incidents": 1, "serious_incidents": 1, **HOME}, Recommendation.MEET_AT_OFFICE, ["incidents", "serious"]),
    ({"incidents": 1, "alarm_available": False, **HOME}, Recommendation.MEET_AT_OFFICE, ["incidents", "no_alarm"]),
    ({"alarm_available": False, **HOME}, Recommendation.GO_AHEAD, ["none"]),  # nothing known: the usual routines
    ({"measures_in_force": 1, "exclusion_in_force": True}, Recommendation.POSTPONE, ["exclusion", "measures"]),
    ({"measures_in_force": 1, "exclusion_in_force": True, "police_informed": True, **HOME},
     Recommendation.WITH_POLICE, ["exclusion", "measures"]),
])
def test_the_highest_level_any_reason_calls_for(changes, expected, reasons):
    assert rules.risk_recommendation(dataclasses.replace(CALM, **changes)) == (expected, reasons)


def test_every_reason_has_a_text():
    assert set(rules.RISK_REASONS) == {"exclusion", "measures", "incidents", "serious", "no_alarm", "none"}


def test_companions_do_not_lower_the_recommendation():
    """Two staff is the recommendation whether or not a colleague is already planned: it says what is needed."""
    facts = dataclasses.replace(CALM, incidents=1, companions=3)
    assert rules.risk_recommendation(facts)[0] == Recommendation.TWO_STAFF


@pytest.mark.parametrize(("day", "expected"), [
    (datetime.date(2026, 12, 7), datetime.date(2024, 12, 7)),
    (datetime.date(2028, 2, 29), datetime.date(2026, 2, 28)),  # no 29 February two years before
])
def test_24_months_back_is_the_same_day_or_the_months_last(day, expected):
    assert selectors._months_ago(day, rules.RISK_CHECK_MONTHS) == expected
