"""The written warning's letter (§3): what happened, that repetition can lead to exclusion, how to comment."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nav_sikkerhet.core.models import IdentKind
from nav_sikkerhet.core.pdf import font_urls, html_to_pdfa

from .models import WarningLetter

DATE_FORMAT = "%d.%m.%Y"
# NAV's general number, answered by the contact centre: the unit's own number comes first where it has one.
NAV_PHONE = "55 55 33 33"
DOMESTIC = {"", "norge", "norway", "noreg", "no"}


def letter_for_rendering(letter_id: int, *, lock: bool = False) -> WarningLetter:
    letters = WarningLetter.objects.select_related(
        "warning__citizen", "warning__unit", "warning__incident", "created_by",
    )
    if lock:
        letters = letters.select_for_update(of=("self",))
    return letters.get(pk=letter_id)


def what_happened(letter: WarningLetter) -> str:
    """The warning's own account, else the registered incident's."""
    warning = letter.warning
    if warning.note.strip():
        return warning.note
    return warning.incident.description if warning.incident_id else ""


def context(letter: WarningLetter) -> dict:
    """What the template shows, in the letter's language (call inside ``translation.override``)."""
    warning = letter.warning
    citizen, unit = warning.citizen, warning.unit
    day = timezone.localdate(letter.created_at)
    ident = citizen.personident
    return {
        "title": _("Written warning"),
        "language": letter.language,
        "fonts": font_urls(),
        "date": day.strftime(DATE_FORMAT),
        "created_iso": day.isoformat(),
        "reference": letter.reference,
        "unit_name": unit.name,
        "unit_number": unit.number,
        "unit_phone": unit.phone or NAV_PHONE,
        "unit_postal_lines": unit.postal_lines,
        "ident_label": _("D number") if citizen.ident_kind == IdentKind.DNR else _("National identity number"),
        "ident": f"{ident[:6]} {ident[6:]}",
        "citizen_name": citizen.name,
        "address_lines": [line for line in citizen.address.splitlines() if line.strip()],
        "postal_line": f"{citizen.postal_code} {citizen.postal_city}".strip(),
        "country": "" if citizen.country.strip().lower() in DOMESTIC else citizen.country,
        "happened_on": warning.given_on.strftime(DATE_FORMAT),
        "incident_on": (warning.incident.occurred_at and timezone.localtime(warning.incident.occurred_at)
                        .strftime(DATE_FORMAT)) if warning.incident_id else "",
        "what_happened": what_happened(letter),
        "sender": letter.created_by.get_full_name() or letter.created_by.username,
    }


def render_html(letter: WarningLetter) -> str:
    with translation.override(letter.language):
        return render_to_string("hendelser/letters/warning.html", context(letter))


def render_pdf(letter: WarningLetter) -> bytes:
    return html_to_pdfa(render_html(letter))
