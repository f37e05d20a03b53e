"""Pure rules: no database."""

import datetime
import json
from pathlib import Path

import pytest

from risiko import rules
from risiko.models import Zone, contrast_ratio

HORDALAND = Path(__file__).resolve().parents[2] / "risiko" / "data" / "ros-hordaland-2014.json"

# The report's «Hendingar i raudt felt», word for word, and the event each names in the report's tables (the
# data file normalises the spelling lightly; where the list words an event differently, the table's name is given).
REPORT_RED_LIST = {
    "Truslar på telefon": "Truslar på telefon",
    "Persontruslar på kontoret": "Truslar mot person på kontoret",
    "Trakassering": "Trakassering",
    "Trussel ved vitjingar i heimen.": "Trussel ved heimebesøk",
    "Følgje etter NAV-tilsette utanfor NAV-kontoret": "Følgje etter NAV-tilsette utanfor NAV-kontoret",
    "True med skytevåpen": "True med skytevåpen",
    "Slag, lugging, sparking": "Slag, lugging, sparking",
    "Holde igjen tilsett, ta tak i tilsett": "Holde igjen tilsett, ta tak i tilsett",
    "Bruk av kniv, spisse gjenstandar": "Bruk av kniv, spisse gjenstandar",
    "Bruk av blod": "Bruk av blod",
    "Bruk av skytevåpen": "Bruk av skytevåpen",
    "Brannstifting": "Brannstiftelse",
    "Gisselsituasjon på NAV-kontoret": "Gisselsituasjon på NAV-kontoret",
    "Gisselsituasjon utanfor NAV-kontoret": "Gisselsituasjon utanfor NAV-kontoret",
}
RED_EVENTS = set(REPORT_RED_LIST.values())


def test_default_matrix_reproduces_the_reports_red_list_exactly():
    events = json.loads(HORDALAND.read_text(encoding="utf-8"))["events"]
    cells = rules.default_cells()
    red = {e["event"] for e in events if rules.zone_of(cells, e["probability"], e["consequence"]) == Zone.RED}
    assert red == RED_EVENTS
    assert len(events) == 37 and len(red) == 14


@pytest.mark.parametrize(("probability", "consequence", "zone"), [
    (1, 4, Zone.RED), (1, 5, Zone.RED), (3, 3, Zone.RED), (2, 3, Zone.YELLOW), (5, 2, Zone.RED),
    (4, 2, Zone.YELLOW), (1, 1, Zone.GREEN), (3, 1, Zone.GREEN),
])
def test_default_cells(probability, consequence, zone):
    assert rules.zone_of(rules.default_cells(), probability, consequence) == zone


def test_every_default_cell_has_a_zone():
    assert {z for row in rules.default_cells() for z in row} == set(Zone.values)


def test_contrast_ratio_of_black_on_white_is_21():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#c30000") > 4.5


@pytest.mark.parametrize(("days_left", "threshold"), [(31, None), (30, "due"), (0, "due"), (-1, "overdue")])
def test_review_threshold(days_left, threshold):
    today = datetime.date(2026, 3, 1)
    assert rules.review_threshold(today + datetime.timedelta(days=days_left), today) == threshold


def test_no_review_date_no_threshold():
    assert rules.review_threshold(None, datetime.date(2026, 3, 1)) is None


def test_incident_window_is_twelve_months_including_today():
    since, until = rules.incident_window(datetime.date(2026, 3, 1))
    assert until == datetime.date(2026, 3, 1)
    assert (until - since).days == 364
