"""Reads of ROS analyses with access control: an analysis the user may not see answers 404.

ROS analyses hold no citizen's data, so reading them writes no audit line. Incident counts come from
``hendelser.selectors``, never its models.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hendelser import selectors as incident_selectors
from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Unit

from . import rules
from .models import LEVELS, OPEN_MEASURE_STATUSES, Analysis, AnalysisStatus, Event, MeasureKind, Zone


def visible_analyses(user) -> QuerySet[Analysis]:
    """The analyses of the units where the user sees ROS work (the region's, for the security officer)."""
    if not (user and user.is_authenticated):
        return Analysis.objects.none()
    return Analysis.objects.filter(unit__in=access.units_with_perm(user, Perm.VIEW_ROS), is_template=False)


def templates(user) -> QuerySet[Analysis]:
    if not access.has_perm_anywhere(user, Perm.VIEW_ROS):
        return Analysis.objects.none()
    return Analysis.objects.filter(is_template=True).order_by("title")


def analysis_for(*, user, analysis_id: int) -> Analysis:
    """One analysis (or template) the user may see, or 404."""
    analysis = (Analysis.objects.select_related("unit", "owner", "approved_by", "matrix", "based_on")
                .filter(pk=analysis_id).first())
    if analysis is None or not rules.may_view(user, analysis):
        raise Http404
    return analysis


def manage_units(user) -> list[Unit]:
    return list(access.units_with_perm(user, Perm.MANAGE_ROS).filter(is_active=True).order_by("number"))


def analysis_list(*, user) -> list[Analysis]:
    return list(visible_analyses(user).select_related("unit", "owner")
                .annotate(event_count=Count("events", distinct=True))
                .order_by("unit__number", "-analysis_date", "-pk"))


# -- the heat map ------------------------------------------------------------------------------------------------


@dataclass
class Cell:
    probability: int
    consequence: int
    zone: str
    events: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.events)


@dataclass
class HeatMap:
    """Rows from probability 5 (top) to 1, consequence 1 to 5 across, as in the report."""

    rows: list[tuple[int, list[Cell]]]
    residual: bool
    not_assessed: int = 0


def heat_map(cells, events, *, residual: bool) -> HeatMap:
    grid = {(p, c): Cell(p, c, rules.zone_of(cells, p, c)) for p in LEVELS for c in LEVELS}
    for event in events:
        if residual and not event.has_residual:
            continue
        p, c = ((event.residual_probability, event.residual_consequence) if residual
                else (event.probability, event.consequence))
        grid[(p, c)].events.append(event)
    not_assessed = sum(1 for event in events if not event.has_residual) if residual else 0
    return HeatMap(rows=[(p, [grid[(p, c)] for c in LEVELS]) for p in reversed(LEVELS)], residual=residual,
                   not_assessed=not_assessed)


@dataclass
class EventRow:
    event: Event
    zone: str
    residual_zone: str | None
    incidents: list[tuple[str, int]]
    measures: list


@dataclass
class AnalysisPage:
    analysis: Analysis
    rows: list[EventRow]
    causes: list
    before: HeatMap
    after: HeatMap
    zones: dict
    probability_labels: list[str]
    consequence_labels: list[str]
    matrix_version: int
    window: tuple[datetime.date, datetime.date]
    zone_counts: dict = field(default_factory=dict)
    as_in_template: int = 0

    @property
    def rows_by_zone(self) -> list[tuple[str, list[EventRow]]]:
        """The events red first, then yellow and green: the report's sections."""
        return [(code, [row for row in self.rows if row.zone == code]) for code in Zone.values]


def matrix_version_number(matrix_row) -> int:
    """The version's number: how many saved versions of the definition there are up to it."""
    return type(matrix_row).objects.filter(id=matrix_row.id, history_id__lte=matrix_row.history_id).count()


def _preventive_first(measure):
    # Measures that lower the probability are considered first (the report's method).
    return (measure.kind != MeasureKind.PREVENTIVE, measure.due_on, measure.pk)


def analysis_page(*, analysis: Analysis, today: datetime.date) -> AnalysisPage:
    cells = analysis.matrix.cells
    events = list(analysis.events.select_related("acceptance__accepted_by")
                  .prefetch_related("measures__responsible", "template_measures"))
    window = rules.incident_window(today)
    by_asys = {}
    if analysis.unit_id:
        by_asys = incident_selectors.incident_counts_by_category(unit_ids=[analysis.unit_id], since=window[0],
                                                                 until=window[1])
    rows = []
    for event in events:
        before, after = rules.event_zones(cells, event)
        rows.append(EventRow(event, before, after,
                             rules.incident_counts_for(event.category, by_asys) if analysis.unit_id else [],
                             sorted(event.measures.all(), key=_preventive_first)))
    zone_counts = {code: sum(1 for row in rows if row.zone == code) for code in Zone.values}
    as_in_template = sum(1 for event in events if event.as_in_template)
    return AnalysisPage(
        analysis=analysis, rows=rows, causes=list(analysis.causes.all()),
        before=heat_map(cells, events, residual=False), after=heat_map(cells, events, residual=True),
        zones=analysis.matrix.zones, probability_labels=analysis.matrix.probability_labels,
        consequence_labels=analysis.matrix.consequence_labels, matrix_version=matrix_version_number(analysis.matrix),
        window=window, zone_counts=zone_counts, as_in_template=as_in_template,
    )


def approval_events(analysis: Analysis) -> list[Event]:
    """The analysis' events as the approval rules read them: with their measure count and acceptance."""
    return list(analysis.events.annotate(measure_count=Count("measures")).select_related("acceptance")
                .order_by("position", "pk"))


def approval_problems(*, analysis: Analysis, today: datetime.date) -> list[rules.Problem]:
    return rules.approval_problems(analysis=analysis, events=approval_events(analysis), cells=analysis.matrix.cells,
                                   today=today)


def in_force(analysis: Analysis) -> Analysis | None:
    """The unit's approved analysis that approving this draft would supersede (None: it would be the first)."""
    return (Analysis.objects.filter(unit_id=analysis.unit_id, status=AnalysisStatus.APPROVED)
            .exclude(pk=analysis.pk).select_related("approved_by").first())


def red_events(analysis: Analysis) -> list[str]:
    """The titles of the analysis' events in the red zone before measures."""
    cells = analysis.matrix.cells
    return [e.title for e in analysis.events.all() if rules.zone_of(cells, e.probability, e.consequence) == Zone.RED]


# -- start page ----------------------------------------------------------------------------------------------------


def start_panel(user, today: datetime.date | None = None) -> dict | None:
    """The ROS panel: each unit's analysis in force, its review date, and its open measures and those overdue."""
    units = list(access.units_with_perm(user, Perm.VIEW_ROS).filter(is_active=True).order_by("number"))
    if not units:
        return None
    today = today or timezone.localdate()
    open_measure = Q(events__measures__status__in=OPEN_MEASURE_STATUSES)
    current = {
        a.unit_id: a for a in Analysis.objects.filter(unit__in=units, status=AnalysisStatus.APPROVED).annotate(
            open_measures=Count("events__measures", filter=open_measure),
            overdue_measures=Count("events__measures", filter=open_measure & Q(events__measures__due_on__lt=today)),
        )
    }
    for analysis in current.values():
        analysis.review_threshold = rules.review_threshold(analysis.next_review_on, today)
    return {"units": [(unit, current.get(unit.pk)) for unit in units]}
