import io
import json

import pytest
from django.core.management import CommandError, call_command

from risiko.models import Analysis

from .conftest import HORDALAND
from .test_rules import RED_EVENTS

pytestmark = pytest.mark.django_db


def test_import_ros_then_export_ros_round_trips(unit, tmp_path):
    call_command("import_ros", str(HORDALAND), "--unit", unit.number, stdout=io.StringIO())
    analysis = Analysis.objects.get()
    out = io.StringIO()
    call_command("export_ros", str(analysis.pk), "--format", "json", stdout=out)
    exported = json.loads(out.getvalue())
    assert {e["event"] for e in exported["events"] if e["zone"] == "red"} == RED_EVENTS
    assert all(e["zone"] in ("red", "yellow", "green") and e["residual_zone"] is None for e in exported["events"])
    path = tmp_path / "export.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    call_command("import_ros", str(path), "--unit", unit.number, stdout=io.StringIO())
    again = Analysis.objects.exclude(pk=analysis.pk).get()
    out2 = io.StringIO()
    call_command("export_ros", str(again.pk), stdout=out2)
    assert json.loads(out2.getvalue())["events"] == exported["events"]


def test_import_ros_as_template(db):
    call_command("import_ros", str(HORDALAND), "--template", stdout=io.StringIO())
    assert Analysis.objects.get().is_template


def test_import_ros_names_the_bad_event(unit, tmp_path):
    data = json.loads(HORDALAND.read_text(encoding="utf-8"))
    data["events"][0]["probability"] = 7
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="Event 1 «Truslar på telefon», probability"):
        call_command("import_ros", str(path), "--unit", unit.number, stdout=io.StringIO())
    assert not Analysis.objects.exists()


def test_import_ros_unknown_unit(db):
    with pytest.raises(CommandError, match="9999"):
        call_command("import_ros", str(HORDALAND), "--unit", "9999", stdout=io.StringIO())


def test_export_ros_unknown_analysis(db):
    with pytest.raises(CommandError):
        call_command("export_ros", "12345", stdout=io.StringIO())


@pytest.mark.parametrize(("content", "message"), [
    (b'{"title": "A", "title": "B"}', "The file gives the key «title» twice in the same object."),
    (b"[" * 50_000 + b"]" * 50_000, "The file is nested too deeply to be a ROS analysis."),
    (b'{"title": "A\\u0000", "events": []}', "At title: the text holds a NUL character, which is not allowed."),
    (b'{"title": "A", "events": [{"event": "\\udc80"}]}', "At events › 1 › event: the text holds an invalid"),
    (b'{"title": "A", "analysis_date": "1.1.2026", "events": [{}]}', "Date of the analysis: give a date as"),
])
def test_import_ros_answers_a_bad_file_in_one_line(unit, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("import_ros", str(path), "--unit", unit.number, stdout=io.StringIO())
    assert str(error.value).startswith(message) and "\n" not in str(error.value)
    assert not Analysis.objects.exists()
