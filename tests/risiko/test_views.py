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
from .conftest import make_ready
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


def _incident(unit, by, *, days, category, channel, others=()):
    return Incident.objects.create(unit=unit, occurred_at=timezone.now() - datetime.timedelta(days=days),
                                   channel=channel, category=category, other_categories=list(others),
                                   description="x", perpetrator="unknown", registered_by=by)


def test_each_event_counts_the_units_incidents_of_its_own_categories_and_channels(client, leader, imported):
    unit = imported.unit
    for days, category, channel in ((10, "threat", "phone"), (20, "verbal", "phone"), (400, "threat", "phone"),
                                    (5, "assault", "reception"), (3, "threat", "reception")):
        _incident(unit, leader, days=days, category=category, channel=channel)
    _incident(unit, leader, days=4, category="verbal", channel="phone", others=["threat"])
    _incident(UnitFactory(number="0317"), leader, days=2, category="threat", channel="phone")
    client.force_login(leader)
    rows = {r.event.title: r for r in client.get(_detail(imported)).context["page"].rows}
    # Not the broad category: a threat at the counter is not a threat by phone, and the verbal abuse by phone
    # counts only where it was also registered as a threat. Another unit's incidents never count.
    assert rows["Truslar på telefon"].incident_count == 2
    assert rows["Truslar mot person på kontoret"].incident_count == 1
    assert rows["Slag, lugging, sparking"].incident_count == 1
    assert rows["True med skytevåpen"].incident_count is None


def test_an_event_the_incidents_put_higher_is_marked_with_what_they_suggest_and_why(client, leader, imported):
    # The report puts threats at a home visit at «monthly» (3); 52 in a year is weekly by the default thresholds.
    for n in range(52):
        _incident(imported.unit, leader, days=1 + n * 7 % 360, category="threat", channel="home_visit")
    client.force_login(leader)
    response = client.get(_detail(imported))
    page = response.context["page"]
    assert [row.event.title for row in page.underestimated] == ["Trussel ved heimebesøk"]
    row = page.underestimated[0]
    assert (row.suggestion.level, row.suggestion.count, row.suggestion.threshold) == (4, 52, 52)
    html = response.content.decode()
    marked = html.split(f'<tr id="hendelse-{row.event.pk}"')[1].split("</tr>")[0]
    assert 'data-underestimated="true"' in marked
    assert "Hendelsene tyder på sannsynlighet 4 – Ukentlig" in marked  # the page speaks bokmål
    assert 'id="undervurdert"' in html
    assert html.count('data-underestimated="true"') == 1


def test_one_incident_fewer_than_the_threshold_marks_nothing(client, leader, imported):
    for n in range(51):
        _incident(imported.unit, leader, days=1 + n * 7 % 360, category="threat", channel="home_visit")
    client.force_login(leader)
    assert client.get(_detail(imported)).context["page"].underestimated == []


def test_the_detail_page_reads_a_fixed_number_of_queries(client, leader, imported, django_assert_max_num_queries):
    client.force_login(leader)
    # 26: the approval checklist, the template's measures, the incident profile and the unit's matrix are one
    # query each, whatever the number of events (the test below compares 1 event with 37).
    with django_assert_max_num_queries(26):
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
    assert client.post(reverse("risiko:approve", args=[imported.pk]), {"confirm": "on"}).status_code == 404


def test_leader_creates_from_the_template_and_approves_only_through_the_steps(client, leader, unit, template):
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
    content = page.content.decode()
    # Said once, in the approval checklist with its fix, not again in a notice of its own with other advice.
    assert content.count("fortsatt som i malen") == 1 and "37 hendelser er fortsatt som i malen" in content
    assert reverse("risiko:edit", args=[analysis.pk]) in content  # where the participants are named
    # Straight from the template: refused, and nothing changes.
    response = client.post(reverse("risiko:approve", args=[analysis.pk]), {"confirm": "on"})
    assert response.status_code == 200 and "confirm" not in response.context["form"].errors
    assert {p.code for p in response.context["problems"]} == {"red_events", "template_events", "participants",
                                                               "safety_representative"}
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.DRAFT
    # The steps: the events confirmed (one here, the rest through the services), the red risks answered, the
    # participants named.
    event = analysis.events.get(title="Spytte")
    assert client.post(reverse("risiko:event_confirm", args=[analysis.pk, event.pk])).status_code == 302
    event.refresh_from_db()
    assert not event.as_in_template and event.confirmed_by == leader
    make_ready(leader, analysis)
    response = client.post(reverse("risiko:edit", args=[analysis.pk]), {
        "title": "ROS Sagene", "analysis_date": today.isoformat(), "owner": leader.pk,
        "next_review_on": (today + datetime.timedelta(days=365)).isoformat(),
        "participants": "Lene Leder, Sara Saksbehandler", "safety_representative": "Vidar Verneombud",
    })
    assert response.status_code == 302
    # The confirmation step says it is the unit's first; without the tick nothing happens.
    page = client.get(reverse("risiko:approve", args=[analysis.pk]))
    assert page.context["problems"] == [] and page.context["replaced"] is None
    assert "første godkjente" in page.content.decode()
    response = client.post(reverse("risiko:approve", args=[analysis.pk]), {"replaces": ""})
    assert response.context["form"].errors["confirm"]
    response = client.post(reverse("risiko:approve", args=[analysis.pk]), {"confirm": "on", "replaces": ""})
    assert response.status_code == 302
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


def test_the_event_form_maps_the_event_to_asys_and_refuses_what_is_not_on_the_lists(client, leader, draft):
    client.force_login(leader)
    event = draft.events.get()
    url = reverse("risiko:event_edit", args=[draft.pk, event.pk])
    base = {"category": "threats", "title": event.title, "probability": 5, "consequence": 2,
            "residual_probability": "", "residual_consequence": ""}
    for bad, field in (({"asys_categories": ["x"]}, "asys_categories"),
                       ({"asys_channels": ["phone"]}, "asys_categories"),
                       ({"asys_categories": ["threat"], "asys_channels": ["fax"]}, "asys_channels")):
        response = client.post(url, base | bad)
        assert response.status_code == 200 and response.context["form"].errors[field], bad
    event.refresh_from_db()
    assert event.asys_categories == []
    response = client.post(url, base | {"asys_categories": ["threat", "verbal"], "asys_channels": ["phone"]})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.asys_categories, event.asys_channels) == (["threat", "verbal"], ["phone"])


def test_hms_may_not_approve(client, hms, draft):
    client.force_login(hms)
    assert not client.get(_detail(draft)).context["may_approve"]
    assert client.post(reverse("risiko:approve", args=[draft.pk]), {"confirm": "on"}).status_code == 404
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
    small = services.analysis_import(by=leader, data={**hordaland_data, "events": hordaland_data["events"][:1],
                                                                "measures": []},
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


def _softer_matrix_for(unit, superuser):
    from risiko.models import MatrixDefinition, Zone

    default = services.matrix_default()
    cells = [list(row) for row in default.cells]
    cells[4][1] = Zone.YELLOW  # daily, injury without sick leave: no longer red
    matrix = services.matrix_save(by=superuser, matrix=MatrixDefinition(
        name="Vest", probability_labels=default.probability_labels, consequence_labels=default.consequence_labels,
        cells=cells, zones=default.zones))
    services.matrix_use_set(by=superuser, matrix=matrix, unit=unit)
    return matrix


def test_a_draft_offers_the_units_new_matrix_and_moving_says_which_events_changed_zone(client, leader, superuser,
                                                                                        draft):
    client.force_login(leader)
    assert client.get(_detail(draft)).context["newer_matrix"] is None
    matrix = _softer_matrix_for(draft.unit, superuser)
    page = client.get(_detail(draft))
    assert page.context["newer_matrix"].id == matrix.pk
    assert reverse("risiko:move_matrix", args=[draft.pk]) in page.content.decode()
    response = client.post(reverse("risiko:move_matrix", args=[draft.pk]), follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    # The messages speak the user's language (bokmål).
    assert "Analysen er på Vest, versjon 1." in text
    assert "1 hendelse skiftet sone: «Trusler på telefon»: Rød → Gul" in text
    assert response.context["newer_matrix"] is None
    again = client.post(reverse("risiko:move_matrix", args=[draft.pk]), follow=True)
    assert "allerede på den nyeste versjonen" in " ".join(str(m) for m in again.context["messages"])


def test_a_new_version_on_the_units_new_matrix_says_which_events_changed_zone(client, leader, superuser, draft):
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    _softer_matrix_for(draft.unit, superuser)
    client.force_login(leader)
    response = client.post(reverse("risiko:revise", args=[draft.pk]), follow=True)
    assert "«Trusler på telefon»: Rød → Gul" in " ".join(str(m) for m in response.context["messages"])
    draft.refresh_from_db()
    assert draft.matrix.name != "Vest"  # the approved one stays on the version it was approved on


def test_an_approved_analysis_is_not_offered_nor_moved_and_another_unit_gets_404(client, leader, other_leader,
                                                                                   superuser, draft):
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    made_on = draft.matrix_id
    _softer_matrix_for(draft.unit, superuser)
    client.force_login(leader)
    assert client.get(_detail(draft)).context["newer_matrix"] is None
    client.post(reverse("risiko:move_matrix", args=[draft.pk]))
    client.force_login(other_leader)
    assert client.post(reverse("risiko:move_matrix", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.matrix_id == made_on


def test_the_leader_accepts_a_red_risk_on_its_page_and_a_placeholder_keeps_the_form(client, leader, draft):
    event = services.event_add(by=leader, analysis_id=draft.pk, category="violence", title="Slag mot tilsett",
                               probability=2, consequence=4)
    client.force_login(leader)
    page = client.get(_detail(draft)).content.decode()
    accept = reverse("risiko:risk_accept", args=[draft.pk, event.pk])
    assert accept in page and f"#hendelse-{event.pk}" in page  # the problem links to the event's row
    response = client.post(accept, {"reason": "x"})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert "plassholder" in response.content.decode()
    response = client.post(accept, {"reason": "Slag har ikke skjedd her på ti år, og alarmen i mottaket dekker det."})
    assert response.status_code == 302
    assert "Risiko akseptert av" in client.get(_detail(draft)).content.decode()


def test_hms_confirms_events_but_neither_accepts_nor_sees_the_approval_page(client, hms, leader, unit, template,
                                                                               today):
    analysis = services.analysis_create(by=leader, unit=unit, template=template, title="ROS", analysis_date=today)
    event = analysis.events.get(title="Truslar på telefon")
    client.force_login(hms)
    page = client.get(_detail(analysis)).content.decode()
    assert reverse("risiko:event_confirm", args=[analysis.pk, event.pk]) in page
    assert reverse("risiko:risk_accept", args=[analysis.pk, event.pk]) not in page
    assert client.post(reverse("risiko:event_confirm", args=[analysis.pk, event.pk])).status_code == 302
    event.refresh_from_db()
    assert event.confirmed_by == hms
    assert client.get(reverse("risiko:risk_accept", args=[analysis.pk, event.pk])).status_code == 404
    assert client.get(reverse("risiko:approve", args=[analysis.pk])).status_code == 404


def test_the_confirmation_page_names_the_analysis_it_replaces(client, leader, draft, today):
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    second = services.analysis_revise(by=leader, analysis_id=draft.pk)
    services.analysis_update(by=leader, analysis_id=second.pk, next_review_on=today + datetime.timedelta(days=90))
    client.force_login(leader)
    page = client.get(reverse("risiko:approve", args=[second.pk]))
    assert page.context["replaced"] == draft and page.context["form"]["replaces"].value() == draft.pk
    assert f"Den erstatter «{draft.title}» ({draft.reference})" in page.content.decode()
    # A stale page (it said "the unit's first") is refused with the reason, and nothing changes.
    response = client.post(reverse("risiko:approve", args=[second.pk]), {"confirm": "on", "replaces": ""})
    assert response.status_code == 200 and "siden du bekreftet" in response.content.decode()
    second.refresh_from_db()
    assert second.status == AnalysisStatus.DRAFT
    response = client.post(reverse("risiko:approve", args=[second.pk]), {"confirm": "on", "replaces": draft.pk})
    assert response.status_code == 302
    # A second request (a double click) is told the analysis is no longer a draft.
    response = client.post(reverse("risiko:approve", args=[second.pk]), {"confirm": "on", "replaces": draft.pk})
    assert response.status_code == 302 and response["Location"] == _detail(second)
