"""Incidents counted per unit and month, so the statistics need not read every incident.

A month is recounted from its incidents in the same transaction that changes one of them (the row is locked
first, so two registrations at once both count); the sweep rebuilds every month as a safety net for rows
written outside the services (demo data, a restore). The current month is always counted live.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractQuarter, ExtractYear, TruncMonth
from django.utils import timezone

from .models import Category, Channel, Incident, MonthlyCount

CATEGORY_KEYS = [f"category:{code}" for code in Category.values]
CHANNEL_KEYS = [f"channel:{code}" for code in Channel.values]


@dataclass
class Counted:
    """Incidents of one unit in one year and quarter (a month, or several added up)."""

    year: int
    quarter: int
    unit_id: int
    total: int = 0
    exposed_state: int = 0
    exposed_municipal: int = 0
    counts: dict = field(default_factory=dict)


def month_start(moment: datetime.datetime | datetime.date) -> datetime.date:
    day = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    return day.replace(day=1)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _aggregates() -> dict:
    aggregates = {"n": Count("pk"), "state": Sum("exposed_state"), "municipal": Sum("exposed_municipal")}
    aggregates.update({key: Count("pk", filter=Q(category=key.split(":")[1])) for key in CATEGORY_KEYS})
    aggregates.update({key: Count("pk", filter=Q(channel=key.split(":")[1])) for key in CHANNEL_KEYS})
    return aggregates


def _counts_of(row: dict) -> dict:
    return {key: row[key] for key in (*CATEGORY_KEYS, *CHANNEL_KEYS) if row[key]}


def live(incidents) -> list[Counted]:
    """Count incidents as they are now: one pass, grouped by year, quarter and unit."""
    rows = (
        incidents.annotate(year=ExtractYear("occurred_at"), quarter=ExtractQuarter("occurred_at"))
        .values("year", "quarter", "unit_id")
        .annotate(**_aggregates())
        .order_by()
    )
    return [Counted(year=r["year"], quarter=r["quarter"], unit_id=r["unit_id"], total=r["n"],
                    exposed_state=r["state"] or 0, exposed_municipal=r["municipal"] or 0, counts=_counts_of(r))
            for r in rows]


def stored(*, unit_ids: Iterable[int] | None, first: datetime.date, before: datetime.date) -> list[Counted]:
    """The stored months from ``first`` up to (not including) ``before``."""
    months = MonthlyCount.objects.filter(month__gte=first, month__lt=before, total__gt=0)
    if unit_ids is not None:
        months = months.filter(unit_id__in=list(unit_ids))
    return [Counted(year=m.month.year, quarter=(m.month.month - 1) // 3 + 1, unit_id=m.unit_id, total=m.total,
                    exposed_state=m.exposed_state, exposed_municipal=m.exposed_municipal, counts=m.counts)
            for m in months.only("unit_id", "month", "total", "exposed_state", "exposed_municipal", "counts")]


def between(*, unit_ids: Iterable[int] | None, start: datetime.date, end: datetime.date,
            today: datetime.date) -> list[Counted]:
    """Incidents from ``start`` up to (not including) ``end``: whole months before this one from the stored
    counts, the rest (this month, or a month cut short) counted live."""
    unit_ids = list(unit_ids) if unit_ids is not None else None
    whole_from = start if start.day == 1 else next_month(start)
    whole_until = min(end if end.day == 1 else month_start(end), month_start(today))
    if whole_from >= whole_until:
        result, rest = [], Q(occurred_at__gte=_start_of(start), occurred_at__lt=_start_of(end))
    else:
        result = stored(unit_ids=unit_ids, first=whole_from, before=whole_until)
        rest = (Q(occurred_at__gte=_start_of(start), occurred_at__lt=_start_of(whole_from))
                | Q(occurred_at__gte=_start_of(whole_until), occurred_at__lt=_start_of(end)))
    incidents = Incident.objects.filter(rest)
    if unit_ids is not None:
        incidents = incidents.filter(unit_id__in=unit_ids)
    return result + live(incidents)


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
    ).aggregate(**_aggregates())
    row.total, row.counts = figures["n"], _counts_of(figures)
    row.exposed_state, row.exposed_municipal = figures["state"] or 0, figures["municipal"] or 0
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
        (r["unit_id"], _date(r["month"])): (r["n"], r["state"] or 0, r["municipal"] or 0, _counts_of(r))
        for r in Incident.objects.annotate(month=TruncMonth("occurred_at"))
        .values("unit_id", "month")
        .annotate(**_aggregates())
        .order_by()
    }
    changed, new = [], []
    for row in MonthlyCount.objects.all():
        values = fresh.pop((row.unit_id, row.month), (0, 0, 0, {}))
        if (row.total, row.exposed_state, row.exposed_municipal, row.counts) != values:
            row.total, row.exposed_state, row.exposed_municipal, row.counts = values
            changed.append(row)
    for (unit_id, month), (total, state, municipal, figures) in fresh.items():
        new.append(MonthlyCount(unit_id=unit_id, month=month, total=total, exposed_state=state,
                                exposed_municipal=municipal, counts=figures))
    MonthlyCount.objects.bulk_update(changed, ["total", "exposed_state", "exposed_municipal", "counts"],
                                     batch_size=2000)
    # A month counted by a registration meanwhile is already right: leave it.
    MonthlyCount.objects.bulk_create(new, batch_size=5000, ignore_conflicts=True)
    return len(changed) + len(new)
