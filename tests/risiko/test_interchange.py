"""Reading a ROS file: whatever the bytes, a clear error naming the place, never a traceback."""

import copy
import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from risiko import interchange, services
from risiko.models import Analysis, MeasureKind


@pytest.mark.parametrize(("content", "message"), [
    (b'{"title": "A", "title": "B", "events": []}', "The file gives the key «title» twice in the same object."),
    (b'{"title": "A", "events": [{"event": "x", "event": "y"}]}', "gives the key «event» twice"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (json.dumps({"title": "A", "events": [[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]}).encode(),
     "nested too deeply to be a ROS analysis (at events › 1 › 1"),
    (b'{"title": "A\\u0000B", "events": []}', "At title: the text holds a NUL character"),
    (b'{"title": "A", "events": [{"description": "x\\u0000"}]}', "At events › 1 › description: the text holds a NUL"),
    (b'{"title": "A", "events": [{"barriers": "x\\ud800y"}]}',
     "At events › 1 › barriers: the text holds an invalid character (a lone surrogate, \\ud800)"),
    (b'{"title\\udfff": "A"}', "lone surrogate"),
    (b'{"title": "A\x00"}', "The file is not valid JSON"),
])
def test_a_file_that_cannot_be_stored_is_refused_with_the_place_named(content, message):
    with pytest.raises(ValidationError) as error:
        interchange.load(content)
    assert message in error.value.messages[0]
    assert "\n" not in error.value.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "message"), [
    ({"analysis_date": 20260101}, "Date of the analysis: give a date as YYYY-MM-DD (not «20260101»)."),
    ({"next_review_on": "31.12.2027"}, "Next review: give a date as YYYY-MM-DD (not «31.12.2027»)."),
    ({"analysis_date": {"year": 2026}}, "Date of the analysis: give a date as YYYY-MM-DD"),
    ({"analysis_date": "2026-02-30"}, "Date of the analysis: give a date as YYYY-MM-DD (not «2026-02-30»)."),
])
def test_a_badly_typed_date_of_the_analysis_is_named(leader, unit, hordaland_data, change, message):
    hordaland_data.update(change)
    with pytest.raises(ValidationError) as error:
        services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    assert len(error.value.messages) == 1 and error.value.messages[0].startswith(message)
    assert not Analysis.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("due_on", [20301231, "31.12.2030", ["2030-12-31"], True])
def test_a_badly_typed_due_date_names_the_event(leader, unit, hordaland_data, due_on):
    data = copy.deepcopy(hordaland_data)
    data["events"][2]["measures"] = [{"kind": "preventive", "description": "Rutine",
                                      "responsible": leader.nav_ident, "due_on": due_on}]
    with pytest.raises(ValidationError) as error:
        services.analysis_import(by=leader, data=data, unit=unit)
    assert error.value.messages[0].startswith("Event 3 «Trakassering», due date: give a date")
    assert not Analysis.objects.exists()


@pytest.mark.django_db
def test_an_analysis_holds_at_most_the_configured_number_of_events(leader, unit, hordaland_data, settings):
    settings.ROS_MAX_EVENTS = 36
    with pytest.raises(ValidationError, match="at most 36 unwanted events \\(this one would have 37\\)"):
        services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    settings.ROS_MAX_EVENTS = 37
    analysis = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    with pytest.raises(ValidationError, match="at most 37 unwanted events \\(this one would have 38\\)"):
        services.event_add(by=leader, analysis_id=analysis.pk, category="threats", title="Én for mye",
                           probability=1, consequence=1)
    assert analysis.events.count() == 37


@pytest.mark.django_db
def test_the_import_writes_each_table_in_bulk(leader, unit, hordaland_data):
    """37 events with a measure each take as many queries as one event (history included)."""
    for event in hordaland_data["events"]:
        event["measures"] = [{"kind": "preventive", "description": "Rutine", "responsible": leader.nav_ident,
                              "due_on": "2030-01-01"}]
    # The template's measures too: one naming the one event, against the report's 20 naming all 37.
    one = {**hordaland_data, "events": hordaland_data["events"][:1],
           "measures": [{"kind": "preventive", "description": "Rutine",
                         "events": [hordaland_data["events"][0]["event"]]}]}
    services.analysis_import(by=leader, data=one, unit=unit)  # the matrix is made on first use
    with CaptureQueriesContext(connection) as for_one:
        services.analysis_import(by=leader, data=one, unit=unit)
    with CaptureQueriesContext(connection) as for_all:
        analysis = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    assert len(for_all) == len(for_one) <= 25
    assert analysis.events.count() == 37
    assert analysis.events.first().history.get().history_user == leader
    assert analysis.events.first().measures.get().history.count() == 1


@pytest.mark.django_db
def test_the_measures_csv_writes_a_formula_behind_leading_blanks_as_text(leader, draft, today):
    # Some spreadsheets skip leading blanks and tabs and would still run the formula.
    event = draft.events.get()
    event.title = "\t@SUM(A1)"
    event.save(update_fields=["title"])
    services.measure_add(by=leader, event_id=event.pk, kind=MeasureKind.PREVENTIVE,
                         description='  =HYPERLINK("http://x")', responsible=leader, due_on=today)
    rows = list(csv.reader(io.StringIO(interchange.measures_csv(draft).lstrip("\ufeff")), delimiter=";"))
    assert rows[1][0] == "'\t@SUM(A1)" and rows[1][2] == '\'  =HYPERLINK("http://x")'
