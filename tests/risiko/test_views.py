import datetime
import io
import json

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from hendelser.models import Incident
from nav_sikkerhet.core.models import Role
from risiko import services
from risiko.models import Analysis, AnalysisStatus, MeasureKind

from ..factories import UnitFactory, staff_member
from .test_rules import RED_EVENTS

pytestmark = pytest.mark.django_db


def _detail(analysis):
    return reverse("risiko:detail", args=[analysis.pk])


def test_the_hordaland_analysis_shows_the_reports_red_events_in_red(client, leader, imported):
    client.force_login(leader)
    html = client.get(_detail(imported)).content.decode()
    rows = html.split('<tr id="hendelse-')[1:]
    red = {row.split("<strong>")[1].split("</strong>")[0] for row in rows if 'data-zone="red"' in row}
    assert red == {title.replace("&", "&amp;") for title in RED_EVENTS}
    assert "Tiltak nødvendig" in html


def test_the_heat_map_counts_events_per_cell_and_a_cell_opens_its_events(client, leader, imported):
    client.force_login(leader)
    response = client.get(_detail(imported) + "?celle=1-4")
    cell = response.context["selected"][0]
    assert cell.count == 5  # the report's consequence 4 at the rarest probability
    assert {e.title for e in cell.events} == {"True med skytevåpen", "Bruk av blod", "Brannstiftelse",
                                               "Gisselsituasjon på NAV-kontoret",
                                               "Gisselsituasjon utanfor NAV-kontoret"}
    assert "Brannstiftelse</a>" in response.content.decode()


def test_the_page_counts_the_units_incidents_of_the_last_year(client, leader, imported):
    now = timezone.now()
    for days, category in ((10, "threat"), (20, "verbal"), (400, "threat"), (5, "assault")):
        Incident.objects.create(unit=imported.unit, occurred_at=now - datetime.timedelta(days=days), channel="phone",
                                category=category, description="x", perpetrator="unknown", registered_by=leader)
    client.force_login(leader)
    rows = client.get(_detail(imported)).context["page"].rows
    threats = next(r for r in rows if r.event.category == "threats")
    violence = next(r for r in rows if r.event.category == "violence")
    assert sum(n for _, n in threats.incidents) == 2
    assert sum(n for _, n in violence.incidents) == 1


def test_the_detail_page_reads_a_fixed_number_of_queries(client, leader, imported, django_assert_max_num_queries):
    client.force_login(leader)
    with django_assert_max_num_queries(25):
        client.get(_detail(imported))


def test_the_regional_security_officer_reads_every_analysis_in_the_region(client, imported):
    neighbour = UnitFactory(number="0316", region=imported.unit.region)
    officer = staff_member(Role.SIKKERHETSANSVARLIG, neighbour, username="sikkerhet_test")
    client.force_login(officer)
    response = client.get(_detail(imported))
    assert response.status_code == 200
    assert not response.context["may_edit"] and not response.context["may_approve"]
    assert client.get(reverse("risiko:event_add", args=[imported.pk])).status_code == 404


def test_another_units_leader_gets_404(client, other_leader, imported):
    client.force_login(other_leader)
    for name in ("risiko:detail", "risiko:pdf", "risiko:export_json", "risiko:measures_csv", "risiko:edit"):
        assert client.get(reverse(name, args=[imported.pk])).status_code == 404, name
    assert client.post(reverse("risiko:approve", args=[imported.pk])).status_code == 404


def test_leader_creates_from_the_template_adds_an_event_and_approves(client, leader, unit, template):
    client.force_login(leader)
    today = timezone.localdate()
    response = client.post(reverse("risiko:create"), {
        "unit": unit.pk, "template": template.pk, "title": "ROS Sagene", "analysis_date": today.isoformat(),
        "next_review_on": (today + datetime.timedelta(days=365)).isoformat(), "owner": leader.pk,
    })
    analysis = Analysis.objects.get(title="ROS Sagene")
    assert response.status_code == 302 and analysis.events.count() == 37
    page = client.get(_detail(analysis))
    assert page.context["page"].as_in_template == 37
    assert "37 hendelser er fortsatt som i malen" in page.content.decode()
    response = client.post(reverse("risiko:event_add", args=[analysis.pk]), {
        "category": "threats", "title": "Trusler i køen ved mottaket", "probability": 4, "consequence": 2,
        "residual_probability": "", "residual_consequence": "",
    })
    assert response.status_code == 302
    client.post(reverse("risiko:approve", args=[analysis.pk]))
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.APPROVED


def test_a_bad_event_keeps_the_form_with_the_error_on_the_field(client, leader, draft):
    client.force_login(leader)
    response = client.post(reverse("risiko:event_add", args=[draft.pk]), {
        "category": "threats", "title": "X", "probability": 2, "consequence": 2, "residual_probability": 3,
        "residual_consequence": 1,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["residual_probability"]
    assert draft.events.count() == 1


def test_hms_may_not_approve(client, hms, draft):
    client.force_login(hms)
    assert not client.get(_detail(draft)).context["may_approve"]
    client.post(reverse("risiko:approve", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == AnalysisStatus.DRAFT


def test_an_approved_analysis_sends_edits_back_with_a_message(client, leader, draft):
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    client.force_login(leader)
    response = client.get(reverse("risiko:event_add", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == _detail(draft)


def test_the_pdf_report_is_a_pdf_a_with_the_matrix_events_and_measures(client, leader, imported, today):
    phone = imported.events.get(title="Truslar på telefon")
    services.measure_add(by=leader, event_id=phone.pk, kind=MeasureKind.PREVENTIVE,
                         description="Felles rutine for telefontrusler", responsible=leader, due_on=today)
    client.force_login(leader)
    response = client.get(reverse("risiko:pdf", args=[imported.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    # PDF/A-2a like the letters (tagged, so a screen reader can follow the report).
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="A"' in xmp
    # Words joined by single spaces: the measures column is narrow, so a measure may wrap onto two lines.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in ("Før tiltak", "Tiltak nødvendig", "Gisselsituasjon utanfor NAV-kontoret",
                     "Felles rutine for telefontrusler"):
        assert expected in text


def test_the_measures_csv(client, leader, draft, today):
    services.measure_add(by=leader, event_id=draft.events.get().pk, kind=MeasureKind.PREVENTIVE,
                         description="=HYPERLINK(\"x\")", responsible=leader, due_on=today)
    client.force_login(leader)
    response = client.get(reverse("risiko:measures_csv", args=[draft.pk]))
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 2 and "Trusler på telefon" in lines[1] and today.isoformat() in lines[1]
    assert "\"'=HYPERLINK" in lines[1]  # a formula is written as text


def test_the_browser_import_for_hms(client, hms, unit, hordaland_data):
    client.force_login(hms)
    upload = io.BytesIO(json.dumps(hordaland_data).encode())
    upload.name = "ros.json"
    response = client.post(reverse("risiko:import"), {"unit": unit.pk, "file": upload})
    assert response.status_code == 302
    assert Analysis.objects.get().events.count() == 37


def test_a_bad_file_is_refused_with_the_event_and_field_named(client, hms, unit, hordaland_data):
    hordaland_data["events"][1]["consequence"] = 9
    client.force_login(hms)
    upload = io.BytesIO(json.dumps(hordaland_data).encode())
    upload.name = "ros.json"
    response = client.post(reverse("risiko:import"), {"unit": unit.pk, "file": upload})
    assert response.status_code == 200
    # The page speaks bokmål (the project's default language).
    assert "Hendelse 2 «Truslar mot person på kontoret», konsekvens" in response.context["form"].errors["file"][0]
    assert not Analysis.objects.exists()


def test_a_file_that_is_not_json_is_refused(client, hms, unit):
    client.force_login(hms)
    upload = io.BytesIO(b"\x89PNG not json")
    upload.name = "ros.json"
    response = client.post(reverse("risiko:import"), {"unit": unit.pk, "file": upload})
    assert "ikke gyldig JSON" in response.context["form"].errors["file"][0]


def test_the_start_page_shows_the_units_analysis_in_force(client, leader, draft):
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    client.force_login(leader)
    html = client.get(reverse("core:start")).content.decode()
    assert reverse("risiko:detail", args=[draft.pk]) in html


def test_the_zones_style_sheet_follows_the_analysis_matrix_version(client, leader, imported, superuser):
    client.force_login(leader)
    matrix = services.matrix_default()
    matrix.zones = {**matrix.zones, "red": {**matrix.zones["red"], "colour": "#8a0000"}}
    services.matrix_save(by=superuser, matrix=matrix)
    response = client.get(reverse("risiko:zones_css", args=[imported.pk]))
    assert response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    assert ".zone--red { background-color: #c30000; color: #ffffff; }" in css


def test_the_index_lists_analyses_in_a_fixed_number_of_queries(client, leader, unit, template, today,
                                                                  django_assert_max_num_queries):
    for n in range(5):
        services.analysis_create(by=leader, unit=unit, template=template, title=f"ROS {n}", analysis_date=today)
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("risiko:index"))
    assert len(response.context["analyses"]) == 5
    assert response.context["analyses"][0].event_count == 37


def test_the_start_page_warns_of_measures_past_their_date(client, leader, draft, today):
    services.measure_add(by=leader, event_id=draft.events.get().pk, kind=MeasureKind.PREVENTIVE,
                         description="Rutine", responsible=leader, due_on=today - datetime.timedelta(days=2))
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    client.force_login(leader)
    panel = dict(client.get(reverse("core:start")).context["page"].panels)["risiko/_start_panel.html"]
    (unit, analysis), = panel["units"]
    assert (analysis.open_measures, analysis.overdue_measures, analysis.review_threshold) == (1, 1, None)


def test_the_after_map_counts_events_not_yet_assessed(client, leader, imported):
    client.force_login(leader)
    page = client.get(_detail(imported)).context["page"]
    assert page.after.not_assessed == 37
    assert sum(cell.count for _, row in page.after.rows for cell in row) == 0


def test_a_draft_event_is_removed_and_a_cause_added(client, leader, draft):
    client.force_login(leader)
    event = draft.events.get()
    assert client.post(reverse("risiko:event_delete", args=[draft.pk, event.pk])).status_code == 302
    assert not draft.events.exists()
    client.post(reverse("risiko:cause_add", args=[draft.pk]), {"description": "Lang ventetid i mottak", "rating": 4})
    assert [(c.description, c.rating) for c in draft.causes.all()] == [("Lang ventetid i mottak", 4)]


def test_a_measure_is_postponed_and_marked_done_from_the_page(client, leader, draft, today):
    measure = services.measure_add(by=leader, event_id=draft.events.get().pk, kind=MeasureKind.PREVENTIVE,
                                   description="Rutine", responsible=leader, due_on=today)
    client.force_login(leader)
    later = today + datetime.timedelta(days=14)
    client.post(reverse("risiko:measure_status", args=[draft.pk, measure.pk]),
                {"status": "in_progress", "due_on": later.isoformat()})
    measure.refresh_from_db()
    assert measure.status == "in_progress" and measure.due_on == later
    client.post(reverse("risiko:measure_status", args=[draft.pk, measure.pk]), {"status": "done"})
    measure.refresh_from_db()
    assert measure.status == "done" and measure.done_on == today and measure.due_on == later


def _queries(func) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def test_the_page_and_the_report_read_an_analysis_in_a_fixed_number_of_queries(client, leader, unit, today,
                                                                               hordaland_data):
    """One event with a measure, or 37 with two each: the same queries (no query per event or measure)."""
    from django.template.loader import render_to_string

    from risiko import selectors

    for event in hordaland_data["events"]:
        event["measures"] = [{"kind": "preventive", "description": f"Rutine {n}", "responsible": leader.nav_ident,
                              "due_on": "2030-01-01"} for n in range(2)]
    small = services.analysis_import(by=leader, data={**hordaland_data, "events": hordaland_data["events"][:1]},
                                     unit=unit)
    large = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    client.force_login(leader)
    client.get(_detail(small))  # session and caches

    def report(analysis):
        page = selectors.analysis_page(analysis=analysis, today=today)
        return render_to_string("risiko/report_pdf.html", {"page": page, "analysis": analysis, "fonts": {},
                                                           "printed_at": timezone.now()})

    assert _queries(lambda: client.get(_detail(small))) == _queries(lambda: client.get(_detail(large)))
    assert _queries(lambda: report(small)) == _queries(lambda: report(large))
    assert "Rutine 1" in report(large) and "Spytte" in report(large)


@pytest.mark.parametrize(("content", "message"), [
    (b'{"title": "A", "title": "B"}', "Filen oppgir nøkkelen «title» to ganger i samme objekt."),
    (b'{"title": "A", "events": [{"barriers": "\\ud800"}]}', "Ved events › 1 › barriers: teksten inneholder"),
    (b"[" * 50_000 + b"]" * 50_000, "Filen er nøstet for dypt"),
])
def test_a_file_the_database_cannot_hold_gets_a_form_error_naming_the_place(client, hms, unit, content, message):
    client.force_login(hms)
    upload = io.BytesIO(content)
    upload.name = "ros.json"
    response = client.post(reverse("risiko:import"), {"unit": unit.pk, "file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith(message)
    assert not Analysis.objects.exists()


def test_a_new_event_has_no_probability_or_consequence_chosen_beforehand(client, leader, draft):
    client.force_login(leader)
    form = client.get(reverse("risiko:event_add", args=[draft.pk])).context["form"]
    for name in ("probability", "consequence"):
        assert form[name].value() in (None, ""), name
        assert form.fields[name].choices[0][0] == "" and form.fields[name].required
