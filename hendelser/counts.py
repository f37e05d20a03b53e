"""Incidents counted per unit and month, so the statistics need not read every incident.

A month is recounted from its incidents in the same transaction that changes one of them (the row is locked
first, so two registrations at once both count); the sweep checks every month as a safety net for rows
written outside the services (demo data, a restore). The current month is always counted live.
"""

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Case, Count, Q, Sum, Value, When
from django.db.models.functions import ExtractQuarter, ExtractYear, TruncMonth
from django.utils import timezone

from .models import Category, Channel, Employer, Incident, MonthlyCount

# The figure each count column holds: "category:threat" → category_threat, "also:threat" (chosen as another
# category) → also_threat, …
COLUMNS = {
    **{f"category:{code}": f"category_{code}" for code in Category.values},
    **{f"channel:{code}": f"channel_{code}" for code in Channel.values},
    **{f"also:{code}": f"also_{code}" for code in Category.values},
}
# Main category by channel, (category, channel) → cross_threat_phone, …: for the one-year category × channel table,
# summed over that year only, never per quarter.
CROSS = {(category, channel): f"cross_{category}_{channel}"
         for category in Category.values for channel in Channel.values}
FIELDS = ["total", "exposed_state", "exposed_municipal", *COLUMNS.values(), *CROSS.values()]


@dataclass
class UnitYear:
    """Incidents of one unit in one year."""

    year: int
    unit_id: int
    total: int = 0


@dataclass
class Counted:
    """Incidents over a stretch of time: totals per year and unit, and counts per year keyed (year, kind, code):
    by quarter (year, "quarter", 1–4), exposed staff (year, "employer", "state" or "municipal"), by category
    (year, "category", code), channel (year, "channel", code) and category chosen as another (year, "also", code).
    """

    units: list[UnitYear] = field(default_factory=list)
    kinds: dict[tuple[int, str, str], int] = field(default_factory=dict)

    def __add__(self, other: "Counted") -> "Counted":
        kinds = dict(self.kinds)
        for key, n in other.kinds.items():
            kinds[key] = kinds.get(key, 0) + n
        return Counted(units=self.units + other.units, kinds=kinds)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.units)


def month_start(moment: datetime.datetime | datetime.date) -> datetime.date:
    day = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def names_other_category(code: str) -> Q:
    """Incidents that chose ``code`` beside their main category: containment in the JSON array where the database
    has it (PostgreSQL), else the quoted code in the array's text (SQLite, the development default). Codes are
    plain words from one list, so a quoted code matches no other."""
    if connection.features.supports_json_field_contains:
        return Q(other_categories__contains=[code])
    return Q(other_categories__icontains=f'"{code}"')


def _counting() -> dict:
    """The aggregates that count incidents into the columns of a MonthlyCount."""
    aggregates = {"total": Count("pk"), "exposed_state": Sum("exposed_state"),
                  "exposed_municipal": Sum("exposed_municipal")}
    for key, column in COLUMNS.items():
        kind, code = key.split(":")
        aggregates[column] = Count("pk", filter=(names_other_category(code) if kind == "also"
                                                 else Q(**{kind: code})))
    for (category, channel), column in CROSS.items():
        aggregates[column] = Count("pk", filter=Q(category=category, channel=channel))
    return aggregates


# Per unit and year the page needs only the total; the quarters, the exposed staff and the columns per category
# and channel are added up per year and quarter alone, which keeps the rows read (and converted in Python) few
# for the whole country: 2,500 for ten years at 250 units.
KINDS = [("exposed_state", "employer", Employer.STATE), ("exposed_municipal", "employer", Employer.MUNICIPAL),
         *((column, *key.split(":", 1)) for key, column in COLUMNS.items())]
PER_QUARTER = ["total", *(column for column, _kind, _code in KINDS)]


def _own(own_ids: Collection[int] | None):
    """Whether a row belongs to the user's own units, as a column to group by (one pass for both parts)."""
    if not own_ids:
        return Value(False)
    return Case(When(unit_id__in=list(own_ids), then=Value(True)), default=Value(False), output_field=BooleanField())


def _split(unit_rows, kind_rows, own_ids: Collection[int] | None) -> dict[bool, Counted]:
    """Rows counted in one query, split into the own units' part (True) and the others' (False)."""
    own_ids = set(own_ids or ())
    result = {True: Counted(), False: Counted()}
    for year, unit_id, total in unit_rows:
        result[unit_id in own_ids].units.append(UnitYear(year=year, unit_id=unit_id, total=total))
    for row in kind_rows:
        kinds, year = result[row["own"]].kinds, row["year"]
        if row["total"]:
            key = (year, "quarter", row["quarter"])
            kinds[key] = kinds.get(key, 0) + row["total"]
        for column, kind, code in KINDS:
            if row[column]:
                kinds[(year, kind, code)] = kinds.get((year, kind, code), 0) + row[column]
    return result


def _live(incidents, own_ids: Collection[int] | None = None) -> dict[bool, Counted]:
    aggregates = _counting()
    incidents = incidents.annotate(year=ExtractYear("occurred_at"), quarter=ExtractQuarter("occurred_at"))
    unit_rows = (incidents.values("year", "unit_id").annotate(total=aggregates["total"])
                 .order_by().values_list("year", "unit_id", "total"))
    kind_rows = incidents.annotate(own=_own(own_ids)).values("year", "quarter", "own").annotate(
        **{column: aggregates[column] for column in PER_QUARTER}).order_by()
    return _split(unit_rows, kind_rows, own_ids)


def live(incidents) -> Counted:
    """Count incidents as they are now, grouped by year, quarter and unit, and by year for the columns."""
    split = _live(incidents)
    return split[True] + split[False]


def _months(*, unit_ids: list[int] | None, first: datetime.date, before: datetime.date):
    months = MonthlyCount.objects.filter(month__gte=first, month__lt=before, total__gt=0)
    return months if unit_ids is None else months.filter(unit_id__in=unit_ids)


def _stored(*, unit_ids: list[int] | None, own_ids: Collection[int] | None, first: datetime.date,
            before: datetime.date) -> dict[bool, Counted]:
    months = _months(unit_ids=unit_ids, first=first, before=before)
    unit_rows = (months.annotate(year=ExtractYear("month")).values("year", "unit_id").annotate(total=Sum("total"))
                 .order_by().values_list("year", "unit_id", "total"))
    # Summed per month and put into quarters here: the database's EXTRACT of year and quarter from 30,000 months
    # (ten years, 250 units) took half that query's time; a month per row is 240 rows for ten years.
    kind_rows = [{**row, "year": row["month"].year, "quarter": (row["month"].month + 2) // 3}
                 for row in months.annotate(own=_own(own_ids)).values("month", "own").annotate(
                     **{column: Sum(column) for column in PER_QUARTER}).order_by()]
    return _split(unit_rows, kind_rows, own_ids)


def stored(*, unit_ids: list[int] | None, first: datetime.date, before: datetime.date) -> Counted:
    """The stored months from ``first`` up to (not including) ``before``, added up like ``live``."""
    split = _stored(unit_ids=unit_ids, own_ids=None, first=first, before=before)
    return split[True] + split[False]


def between_split(*, unit_ids: Iterable[int] | None, own_ids: Collection[int], start: datetime.date,
                  end: datetime.date, today: datetime.date) -> tuple[Counted, Counted]:
    """Incidents from ``start`` up to (not including) ``end`` in ``unit_ids`` (None: every unit), as the part
    from ``own_ids`` and the part from the others: whole months before this one from the stored counts, the rest
    (this month, or a month cut short) counted live. Two queries each, however many units."""
    unit_ids = list(unit_ids) if unit_ids is not None else None
    whole, rest = _stretches(start, end, today)
    result = ({True: Counted(), False: Counted()} if whole is None
              else _stored(unit_ids=unit_ids, own_ids=own_ids, first=whole[0], before=whole[1]))
    if rest is not None:
        counted = _live(_incidents(rest, unit_ids), own_ids)
        result = {own: result[own] + counted[own] for own in (True, False)}
    return result[True], result[False]


def _stretches(start: datetime.date, end: datetime.date, today: datetime.date) -> tuple[tuple | None, Q | None]:
    """From ``start`` up to ``end``: the whole months before this one, (first, before) to read stored or None, and
    the rest (this month, or a month cut short) as a filter on the incidents to count live, or None."""
    whole_from = start if start.day == 1 else next_month(start)
    whole_until = min(end if end.day == 1 else month_start(end), month_start(today))
    if whole_from >= whole_until:
        whole, rests = None, [(start, end)]
    else:
        whole, rests = (whole_from, whole_until), [(start, whole_from), (whole_until, end)]
    # Only the stretches that are not empty: an empty one in the OR costs the planner its index on time.
    rests = [Q(occurred_at__gte=_start_of(first), occurred_at__lt=_start_of(until))
             for first, until in rests if first < until]
    if not rests:
        return whole, None
    return whole, rests[0] if len(rests) == 1 else rests[0] | rests[1]


def _incidents(rest: Q, unit_ids: list[int] | None):
    incidents = Incident.objects.filter(rest)
    return incidents if unit_ids is None else incidents.filter(unit_id__in=unit_ids)


def between(*, unit_ids: Iterable[int] | None, start: datetime.date, end: datetime.date,
            today: datetime.date) -> Counted:
    """Incidents from ``start`` up to (not including) ``end``: whole months before this one from the stored
    counts, the rest (this month, or a month cut short) counted live."""
    own, other = between_split(unit_ids=unit_ids, own_ids=(), start=start, end=end, today=today)
    return own + other


def _values(figures: dict) -> dict:
    return {name: figures[name] or 0 for name in FIELDS}


def recount(*, unit_id: int, month: datetime.date) -> MonthlyCount:
    """Count one unit's month again from its incidents. Call inside the transaction that changed one."""
    month = month.replace(day=1)
    try:
        with transaction.atomic():
            MonthlyCount.objects.get_or_create(unit_id=unit_id, month=month)
    except IntegrityError:  # made at the same moment by another transaction: it is there now
        pass
    row = MonthlyCount.objects.select_for_update().get(unit_id=unit_id, month=month)
    figures = Incident.objects.filter(
        unit_id=unit_id, occurred_at__gte=_start_of(month), occurred_at__lt=_start_of(next_month(month))
    ).aggregate(**_counting())
    for name, value in _values(figures).items():
        setattr(row, name, value)
    row.save()
    return row


def _date(month) -> datetime.date:
    # TruncMonth of a time gives the local start of the month as a time.
    return timezone.localtime(month).date() if isinstance(month, datetime.datetime) else month


@transaction.atomic
def rebuild() -> int:
    """Count every unit's every month again from all incidents, writing only the months that differ (rows are
    updated, never deleted, so a registration counting its month at the same time is not disturbed).
    Returns the number of months written."""
    fresh = {
        (row["unit_id"], _date(row["month"])): _values(row)
        for row in Incident.objects.annotate(month=TruncMonth("occurred_at"))
        .values("unit_id", "month")
        .annotate(**_counting())
        .order_by()
    }
    empty = dict.fromkeys(FIELDS, 0)
    changed = []
    for row in MonthlyCount.objects.all():
        values = fresh.pop((row.unit_id, row.month), empty)
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    MonthlyCount.objects.bulk_update(changed, FIELDS, batch_size=2000)
    # A month counted by a registration meanwhile is already right: leave it.
    MonthlyCount.objects.bulk_create(
        [MonthlyCount(unit_id=unit_id, month=month, **values) for (unit_id, month), values in fresh.items()],
        batch_size=5000, ignore_conflicts=True,
    )
    return len(changed) + len(fresh)


def by_category_and_channel(*, unit_ids: Iterable[int] | None, own_ids: Collection[int], year: int,
                            today: datetime.date) -> tuple[dict, dict]:
    """Incidents in one year per (main category, channel), as the part from ``own_ids`` and the part from the other
    units: whole months before this one from the stored counts, the rest (this month) counted live from the
    statistics index. Two queries at most, however many units."""
    unit_ids = list(unit_ids) if unit_ids is not None else None
    whole, rest = _stretches(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1), today)
    result = ({}, {})

    def add(own: bool, key: tuple[str, str], n: int) -> None:
        part = result[0 if own else 1]
        part[key] = part.get(key, 0) + n

    if whole is not None:
        rows = (_months(unit_ids=unit_ids, first=whole[0], before=whole[1]).annotate(own=_own(own_ids))
                .values("own").annotate(**{column: Sum(column) for column in CROSS.values()}).order_by())
        for row in rows:
            for key, column in CROSS.items():
                if row[column]:
                    add(row["own"], key, row[column])
    if rest is not None:
        # Counting *, so the index alone answers.
        rows = (_incidents(rest, unit_ids).annotate(own=_own(own_ids)).values("category", "channel", "own")
                .annotate(n=Count("*")).order_by())
        for row in rows:
            add(row["own"], (row["category"], row["channel"]), row["n"])
    return result
