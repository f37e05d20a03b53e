"""The reception and contact-centre look-up: which security measures are in force for a citizen today.

One selector, :func:`measures_in_force`, answers both the look-up page and the API, so the rule of
what is "in force" exists once: signed or active, and today within the period, from the dates
alone (the daily job that moves the status may not have run yet). It reads only what the desk and
the phone need: type, period, units, contact person and alternative channel. Never the grounds,
facts or incidents.

Queries: the look-up page costs one statement beyond the session and the user (:func:`look_up`: the citizen with
the measures, contact, covered units and channels as JSON subqueries, and the audit-log insert; the user's look-up
units are reused across requests, core/access.py); the API the key with the citizen
and the measures (one query, :func:`key_and_citizen`), and the audit-log insert.
"""

import datetime
import functools
import json
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Aggregate, Func, OuterRef, Q, Subquery, TextField
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import access, metrics, scheduling
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.db import prepared_cursor
from nav_sikkerhet.core.models import ApiKey, Citizen, User
from nav_sikkerhet.core.selectors import search_by_name  # noqa: F401 - the look-up's name search
from nav_sikkerhet.core.services import audit_log_record, audit_log_record_reading

from . import rules
from .models import KIND_RULES, AlternativeChannel, Breach, ChannelKind, Decision, DigitalChannel, Kind

BREACH_REMINDER_KIND = "decision.breach"


def in_force_q(day: datetime.date) -> Q:
    return Decision.in_force_q(day)


@dataclass(frozen=True)
class UnitRef:
    id: int
    number: str
    name: str

    def __str__(self):
        return f"{self.number} {self.name}"


@dataclass(frozen=True)
class ChannelRef:
    channel: str
    person_name: str
    phone: str
    times: str
    address: str
    place: str
    note: str

    @property
    def label(self) -> str:
        return ChannelKind(self.channel).label if self.channel in ChannelKind.values else self.channel


@dataclass(frozen=True)
class ContactRef:
    nav_ident: str
    name: str
    phone: str


@dataclass
class Measure:
    """One decision in force, as the desk, the phone and the API see it."""

    decision_id: int
    public_id: uuid.UUID
    created_at: datetime.datetime
    kind: str
    valid_from: datetime.date
    valid_to: datetime.date
    unit: UnitRef
    contact: ContactRef | None
    covered_units: list[UnitRef] = field(default_factory=list)
    channels: list[ChannelRef] = field(default_factory=list)
    # Set for the look-up page: whether a covered unit is one where the user looks up measures.
    covers_user: bool = False
    # A digital restriction's closed channels (DigitalChannel values).
    digital_channels: list[str] = field(default_factory=list)

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)

    @property
    def kind_label(self) -> str:
        return self.kind_enum.label

    @property
    def instructions(self) -> list[str]:
        """What the desk or the phone does when the person comes or calls (both, for exclusion with phone)."""
        kind = self.kind_enum
        return [kind.rules.instruction, *([KIND_RULES[Kind.TFUS].instruction] if kind == Kind.FTUS else [])]

    @property
    def pdl_code(self) -> str:
        """PDL's type code, or empty for a measure that stays internal."""
        return self.kind_enum.rules.pdl_code

    @property
    def digital_channel_labels(self) -> list[str]:
        return [DigitalChannel(c).label for c in self.digital_channels if c in DigitalChannel.values]

    @property
    def physical(self) -> bool:
        return self.kind_enum.physical

    @property
    def phone(self) -> bool:
        return self.kind_enum.phone

    @property
    def case_number(self) -> str:
        return Decision(pk=self.decision_id, created_at=self.created_at).case_number


_CONTACT_FIELDS = ("nav_ident", "first_name", "last_name", "phone")
_CHANNEL_FIELDS = ("channel", "person_name", "phone", "times", "address", "place", "note")
_DECISION_FIELDS = ("pk", "public_id", "created_at", "kind", "valid_from", "valid_to", "unit_id", "unit__number",
                    "unit__name", "digital_channels")


class _JSONArray(Func):
    """A JSON array of the expressions: json_array on SQLite, json_build_array on PostgreSQL."""

    function = "json_array"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="json_build_array", **extra)


class _JSONArrayAgg(Aggregate):
    """The rows' JSON arrays as one JSON array: json_group_array on SQLite, json_agg on PostgreSQL."""

    function = "json_group_array"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="json_agg", **extra)


def _json(value):
    # PostgreSQL's driver hands json over parsed; SQLite hands it over as text.
    return json.loads(value) if isinstance(value, str) else value


def _measures_query(*, citizen_id, day):
    """Decisions in force with the deciding unit, and their contact, covered units and channels as JSON.

    Correlated subqueries rather than joins: one row per decision, and a plan PostgreSQL makes in a
    fraction of the time a seven-table join takes.
    """
    through = Decision.covered_units.through
    contact = Subquery(
        User.objects.filter(pk=Coalesce(OuterRef("contact_person_id"), OuterRef("responsible_leader_id")))
        .order_by()
        .values(row=_JSONArray(*_CONTACT_FIELDS))[:1]
    )
    units = Subquery(
        through.objects.filter(decision_id=OuterRef("pk"))
        .values("decision_id")
        .annotate(rows=_JSONArrayAgg(_JSONArray("unit_id", "unit__number", "unit__name")))
        .values("rows")
    )
    channels = Subquery(
        AlternativeChannel.objects.filter(decision_id=OuterRef("pk"))
        .values("decision_id")
        .annotate(rows=_JSONArrayAgg(_JSONArray("pk", *_CHANNEL_FIELDS)))
        .values("rows")
    )
    return (
        Decision.objects.filter(in_force_q(day), citizen_id=citizen_id)
        .order_by("valid_from", "pk")
        .values_list(*_DECISION_FIELDS)
        .annotate(contact=contact, units=units, channels=channels)
    )


# The compiled SQL is kept per database vendor: building this query in the ORM costs more than running it.
_SENTINEL_CITIZEN = -9_191_919
_SENTINEL_DAY = datetime.date(1001, 1, 1)


@functools.cache
def _measures_sql(vendor: str) -> tuple[str, tuple, tuple[str, ...]]:
    query = _measures_query(citizen_id=_SENTINEL_CITIZEN, day=_SENTINEL_DAY).query
    sql, params = query.get_compiler(connection=connection).as_sql()
    names = (*query.values_select, *query.annotation_select)
    return sql, tuple(params), names


def measures_in_force(*, citizen_id: int, today: datetime.date | None = None) -> list[Measure]:
    """The citizen's measures in force today, with contact, covered units and channels, in one query."""
    today = today or timezone.localdate()
    sql, params, names = _measures_sql(connection.vendor)
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, _bind(params, {_SENTINEL_CITIZEN: citizen_id}, today))
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [_measure(row) for row in rows]


def _bind(params: tuple, values: dict, today: datetime.date) -> tuple:
    """The compiled query's parameters with the sentinels replaced by this call's values."""
    sentinel_day = connection.ops.adapt_datefield_value(_SENTINEL_DAY)
    day = connection.ops.adapt_datefield_value(today)
    return tuple(day if p == sentinel_day else values.get(p, p) for p in params)


def _measure(row: dict) -> Measure:
    contact = _json(row["contact"])
    units = sorted(_json(row["units"]) or [], key=lambda unit: unit[1])
    channels = sorted(_json(row["channels"]) or [], key=lambda channel: channel[0])
    return Measure(
        decision_id=row["pk"],
        public_id=_uuid(row["public_id"]),
        created_at=_datetime(row["created_at"]),
        kind=row["kind"],
        valid_from=_date(row["valid_from"]),
        valid_to=_date(row["valid_to"]),
        unit=UnitRef(row["unit_id"], row["unit__number"], row["unit__name"]),
        contact=ContactRef(
            nav_ident=contact[0], name=f"{contact[1]} {contact[2]}".strip(), phone=contact[3] or ""
        ) if contact else None,
        covered_units=[UnitRef(*unit) for unit in units],
        channels=[ChannelRef(*(value or "" for value in channel[1:])) for channel in channels],
        digital_channels=_json(row["digital_channels"]) or [],
    )


# -- the citizen and the measures in one query -------------------------------------------------------------

_CITIZEN_FIELDS = ("id", "public_id", "personident", "name", "birth_date")
_MEASURE_NAMES = (*_DECISION_FIELDS, "contact", "units", "channels")
# Stand-ins for the look-up's key in the compiled query, replaced by the real value at each call.
_SENTINEL_KEYS = {"personident": "~sentinel-personident~", "public_id": uuid.UUID(int=0x5E971E1)}


def _citizen_query(*, field: str):
    """The citizen found by ``field`` with the measures in force as one JSON array of _measures_query's rows
    (in _MEASURE_NAMES' order), so a look-up reads both in one round trip."""
    measures = Subquery(
        _measures_query(citizen_id=OuterRef("pk"), day=_SENTINEL_DAY)
        .order_by()
        .values("citizen_id")
        .annotate(rows=_JSONArrayAgg(_JSONArray(*_MEASURE_NAMES)))
        .values("rows")
    )
    return (
        Citizen.objects.filter(**{field: _SENTINEL_KEYS[field]})
        .order_by()
        .annotate(measures=measures)
    )


@functools.cache
def _citizen_sql(vendor: str, field: str) -> tuple[str, tuple]:
    query = _citizen_query(field=field).values_list(*_CITIZEN_FIELDS, "measures")[:1]
    return query.query.get_compiler(connection=connection).as_sql()


def _citizen_read(*, personident, public_id, today) -> tuple[str, tuple] | None:
    """The SQL and parameters reading the citizen by identity number or public id with the measures in force; None
    for a value that cannot be one (nobody has it)."""
    field, value = ("personident", personident) if public_id is None else ("public_id", public_id)
    model_field = Citizen._meta.get_field(field)
    try:
        value = model_field.to_python(value)
    except ValidationError:
        return None
    sql, params = _citizen_sql(connection.vendor, field)
    sentinel = model_field.get_db_prep_value(_SENTINEL_KEYS[field], connection)
    key = model_field.get_db_prep_value(value, connection)
    return sql, _bind(params, {sentinel: key}, today or timezone.localdate())


def _citizen_and_measures(row) -> tuple[Citizen, list[Measure]]:
    *values, rows = row
    citizen = _from_db(Citizen, _CITIZEN_FIELDS, values)
    measures = [_measure(dict(zip(_MEASURE_NAMES, r, strict=True))) for r in _json(rows) or []]
    return citizen, sorted(measures, key=lambda m: (m.valid_from, m.decision_id))


def citizen_with_measures(
    *, personident: str | None = None, public_id=None, today: datetime.date | None = None
) -> tuple[Citizen | None, list[Measure]]:
    """The citizen by identity number or public id (None if unknown) and their measures in force, in one query."""
    read = _citizen_read(personident=personident, public_id=public_id, today=today)
    if read is None:
        return None, []
    with prepared_cursor(connection) as cursor:
        cursor.execute(*read)
        row = cursor.fetchone()
    return (None, []) if row is None else _citizen_and_measures(row)


def _from_db(model, names: tuple[str, ...], values, *, from_json: bool = False) -> object:
    """A model instance from a raw row of the named columns, converted as the ORM converts its own reads (or, for
    values that came as JSON numbers, strings and ISO dates, made the fields' own types)."""
    by_name = {}
    for name, value in zip(names, values, strict=True):
        model_field = model._meta.get_field(name)
        if from_json:
            value = model_field.to_python(value)
        else:
            column = model_field.get_col(model._meta.db_table)
            for converter in (*connection.ops.get_db_converters(column), *model_field.get_db_converters(connection)):
                value = converter(value, column, connection)
        by_name[model_field.attname] = value
    return model.from_db(connection.alias, list(by_name), [
        by_name[f.attname] for f in model._meta.concrete_fields if f.attname in by_name
    ])


# -- the API: the key, the citizen and the measures in one query -------------------------------------------

_KEY_FIELDS = tuple(f.attname for f in ApiKey._meta.concrete_fields)
_SENTINEL_PREFIX = "~sentinel-prefix~"


@functools.cache
def _key_and_citizen_sql(vendor: str) -> tuple[str, tuple]:
    citizen = (
        _citizen_query(field="personident")
        .values(row=_JSONArray(*_CITIZEN_FIELDS, "measures"))[:1]
    )
    query = ApiKey.objects.filter(prefix=_SENTINEL_PREFIX).order_by().values_list(*_KEY_FIELDS).annotate(
        citizen=Subquery(citizen)
    )
    return query.query.get_compiler(connection=connection).as_sql()


@dataclass
class KeyAndCitizen:
    """What one API call reads in one round trip: the key by its prefix, and the citizen (None if unknown) with the
    measures in force. Nothing of the citizen is used before the key is checked (core.services)."""

    api_key: ApiKey | None
    personident: str
    citizen: Citizen | None = None
    measures: list[Measure] = field(default_factory=list)


def key_and_citizen(*, prefix: str, personident: str, today: datetime.date | None = None) -> KeyAndCitizen:
    sql, params = _key_and_citizen_sql(connection.vendor)
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, _bind(params, {_SENTINEL_PREFIX: prefix, _SENTINEL_KEYS["personident"]: personident},
                                  today or timezone.localdate()))
        row = cursor.fetchone()
    if row is None:
        return KeyAndCitizen(api_key=None, personident=personident)
    *key_values, citizen_row = row
    api_key = _from_db(ApiKey, _KEY_FIELDS, key_values)
    found = KeyAndCitizen(api_key=api_key, personident=personident)
    citizen_row = _json(citizen_row)
    if citizen_row:
        *values, measures = citizen_row
        found.citizen = _from_db(Citizen, _CITIZEN_FIELDS, values, from_json=True)
        found.measures = sorted((_measure(dict(zip(_MEASURE_NAMES, r, strict=True))) for r in _json(measures) or []),
                                key=lambda m: (m.valid_from, m.decision_id))
    return found


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _datetime(value) -> datetime.datetime:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


# -- the look-up page --------------------------------------------------------------------------------------


def lookup_unit_ids(user) -> frozenset[int]:
    """The units where the user looks up measures; 404 for a user who may look up nothing."""
    unit_ids = access.unit_ids_with_perm(user, Perm.LOOKUP_MEASURES)
    if not unit_ids:
        raise Http404
    return unit_ids


def may_look_up(user) -> bool:
    return access.has_perm_anywhere(user, Perm.LOOKUP_MEASURES)


def citizen_by_personident(personident: str) -> Citizen | None:
    return Citizen.objects.only(*_CITIZEN_FIELDS).filter(personident=personident).order_by().first()


def citizen_by_public_id(public_id) -> Citizen:
    try:
        return Citizen.objects.only(*_CITIZEN_FIELDS).get(public_id=public_id)
    except (Citizen.DoesNotExist, ValueError) as error:
        raise Http404 from error


@dataclass
class LookupAnswer:
    citizen: Citizen
    measures: list[Measure]

    @property
    def here(self) -> list[Measure]:
        """Measures that cover a unit where the user works the desk or the phone."""
        return [m for m in self.measures if m.covers_user]

    @property
    def elsewhere(self) -> list[Measure]:
        return [m for m in self.measures if not m.covers_user]

    @property
    def physical_here(self) -> bool:
        return any(m.physical for m in self.here)

    @property
    def phone_here(self) -> bool:
        return any(m.phone for m in self.here)

    @property
    def instructions_here(self) -> list[str]:
        """What to do, once per kind of instruction, for the measures that apply here."""
        return list(dict.fromkeys(str(text) for m in self.here for text in m.instructions))

    @property
    def alert(self) -> bool:
        """An interrupting alert that must be acknowledged before the rest is shown."""
        return bool(self.here)


_LOOKUP_ACTION = "lookup.view"
_LOOKUP_MESSAGE = _("Security measures looked up (reception and contact centre)")


def look_up(
    *, user, unit_ids: frozenset[int], personident: str | None = None, public_id=None, request=None,
    today: datetime.date | None = None,
) -> LookupAnswer | None:
    """The citizen by identity number or public id with their measures for the desk or the phone, and the one
    audit-log line for showing them, read and written in one statement; None, and no line, for an unknown citizen."""
    read = _citizen_read(personident=personident, public_id=public_id, today=today)
    if read is None:
        return None
    sql, params = read
    row = audit_log_record_reading(
        actor=user, sql=sql, params=params, action=_LOOKUP_ACTION, message=_LOOKUP_MESSAGE, request=request
    )
    if row is None:
        return None
    return _answer(*_citizen_and_measures(row), unit_ids=unit_ids)


def lookup_answer(
    *, user, citizen: Citizen, unit_ids: frozenset[int], request=None, today: datetime.date | None = None,
) -> LookupAnswer:
    """The measures of a citizen already found (a name search's one match), and the one audit-log line for showing
    them."""
    measures = measures_in_force(citizen_id=citizen.pk, today=today)
    audit_log_record(actor=user, citizen=citizen, action=_LOOKUP_ACTION, message=_LOOKUP_MESSAGE, request=request)
    return _answer(citizen, measures, unit_ids=unit_ids)


def _answer(citizen: Citizen, measures: list[Measure], *, unit_ids: frozenset[int]) -> LookupAnswer:
    metrics.LOOKUPS.inc()
    for measure in measures:
        measure.covers_user = any(unit.id in unit_ids for unit in measure.covered_units)
    return LookupAnswer(citizen=citizen, measures=measures)


# -- breaches ----------------------------------------------------------------------------------------------


def decision_for_breach(*, user, public_id) -> Decision:
    """A decision the user may register a breach of, or 404."""
    try:
        decision = Decision.objects.select_related("citizen", "unit").get(public_id=public_id)
    except (Decision.DoesNotExist, ValueError) as error:
        raise Http404 from error
    if not rules.may_register_breach(user, decision):
        raise Http404
    return decision


def breach_for_user(*, user, public_id) -> Breach:
    try:
        breach = Breach.objects.select_related("decision__unit", "registered_by", "unit").get(public_id=public_id)
    except (Breach.DoesNotExist, ValueError) as error:
        raise Http404 from error
    if not rules.may_read_breach(user, breach):
        raise Http404
    return breach


def audit_breach_form(*, user, decision: Decision, request=None) -> None:
    audit_log_record(
        actor=user,
        citizen=decision.citizen,
        action="lookup.breach",
        message=_("Breach form for decision %(case)s shown"),
        message_args={"case": decision.case_number},
        request=request,
    )


def _breach_still_relevant(breach_id: int) -> bool:
    # Stays on the leader's start page until they mark it done.
    return Breach.objects.filter(pk=breach_id).exists()


BREACH_REMINDER = scheduling.ReminderKind(
    BREACH_REMINDER_KIND,
    _("Case %(case)s: breach of the decision registered"),
    _(
        "Reception or the contact centre registered on %(due)s that the citizen came or called despite the "
        "decision in case %(case)s (guideline §8). Read what happened on the case's timeline, consider whether "
        "an incident report, a police report or an extension is needed.\n\nOpen the case: %(url)s"
    ),
    _breach_still_relevant,
)


# -- start page --------------------------------------------------------------------------------------------


def start_panel(user) -> dict | None:
    """The look-up panel on the start page, for roles that look up measures."""
    if not may_look_up(user):
        return None
    return {"url": reverse("mottak:search")}


def register() -> None:
    """Called from the app's ready(): the start-page panel and the breach reminder's texts."""
    from nav_sikkerhet.core import startpage

    startpage.register("utestenging/lookup/_start_panel.html", start_panel)
    scheduling.register_reminder_kind(BREACH_REMINDER)
