"""The ROS file format: read an analysis (ros-hordaland-2014.json, or an export) and write one.

Reading checks the shape of the file here and every value by the models' own rules, and turns each error into
one message naming the event and the field. Writing gives each event's zone before and after measures.
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from nav_sikkerhet.core.models import User
from nav_sikkerhet.core.spreadsheets import neutralise

from . import rules
from .models import Analysis, Event, EventCategory

FORMAT = "nav-sikkerhet/ros"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 2 * 1024 * 1024

# The report writes the categories in Norwegian; an export writes the codes.
CATEGORY_NAMES = {
    "truslar": EventCategory.THREATS, "trusler": EventCategory.THREATS, "threats": EventCategory.THREATS,
    "vold": EventCategory.VIOLENCE, "violence": EventCategory.VIOLENCE,
    "anna": EventCategory.OTHER, "annet": EventCategory.OTHER, "other": EventCategory.OTHER,
}
EVENT_KEYS = {"event": "title", "category": "category", "description": "description", "frequency": "frequency",
              "probability": "probability", "consequence": "consequence", "barriers": "barriers",
              "residual_probability": "residual_probability", "residual_consequence": "residual_consequence"}
# Which ASYS categories and channels are the event happening (hendelser.models.Category and Channel codes).
MAPPING_KEYS = ("asys_categories", "asys_channels")
TEXT_FIELDS = {"title", "description", "frequency", "barriers"}
LEVEL_FIELDS = {"probability", "consequence", "residual_probability", "residual_consequence"}


@dataclass
class Parsed:
    fields: dict = field(default_factory=dict)
    causes: list[dict] = field(default_factory=list)
    events: list[tuple[dict, list[dict]]] = field(default_factory=list)
    # The template's measures: fields, and the positions (from 1) of the events each addresses.
    template_measures: list[tuple[dict, list[int]]] = field(default_factory=list)
    raw_template_measures: object = None


# Deeper than any ROS file goes (analysis → events → event → measures → measure → value is 5).
MAX_DEPTH = 20


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    # Two values for one key: json keeps the last silently, so what the user meant is unknown.
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def load(content: bytes | str):
    """The file's JSON, or a ValidationError saying why it cannot be read and where."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(_("The file is too large (at most 2 MB)."), code="too_large")
    try:
        data = json.loads(content, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as error:
        raise ValidationError(_("The file gives the key «%(key)s» twice in the same object.")
                              % {"key": _printable(error.key)}, code="duplicate_key") from error
    except RecursionError as error:
        raise ValidationError(_("The file is nested too deeply to be a ROS analysis."), code="depth") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(_("The file is not valid JSON: %(error)s") % {"error": error}, code="json") from error
    _check_values(data, [], 0)
    return data


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\0")[:60]


def _place(path: list) -> str:
    return " › ".join(str(step) for step in path) or "/"


def _check_values(value, path: list, depth: int) -> None:
    """Refuse what the database cannot store or no analysis needs: deep nesting, NUL and lone surrogates."""
    if depth > MAX_DEPTH:
        raise ValidationError(_("The file is nested too deeply to be a ROS analysis (at %(place)s).")
                              % {"place": _place(path[:MAX_DEPTH])}, code="depth")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, path + [_printable(key)])
            _check_values(item, path + [_printable(key)], depth + 1)
    elif isinstance(value, list):
        for number, item in enumerate(value, start=1):
            _check_values(item, path + [number], depth + 1)
    elif isinstance(value, str):
        _check_text(value, path)


def _check_text(text: str, path: list) -> None:
    if "\x00" in text:
        raise ValidationError(_("At %(place)s: the text holds a NUL character, which is not allowed.")
                              % {"place": _place(path)}, code="nul")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValidationError(_("At %(place)s: the text holds an invalid character (a lone surrogate, %(code)s).")
                              % {"place": _place(path), "code": f"\\u{ord(text[error.start]):04x}"},
                              code="surrogate") from error


def _event_error(number: int, name, message: str, label: str | None = None) -> ValidationError:
    params = {"number": number, "name": name or "?", "field": label, "message": message}
    if label:
        return ValidationError(_("Event %(number)d «%(name)s», %(field)s: %(message)s") % params, code="event")
    return ValidationError(_("Event %(number)d «%(name)s»: %(message)s") % params, code="event")


def _level(value):
    # JSON true is not a level, though Python would count it as 1; nor is 3.7, which int() would make 3.
    if isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return int(value) if value.is_integer() else str(value)
    return value


def _date(value, error) -> datetime.date | None:
    """A date written as YYYY-MM-DD, or None for none; anything else raises error(message)."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise error(_("give a date as YYYY-MM-DD (not «%(value)s»).") % {"value": _printable(str(value))})


def _field_error(label: str):
    def error(message: str) -> ValidationError:
        return ValidationError(_("%(field)s: %(message)s") % {"field": capfirst(label), "message": message},
                               code="date")
    return error


def parse(data) -> Parsed:
    """Check the file's shape and types in memory; the values are checked by the models' rules before saving."""
    if not isinstance(data, dict):
        raise ValidationError(_("The file must hold one analysis (a JSON object)."), code="shape")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValidationError(_("The file has no title («title»)."), code="title")
    parsed = Parsed(fields={"title": title.strip()[:300]})
    for key in ("scope", "participants", "safety_representative"):
        if isinstance(data.get(key), str):
            parsed.fields[key] = data[key]
    for key in ("analysis_date", "next_review_on"):
        when = _date(data.get(key), _field_error(str(Analysis._meta.get_field(key).verbose_name)))
        if when:
            parsed.fields[key] = when
    if data.get("owner"):
        owner = User.objects.filter(nav_ident=str(data["owner"]), is_active=True).first()
        if owner is None:
            raise ValidationError(_("Owner: no active staff member has the NAV ident «%(ident)s».")
                                  % {"ident": _printable(str(data["owner"]))}, code="owner")
        parsed.fields["owner"] = owner
    causes = data.get("causes") or []
    if not isinstance(causes, list):
        raise ValidationError(_("«causes» must be a list."), code="shape")
    for cause in causes:
        if not isinstance(cause, dict):
            raise ValidationError(_("Each cause must be an object with «cause» and «likelihood_as_trigger»."))
        parsed.causes.append({"description": str(cause.get("cause") or ""),
                              "rating": _level(cause.get("likelihood_as_trigger"))})
    events = data.get("events")
    if not isinstance(events, list) or not events:
        raise ValidationError(_("The file has no events («events»)."), code="events")
    rules.require_room_for_events(len(events))
    for number, raw in enumerate(events, start=1):
        parsed.events.append(_parse_event(number, raw))
    _resolve_responsibles(parsed)
    parsed.raw_template_measures = data.get("measures") or []
    return parsed


def parse_template_measures(parsed: Parsed) -> None:
    """The file's own list of measures (the report's), each naming the events it addresses by their title. Read
    after the events are checked, so that an event's own error is the one reported."""
    measures = parsed.raw_template_measures
    if not isinstance(measures, list):
        raise ValidationError(_("«measures» must be a list."), code="shape")
    positions = {}
    for number, (fields, _measures) in enumerate(parsed.events, start=1):
        positions.setdefault(fields["title"], number)
    for number, raw in enumerate(measures, start=1):
        titles = raw.get("events") if isinstance(raw, dict) else None
        if not isinstance(titles, list) or not titles or not all(isinstance(t, str) for t in titles):
            raise ValidationError(_("Measure %(number)d of the list: name the events it addresses («events»).")
                                  % {"number": number}, code="template_measure")
        unknown = [t for t in titles if t not in positions]
        if unknown:
            raise ValidationError(_("Measure %(number)d of the list: no event is called «%(title)s».")
                                  % {"number": number, "title": _printable(unknown[0])}, code="template_measure")
        parsed.template_measures.append((
            {"kind": str(raw.get("kind") or ""), "description": str(raw.get("description") or "")},
            sorted({positions[t] for t in titles}),
        ))


def _resolve_responsibles(parsed: Parsed) -> None:
    """Each measure's NAV ident becomes the staff member, all in one query."""
    idents = {m["responsible"] for _fields, measures in parsed.events for m in measures}
    staff = {user.nav_ident: user for user in User.objects.filter(nav_ident__in=idents, is_active=True)}
    for number, (fields, measures) in enumerate(parsed.events, start=1):
        for measure in measures:
            responsible = staff.get(measure["responsible"])
            if responsible is None:
                raise _event_error(number, fields.get("title"),
                                   _("no active staff member has the NAV ident «%(ident)s».")
                                   % {"ident": _printable(measure["responsible"])}, _("responsible"))
            measure["responsible"] = responsible


def _parse_event(number: int, raw) -> tuple[dict, list[dict]]:
    if not isinstance(raw, dict):
        raise _event_error(number, None, _("must be an object."))
    name = raw.get("event") if isinstance(raw.get("event"), str) else None
    fields = {}
    for key, name_here in EVENT_KEYS.items():
        value = raw.get(key)
        if name_here in TEXT_FIELDS:
            fields[name_here] = value if isinstance(value, str) else ("" if value is None else str(value))
        elif name_here in LEVEL_FIELDS:
            fields[name_here] = None if value is None and name_here.startswith("residual") else _level(value)
    category = str(raw.get("category") or "").strip().lower()
    if category not in CATEGORY_NAMES:
        raise _event_error(number, name, _("choose threats («Truslar»), violence («Vold») or other."),
                           str(Event._meta.get_field("category").verbose_name))
    fields["category"] = CATEGORY_NAMES[category]
    for key in MAPPING_KEYS:
        codes = raw.get(key)
        if codes is None:
            codes = []
        if not (isinstance(codes, list) and all(isinstance(code, str) for code in codes)):
            raise _event_error(number, name, _("must be a list of codes, like [\"threat\"]."),
                               str(Event._meta.get_field(key).verbose_name))
        # The model's clean() refuses a code that is not on ASYS' lists, naming the event.
        fields[key] = [code.strip().lower() for code in codes]
    measures = raw.get("measures") or []
    if not isinstance(measures, list):
        raise _event_error(number, name, _("«measures» must be a list."))
    parsed_measures = []
    for measure in measures:
        if not isinstance(measure, dict):
            raise _event_error(number, name, _("each measure must be an object."))

        def date_error(message, label):
            return _event_error(number, name, message, label)

        parsed_measures.append({
            "kind": str(measure.get("kind") or ""), "description": str(measure.get("description") or ""),
            "responsible": str(measure.get("responsible") or ""),
            "due_on": _date(measure.get("due_on"), lambda message: date_error(message, _("due date"))),
            "status": str(measure.get("status") or "planned"),
            "done_on": _date(measure.get("done_on"), lambda message: date_error(message, _("done on"))),
        })
    return fields, parsed_measures


def _named(error: ValidationError, obj, where: dict, number: int | None) -> ValidationError:
    """The first error, naming the event (or cause) and the field."""
    field_name, messages = next(iter(error.message_dict.items()))
    label = None if field_name == "__all__" else str(obj._meta.get_field(field_name).verbose_name)
    if number is None:
        return ValidationError(
            _("Cause «%(name)s», %(field)s: %(message)s")
            % {"name": where.get("description") or "?", "field": label or "", "message": messages[0]},
            code="cause",
        )
    return _event_error(number, where.get("title"), messages[0], label)


def check_rule(rule, *args, obj, where: dict, number: int) -> None:
    """Apply one of rules.py's checks to a row of the file, naming the event and field if it fails."""
    try:
        rule(*args)
    except ValidationError as error:
        raise _named(error, obj, where, number) from error


def validated(obj, *, where: dict, number: int | None = None, exclude: tuple[str, ...] = ()) -> None:
    """Check obj by its model's rules in memory (no query); an error names the event (or cause) and the field.

    The foreign keys in ``exclude`` are set from the file's own rows or resolved already, and the check
    constraints repeat clean()'s rules: validating them here would cost a query per row.
    """
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise _named(error, obj, where, number) from error


# -- export ------------------------------------------------------------------------------------------------------


def export(analysis: Analysis) -> dict:
    """The analysis as a file that imports to the same analysis; zones from the matrix version it was made with."""
    cells = analysis.matrix.cells
    events = []
    for event in analysis.events.prefetch_related("measures__responsible"):
        before, after = rules.event_zones(cells, event)
        events.append({
            "category": event.category, "asys_categories": event.asys_categories,
            "asys_channels": event.asys_channels, "event": event.title, "description": event.description,
            "frequency": event.frequency, "probability": event.probability, "consequence": event.consequence,
            "zone": before, "barriers": event.barriers,
            "residual_probability": event.residual_probability, "residual_consequence": event.residual_consequence,
            "residual_zone": after,
            "measures": [
                {"kind": m.kind, "description": m.description, "responsible": m.responsible.nav_ident,
                 "due_on": m.due_on.isoformat(), "status": m.status,
                 "done_on": m.done_on.isoformat() if m.done_on else None}
                for m in event.measures.all()
            ],
        })
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "title": analysis.title, "unit": analysis.unit.number if analysis.unit else None,
        "scope": analysis.scope, "participants": analysis.participants,
        "safety_representative": analysis.safety_representative,
        "owner": analysis.owner.nav_ident if analysis.owner else None,
        "analysis_date": analysis.analysis_date.isoformat(),
        "next_review_on": analysis.next_review_on.isoformat() if analysis.next_review_on else None,
        "status": analysis.status,
        "matrix": {"name": analysis.matrix.name, "version": analysis.matrix.history_id},
        "probability_scale": {str(i): label for i, label in enumerate(analysis.matrix.probability_labels, start=1)},
        "consequence_scale": {str(i): label for i, label in enumerate(analysis.matrix.consequence_labels, start=1)},
        "causes": [{"cause": c.description, "likelihood_as_trigger": c.rating} for c in analysis.causes.all()],
        "events": events,
        # The template's measures, each naming the events it addresses by title.
        "measures": [{"kind": m.kind, "description": m.description, "events": [e.title for e in m.events.all()]}
                     for m in analysis.template_measures.prefetch_related("events")],
    }


def export_json(analysis: Analysis) -> str:
    return json.dumps(export(analysis), ensure_ascii=False, indent=1)


def measures_csv(analysis: Analysis) -> str:
    """The measures list as CSV (semicolons, as Norwegian Excel opens it)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Event"), _("Kind"), _("Measure"), _("Responsible"), _("Due date"), _("Status"),
                     _("Done on")])
    for event in analysis.events.prefetch_related("measures__responsible"):
        for m in event.measures.all():
            writer.writerow([neutralise(event.title), m.get_kind_display(), neutralise(m.description),
                             neutralise(m.responsible.get_full_name() or m.responsible.username), m.due_on.isoformat(),
                             m.get_status_display(), m.done_on.isoformat() if m.done_on else ""])
    return "\ufeff" + out.getvalue()
