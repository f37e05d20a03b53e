import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risiko import interchange, selectors, services
from risiko.models import Analysis, AnalysisStatus, Cause, Event, Measure, MeasureKind

from .test_rules import RED_EVENTS

pytestmark = pytest.mark.django_db


def test_hordaland_import_gives_exactly_the_reports_red_list(imported):
    assert set(selectors.red_events(imported)) == RED_EVENTS
    assert len(selectors.red_events(imported)) == len(RED_EVENTS)
    assert imported.events.count() == 37
    assert imported.causes.count() == 26
    assert imported.status == AnalysisStatus.DRAFT


def test_import_reads_the_reports_categories(imported):
    assert imported.events.filter(category="threats").count() == 25
    assert imported.events.filter(category="violence").count() == 12


def test_import_reads_each_events_asys_mapping(imported):
    phone = imported.events.get(title="Truslar på telefon")
    assert (phone.asys_categories, phone.asys_channels) == (["threat"], ["phone"])
    hostage = imported.events.get(title="Gisselsituasjon på NAV-kontoret")
    assert (hostage.asys_categories, hostage.asys_channels) == ([], [])
    assert imported.events.exclude(asys_categories=[]).count() == 15


def test_import_refused_in_another_unit(other_leader, unit, hordaland_data):
    with pytest.raises(PermissionDenied):
        services.analysis_import(by=other_leader, data=hordaland_data, unit=unit)


@pytest.mark.parametrize(("change", "message"), [
    ({"probability": 6}, "Event 4 «Trussel ved heimebesøk», probability:"),
    ({"probability": "often"}, "Event 4 «Trussel ved heimebesøk», probability:"),
    ({"consequence": None}, "Event 4 «Trussel ved heimebesøk», consequence:"),
    ({"consequence": True}, "Event 4 «Trussel ved heimebesøk», consequence:"),
    ({"consequence": 2.5}, "Event 4 «Trussel ved heimebesøk», consequence:"),
    ({"event": ""}, "Event 4 «?», unwanted event:"),
    ({"category": "Brann"}, "Event 4 «Trussel ved heimebesøk», category:"),
    ({"residual_probability": 2}, "Event 4 «Trussel ved heimebesøk», consequence after measures:"),
    ({"residual_probability": 4, "residual_consequence": 3},
     "Event 4 «Trussel ved heimebesøk», probability after measures:"),
    ({"asys_categories": ["x"]}, "Event 4 «Trussel ved heimebesøk», ASYS categories:"),
    ({"asys_categories": "threat"}, "Event 4 «Trussel ved heimebesøk», ASYS categories:"),
    ({"asys_categories": [3]}, "Event 4 «Trussel ved heimebesøk», ASYS categories:"),
    ({"asys_channels": ["fax"]}, "Event 4 «Trussel ved heimebesøk», ASYS channels:"),
    ({"asys_categories": [], "asys_channels": ["phone"]}, "Event 4 «Trussel ved heimebesøk», ASYS categories:"),
])
def test_a_bad_event_is_named_with_its_field_and_nothing_is_imported(leader, unit, hordaland_data, change, message):
    data = copy.deepcopy(hordaland_data)
    data["events"][3].update(change)
    with pytest.raises(ValidationError) as error:
        services.analysis_import(by=leader, data=data, unit=unit)
    assert error.value.messages[0].startswith(message)
    assert not Analysis.objects.exists()
    assert not Event.objects.exists() and not Cause.objects.exists()


def test_an_error_in_the_last_event_leaves_nothing_behind(leader, unit, hordaland_data):
    data = copy.deepcopy(hordaland_data)
    data["events"][-1]["probability"] = 0
    with pytest.raises(ValidationError, match="Event 37 «Spytte», probability"):
        services.analysis_import(by=leader, data=data, unit=unit)
    assert not Analysis.objects.exists() and not Event.objects.exists()


@pytest.mark.parametrize("data", [[], {"title": "x"}, {"title": "x", "events": []}, {"events": [{}]},
                                  {"title": "x", "events": ["not an event"]}])
def test_a_file_of_the_wrong_shape_is_refused(leader, unit, data):
    with pytest.raises(ValidationError):
        services.analysis_import(by=leader, data=data, unit=unit)
    assert not Analysis.objects.exists()


def test_a_measure_with_an_unknown_responsible_is_named(leader, unit, hordaland_data):
    data = copy.deepcopy(hordaland_data)
    data["events"][0]["measures"] = [{"kind": "preventive", "description": "Rutine", "responsible": "X000000",
                                      "due_on": "2030-01-01"}]
    with pytest.raises(ValidationError, match="Event 1 «Truslar på telefon», responsible: .*X000000"):
        services.analysis_import(by=leader, data=data, unit=unit)


def test_export_gives_each_events_zone_before_and_after(imported, leader):
    phone = imported.events.get(title="Truslar på telefon")
    services.event_update(by=leader, event_id=phone.pk, residual_probability=3, residual_consequence=2)
    exported = interchange.export(imported)
    row = next(e for e in exported["events"] if e["event"] == "Truslar på telefon")
    assert (row["probability"], row["consequence"], row["zone"]) == (5, 2, "red")
    assert (row["residual_probability"], row["residual_consequence"], row["residual_zone"]) == (3, 2, "yellow")
    assert {e["event"] for e in exported["events"] if e["zone"] == "red"} == RED_EVENTS


def _content(exported: dict) -> dict:
    # What makes the analysis, not where or when it was stored: an import is always a new draft.
    return {k: v for k, v in exported.items() if k not in ("status", "unit", "matrix")}


def test_import_of_an_export_gives_the_same_analysis(imported, leader, unit, today):
    services.analysis_update(by=leader, analysis_id=imported.pk, owner=leader, participants="HMS, verneombud",
                             scope="Kontoret og hjemmebesøk")
    event = imported.events.get(title="Bruk av kniv, spisse gjenstandar")
    services.event_update(by=leader, event_id=event.pk, residual_probability=2, residual_consequence=3,
                          barriers="Alarm i samtalerom", description="I samtalerom uten rømningsvei")
    services.measure_add(by=leader, event_id=event.pk, kind=MeasureKind.DAMAGE_REDUCING,
                         description="Rømningsvei i alle samtalerom", responsible=leader, due_on=today)
    first = interchange.export(imported)
    again = services.analysis_import(by=leader, data=first, unit=unit)
    assert _content(interchange.export(again)) == _content(first)
    assert Measure.objects.filter(event__analysis=again).count() == 1


def test_a_measure_whose_responsible_works_elsewhere_is_named(leader, other_leader, unit, hordaland_data):
    data = copy.deepcopy(hordaland_data)
    data["events"][1]["measures"] = [{"kind": "preventive", "description": "Rutine",
                                      "responsible": other_leader.nav_ident, "due_on": "2030-01-01"}]
    with pytest.raises(ValidationError, match="Event 2 «Truslar mot person på kontoret», responsible: Choose a"):
        services.analysis_import(by=leader, data=data, unit=unit)
    assert not Analysis.objects.exists()
