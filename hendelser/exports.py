"""CSV and XLSX of a filtered incident list, for the unit's own follow-up and reports.

No citizen's name or identity number and no free text (which may hold them): the file leaves the system,
so it carries the facts that are counted, and the references to ASYS and the municipal system.
The columns are listed once (``columns``); both file kinds write the same ones.
"""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from nav_sikkerhet.core.spreadsheets import is_formula_like, neutralise

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DATE_FORMAT = "dd.mm.yyyy hh:mm"


@dataclass(frozen=True)
class Column:
    key: str
    header: Callable[[], str]
    value: Callable
    width: int = 14  # characters, for the XLSX


def _yes_no(flag: bool) -> str:
    return _("Yes") if flag else _("No")


def _local(moment: datetime.datetime) -> datetime.datetime:
    # Spreadsheets have no time zones: the local time as a plain date and time.
    return timezone.localtime(moment).replace(tzinfo=None)


def columns(*, health_unit_ids: frozenset[int]) -> list[Column]:
    """Every column of the export, in order. Leave a column out here to leave it out of both file kinds.

    Sick leave is staff health data (``rules.may_see_health_data``): blank outside ``health_unit_ids``.
    """
    def sick_leave(incident):
        return _yes_no(incident.sick_leave) if incident.unit_id in health_unit_ids else ""

    return [
        Column("reference", lambda: _("Reference"), lambda i: i.reference, 14),
        Column("occurred_at", lambda: _("Date and time"), lambda i: _local(i.occurred_at), 17),
        Column("unit", lambda: _("Unit"), lambda i: f"{i.unit.number} {i.unit.name}", 28),
        Column("channel", lambda: _("Where or how"), lambda i: str(i.get_channel_display()), 24),
        Column("category", lambda: _("Category (ASYS)"), lambda i: str(i.get_category_display()), 22),
        # The labels are lazy translations: joined as text, not as proxies.
        Column("other_categories", lambda: _("Other categories"),
               lambda i: ", ".join(str(label) for label in i.other_category_labels()), 28),
        Column("perpetrator", lambda: _("Who did it"), lambda i: str(i.get_perpetrator_display()), 18),
        Column("injury", lambda: _("Injury (1–5)"), lambda i: i.injury, 10),
        Column("sick_leave", lambda: _("Sick leave"), sick_leave, 10),
        Column("police_reported", lambda: _("Reported to the police"), lambda i: _yes_no(i.police_reported), 12),
        Column("exposed_state", lambda: _("Exposed state employees"), lambda i: i.exposed_state, 12),
        Column("exposed_municipal", lambda: _("Exposed municipal employees"), lambda i: i.exposed_municipal, 12),
        Column("status", lambda: _("Status"), lambda i: str(i.get_status_display()), 14),
        Column("asys_reference", lambda: _("ASYS reference"), lambda i: i.asys_reference, 16),
        Column("municipal_reference", lambda: _("Municipal reference"), lambda i: i.municipal_reference, 16),
    ]


def _rows(incidents, chosen: list[Column]):
    for incident in incidents.select_related("unit").iterator(chunk_size=1000):
        yield [column.value(incident) for column in chosen]


def neutralise_csv(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; dates get the Norwegian form."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    return neutralise(value)


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        # Control characters are not allowed in the file format; they carry nothing a reader needs.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime):
        cell.number_format = DATE_FORMAT
    elif is_formula_like(value):
        # Text, shown as typed: the cell is a string with Excel's own "quote prefix", not a formula.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _xlsx(incidents, chosen: list[Column]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Incidents"))
    for index, column in enumerate(chosen, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in chosen:
        cell = _xlsx_cell(sheet, column.header())
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in _rows(incidents, chosen):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(chosen))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(incidents, chosen: list[Column]) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a byte-order mark: what Excel in Norway opens without asking.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([neutralise_csv(column.header()) for column in chosen])
    for row in _rows(incidents, chosen):
        writer.writerow([neutralise_csv(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export(
    incidents, kind: str, *, health_unit_ids: frozenset[int], chosen: list[Column] | None = None
) -> tuple[bytes, str]:
    """The incidents as a file of the given kind, and its content type; sick leave only for ``health_unit_ids``."""
    chosen = columns(health_unit_ids=health_unit_ids) if chosen is None else chosen
    content = _xlsx(incidents, chosen) if kind == "xlsx" else _csv(incidents, chosen)
    return content, FORMATS[kind]
