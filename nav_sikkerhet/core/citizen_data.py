"""Everything the system holds about one citizen, for the right of access (innsyn).

Apps register a provider ``(citizen, scope) -> Section`` (in their AppConfig.ready), so the core never
imports them; the core itself contributes the citizen's registered details and the audit log of who was
shown their data. The scope (access.InnsynScope) limits every section to the units the asking user
answers for: a head of unit exports what their unit holds, the privacy officer everything. Items are
plain dicts of strings, numbers, booleans, lists, dicts and dates: the JSON export
writes dates in ISO 8601, the PDF in Norwegian form. Providers run inside ``translation.override`` of
the citizen's language, so titles, labels and choice labels come out in it.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .access import InnsynScope
from .models import AuditLogEntry, Citizen, RoleAssignment, Unit, User
from .pdf import font_urls, html_to_pdfa

# The action of a name search's audit line, which names the people shown in its message (see services).
SEARCH_ACTION = "lookup.search"


@dataclass(frozen=True)
class Section:
    title: str
    items: list[dict]
    # Readable labels of the items' keys (nested keys too), for the PDF; the JSON keeps the keys.
    labels: dict[str, str] = field(default_factory=dict)


Provider = Callable[[Citizen, InnsynScope], Section]

PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    key = (provider.__module__, provider.__qualname__)
    if all((p.__module__, p.__qualname__) != key for p in PROVIDERS):
        PROVIDERS.append(provider)


def label(model, name: str) -> str:
    """A model field's verbose name, as the label of the key that holds it."""
    return str(model._meta.get_field(name).verbose_name)


def person(user: User | None) -> str:
    """A staff member as the export names them: full name and NAV ident."""
    if user is None:
        return ""
    name = user.get_full_name() or user.username
    return f"{name} ({user.nav_ident})"


def details_section(citizen: Citizen) -> Section:
    names = ["name", "personident", "ident_kind", "birth_date", "address", "postal_code", "postal_city",
             "country", "preferred_language"]
    item = {
        "name": citizen.name,
        "personident": citizen.personident,
        "ident_kind": citizen.get_ident_kind_display(),
        "birth_date": citizen.birth_date,
        "address": citizen.address,
        "postal_code": citizen.postal_code,
        "postal_city": citizen.postal_city,
        "country": citizen.country,
        "preferred_language": citizen.get_preferred_language_display(),
    }
    return Section(_("Registered details"), [item], {name: label(Citizen, name) for name in names})


def audit_entries(*, personident: str, scope: InnsynScope) -> QuerySet[AuditLogEntry]:
    """Audit lines about one identity number (lines outlive a deleted row) that the scope covers.

    Outside a complete scope: only lines by staff holding a role in the scope's units, and the asker's own,
    so a head of unit never learns who in another unit looked the person up. A name search's line names
    everyone it showed, so it counts for each of them.
    """
    entries = AuditLogEntry.objects.filter(
        Q(personident=personident) | Q(action=SEARCH_ACTION, message__contains=personident)
    )
    if not scope.complete:
        staff = RoleAssignment.objects.filter(unit_id__in=scope.unit_ids).values("user_id")
        entries = entries.filter(Q(actor_id__in=staff) | Q(actor_id=scope.user_id))
    return entries.order_by("created_at", "id")


def audit_section(citizen: Citizen, scope: InnsynScope) -> Section:
    """Every display of the citizen's data the scope covers, oldest first."""
    entries = audit_entries(personident=citizen.personident, scope=scope)
    items = [
        {
            "created_at": timezone.localtime(entry.created_at),
            "actor_ident": entry.actor_ident,
            "event": entry.get_event_display(),
            "message": entry.message,
            "request_method": entry.request_method,
            "request_path": entry.request_path,
        }
        for entry in entries
    ]
    names = ["created_at", "actor_ident", "event", "message", "request_method", "request_path"]
    return Section(
        _("Who has been shown the data (audit log)"), items, {name: label(AuditLogEntry, name) for name in names}
    )


def sections_for(citizen: Citizen, scope: InnsynScope) -> list[Section]:
    """The registered details first, then each app's section, then the audit log."""
    return [
        details_section(citizen),
        *(provider(citizen, scope) for provider in PROVIDERS),
        audit_section(citizen, scope),
    ]


def holds_anything(sections: list[Section]) -> bool:
    """Whether the apps' sections hold a case, incident, measure or warning about the person.

    Neither the registered details (shared by all units) nor the audit log counts: a look-up by the
    asker's own unit is no reason to hand out the person's name, number and address.
    """
    return any(section.items for section in sections[1:-1])


def scope_label(scope: InnsynScope) -> str:
    """What the export covers, in words: every unit, or the units by number and name."""
    if scope.complete:
        return _("All units")
    units = Unit.objects.filter(pk__in=scope.unit_ids).order_by("number")
    return _("Units: %(units)s") % {"units": ", ".join(str(unit) for unit in units)}


@dataclass(frozen=True)
class AccessRequest:
    """The citizen's request the export answers: who asked, when, and the case or journal reference."""

    requested_by: str
    requested_on: datetime.date
    reference: str


@dataclass(frozen=True)
class CitizenExport:
    citizen: Citizen
    language: str
    created_at: datetime.datetime
    created_by: str
    sections: list[Section]
    covers: str = ""
    request: AccessRequest | None = None


def collect(citizen: Citizen, *, by: User, scope: InnsynScope, request: AccessRequest | None = None) -> CitizenExport:
    """What the scope covers about the citizen, in their preferred language. Reads only: the caller logs."""
    with translation.override(citizen.preferred_language):
        return CitizenExport(
            citizen=citizen,
            language=citizen.preferred_language,
            created_at=timezone.localtime(),
            created_by=person(by),
            sections=sections_for(citizen, scope),
            covers=scope_label(scope),
            request=request,
        )


def with_audit_read_again(export: CitizenExport, scope: InnsynScope) -> CitizenExport:
    """The export with its audit-log section (the last one) read again, e.g. to include the export's own line."""
    with translation.override(export.language):
        return replace(export, sections=[*export.sections[:-1], audit_section(export.citizen, scope)])


def _plain(value):
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def as_json(export: CitizenExport) -> bytes:
    """The export as pretty-printed UTF-8 JSON, dates in ISO 8601."""
    data = {
        "created_at": export.created_at,
        "created_by": export.created_by,
        "language": export.language,
        "covers": export.covers,
        "request": vars(export.request) if export.request else None,
        "sections": [{"title": section.title, "items": section.items} for section in export.sections],
    }
    return json.dumps(_plain(data), ensure_ascii=False, indent=2).encode("utf-8")


def _node(value, labels: dict[str, str]) -> dict:
    """A value as the PDF template draws it: a table of labelled rows, a list, or a line of text."""
    if isinstance(value, dict):
        rows = [(labels.get(key, key), _node(item, labels)) for key, item in value.items()
                if item not in (None, "", [], {})]
        return {"type": "rows", "rows": rows}
    if isinstance(value, list | tuple):
        return {"type": "list", "children": [_node(item, labels) for item in value]}
    if isinstance(value, bool):
        return {"type": "text", "text": _("Yes") if value else _("No")}
    if isinstance(value, datetime.datetime):
        return {"type": "text", "text": timezone.localtime(value).strftime("%d.%m.%Y %H:%M")}
    if isinstance(value, datetime.date):
        return {"type": "text", "text": value.strftime("%d.%m.%Y")}
    return {"type": "text", "text": str(value)}


def render_html(export: CitizenExport) -> str:
    with translation.override(export.language):
        sections = [
            {"title": section.title, "items": [_node(item, section.labels) for item in section.items]}
            for section in export.sections
        ]
        return render_to_string(
            "core/citizen_export_pdf.html", {"export": export, "sections": sections, "fonts": font_urls()}
        )


def as_pdf(export: CitizenExport) -> bytes:
    """The export as PDF/A, in the citizen's preferred language."""
    return html_to_pdfa(render_html(export))
