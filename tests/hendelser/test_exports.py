"""The incident export: other categories, formula neutralisation in CSV and XLSX, and an XLSX people can use."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from hendelser import exports
from hendelser.models import Category, Incident

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ["=CMD()", " =1+1", "\t=1+1", "\x01@SUM(A1)", "\r\n-2+3", "  +47 22", "\u00a0=HYPERLINK(1)"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_a_spreadsheet_would_run_is_recognised(text):
    assert exports.is_formula_like(text)
    assert exports.neutralise_csv(text) == "'" + text


@pytest.mark.parametrize("text", ["Trussel", "ASYS-2026-1234", "", "a=b", "1-2"])
def test_ordinary_text_is_left_alone(text):
    assert not exports.is_formula_like(text)
    assert exports.neutralise_csv(text) == text


def test_an_incident_with_other_categories_exports_in_both_formats(unit):
    IncidentFactory(unit=unit, category=Category.THREAT, other_categories=[Category.VERBAL, Category.HARASSMENT])
    incidents = Incident.objects.all()
    content, _ = exports.export(incidents, "csv")
    assert str(Category.VERBAL.label) in content.decode("utf-8-sig")
    content, _ = exports.export(incidents, "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert str(Category.HARASSMENT.label) in sheet.cell(row=2, column=6).value


def test_xlsx_has_real_dates_widths_a_frozen_header_a_filter_and_quoted_text(unit):
    moment = timezone.make_aware(datetime.datetime(2026, 3, 4, 9, 30))
    IncidentFactory(unit=unit, occurred_at=moment, asys_reference=" =CMD()")
    IncidentFactory(unit=unit, occurred_at=moment, municipal_reference="\x01@SUM(A1)")
    content, _ = exports.export(Incident.objects.order_by("pk"), "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:O{sheet.max_row}" and sheet.max_row == 3
    assert sheet.column_dimensions["C"].width == 28
    occurred = sheet.cell(row=2, column=2)
    assert occurred.is_date and occurred.value == datetime.datetime(2026, 3, 4, 9, 30)
    asys = sheet.cell(row=2, column=14)
    # Shown as typed, stored as text with the quote prefix, not with an apostrophe of its own and not a formula.
    assert asys.value == " =CMD()" and asys.data_type == "s" and asys.quotePrefix
    municipal = sheet.cell(row=3, column=15)
    assert municipal.value == "@SUM(A1)" and municipal.data_type == "s" and municipal.quotePrefix


def test_csv_neutralises_and_writes_norwegian_dates(unit):
    moment = timezone.make_aware(datetime.datetime(2026, 3, 4, 9, 30))
    IncidentFactory(unit=unit, occurred_at=moment, asys_reference="\t=CMD()")
    content, _ = exports.export(Incident.objects.all(), "csv")
    line = content.decode("utf-8-sig").splitlines()[1]
    assert "04.03.2026 09:30" in line and "'\t=CMD()" in line
