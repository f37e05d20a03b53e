"""The ROS report's PDF layout: one table for the events with their measures, and no row split across two pages
(issue 22 item 5). Checked on WeasyPrint's own layout boxes: a row that is split shows up on two pages."""

import collections

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import TableRowBox, TableRowGroupBox

from risiko import selectors, services
from tests.risiko.conftest import ACCEPTANCE_REASON


def _report_html(analysis, today) -> str:
    page = selectors.analysis_page(analysis=analysis, today=today)
    return render_to_string("risiko/report_pdf.html", {"page": page, "analysis": analysis, "fonts": {},
                                                       "printed_at": timezone.now()})


def _pages_per_body_row(html: str) -> tuple[int, collections.Counter]:
    """The number of pages, and for each body row (header rows repeat by design) the pages it is laid out on."""
    document = HTML(string=html).render()
    pages_of = collections.Counter()
    for page in document.pages:
        on_this_page = set()
        for box in page._page_box.descendants():
            if isinstance(box, TableRowGroupBox) and not box.is_header:
                on_this_page.update(id(row.element) for row in box.children if isinstance(row, TableRowBox))
        pages_of.update(on_this_page)
    return len(document.pages), pages_of


def test_no_table_row_is_split_across_pages(leader, unit, today, hordaland_data):
    # Long measures make tall rows, so some of them meet a page break.
    for n, event in enumerate(hordaland_data["events"]):
        event["measures"] = [{"kind": "preventive", "description": f"Rutine {n}.{m}: " + "opplæring og øvelse " * 12,
                              "responsible": leader.nav_ident, "due_on": "2030-01-01"} for m in range(3)]
    analysis = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    html = _report_html(analysis, today)

    pages, pages_of = _pages_per_body_row(html)
    assert pages >= 3
    assert len(pages_of) > len(hordaland_data["events"])  # every event's row, and the zones' group rows
    assert [n for n in pages_of.values() if n > 1] == []

    # The check itself sees a split: without the rule, WeasyPrint splits the rows that meet a page break.
    _pages, unguarded = _pages_per_body_row(html.replace("table.data tr { break-inside: avoid; }", ""))
    assert any(n > 1 for n in unguarded.values())


def test_each_event_is_one_row_with_its_measures(leader, unit, today, hordaland_data):
    hordaland_data["events"] = hordaland_data["events"][:2]
    hordaland_data["measures"] = []  # the template's measures name events this cut-down file leaves out
    hordaland_data["events"][0]["measures"] = [
        {"kind": "preventive", "description": "Felles rutine for telefontrusler", "responsible": leader.nav_ident,
         "due_on": "2030-01-01"},
        {"kind": "damage_reducing", "description": "Debrief etter hendelsen", "responsible": leader.nav_ident,
         "due_on": "2030-02-01"},
    ]
    analysis = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    html = _report_html(analysis, today)
    assert html.count("<table class=\"data\">") == 1
    first = html.split(hordaland_data["events"][0]["event"], 1)[1].split("</tr>", 1)[0]
    assert "Felles rutine for telefontrusler" in first and "Debrief etter hendelsen" in first


def test_the_report_names_the_safety_representative_and_each_accepted_risk(leader, unit, today, hordaland_data):
    hordaland_data["events"] = hordaland_data["events"][:2]
    hordaland_data["measures"] = []
    analysis = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    analysis.safety_representative = "Vera Verneombud"
    analysis.save(update_fields=["safety_representative"])
    red = analysis.events.order_by("position").first()
    services.event_update(by=leader, event_id=red.pk, probability=5, consequence=5)
    services.risk_accept(by=leader, event_id=red.pk, reason=ACCEPTANCE_REASON)

    with translation.override("en"):
        html = _report_html(analysis, today)
    assert "Vera Verneombud" in html.split('<table class="data">', 1)[0]
    row = html.split(red.title, 1)[1].split("</tr>", 1)[0]
    assert ACCEPTANCE_REASON in row and leader.get_full_name() in row and "no longer holds" not in row

    # Assessed anew, the acceptance no longer holds, and the report says so instead of passing it off as given.
    services.event_update(by=leader, event_id=red.pk, consequence=4)
    with translation.override("en"):
        row = _report_html(analysis, today).split(red.title, 1)[1].split("</tr>", 1)[0]
    assert ACCEPTANCE_REASON in row and "no longer holds" in row
