"""CSV and XLSX of a filtered incident list, for the unit's own follow-up and reports.

No citizen's name or identity number and no free text (which may hold them): the file leaves the system,
so it carries the facts that are counted, and the references to ASYS and the municipal system.
"""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _header() -> list[str]:
    return [
        _("Reference"), _("Date and time"), _("Unit"), _("Where or how"), _("Category (ASYS)"),
        _("Other categories"), _("Who did it"), _("Injury (1–5)"), _("Sick leave"), _("Reported to the police"),
        _("Exposed state employees"), _("Exposed municipal employees"), _("Status"), _("ASYS reference"),
        _("Municipal reference"),
    ]


def _rows(incidents, health_unit_ids: frozenset[int]):
    yes, no = _("Yes"), _("No")
    for incident in incidents.iterator(chunk_size=1000):
        yield [
            incident.reference,
            timezone.localtime(incident.occurred_at).strftime("%d.%m.%Y %H:%M"),
            f"{incident.unit.number} {incident.unit.name}",
            incident.get_channel_display(),
            incident.get_category_display(),
            ", ".join(incident.other_category_labels()),
            incident.get_perpetrator_display(),
            incident.injury,
            # Health data (rules.may_see_health_data): blank outside the units where the user may read it.
            (yes if incident.sick_leave else no) if incident.unit_id in health_unit_ids else "",
            yes if incident.police_reported else no,
            incident.exposed_state,
            incident.exposed_municipal,
            incident.get_status_display(),
            incident.asys_reference,
            incident.municipal_reference,
        ]


def _safe(value):
    # A cell starting with =, +, - or @ would run as a formula in a spreadsheet (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def export(incidents, kind: str, *, health_unit_ids: frozenset[int] = frozenset()) -> tuple[bytes, str]:
    """The incidents as a file of the given kind, and its content type; sick leave only for ``health_unit_ids``."""
    if kind == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Incidents"))
        sheet.append(_header())
        for row in _rows(incidents, health_unit_ids):
            sheet.append([_safe(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), FORMATS["xlsx"]
    buffer = io.StringIO()
    # Semicolons and a byte-order mark: what Excel in Norway opens without asking.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_header())
    for row in _rows(incidents, health_unit_ids):
        writer.writerow([_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), FORMATS["csv"]
