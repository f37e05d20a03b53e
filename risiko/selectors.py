"""Reads of ROS analyses with access control: an analysis the user may not see answers 404.

ROS analyses hold no citizen's data, so reading them writes no audit line. Incident counts come from
``hendelser.selectors``, never its models.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from hendelser import selectors as incident_selectors
from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Unit

from . import rules
from .models import (
    LEVELS,
    OPEN_MEASURE_STATUSES,
    Analysis,
    AnalysisStatus,
    Event,
    MatrixDefinition,
    MatrixUse,
    MeasureKind,
    Zone,
)


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


def matrix_in_use(unit: Unit) -> MatrixDefinition | None:
    """The matrix set for the unit, else for its region; None: the default applies."""
    uses = {use.unit_id is not None: use.matrix
            for use in MatrixUse.objects.select_related("matrix").filter(Q(unit=unit) | Q(region=unit.region))}
    return uses.get(True) or uses.get(False)


def newer_matrix(analysis: Analysis):
    """For a draft: the newest version of the matrix its unit uses now, if the draft is not on it; else None."""
    if analysis.is_template or analysis.status != AnalysisStatus.DRAFT:
        return None
    # One query (the page's query budget): the unit's matrix, else the region's, else the default; its newest row.
    unit_use = MatrixUse.objects.filter(unit=analysis.unit_id).values("matrix_id")[:1]
    region_use = MatrixUse.objects.filter(unit=None, region=analysis.unit.region).values("matrix_id")[:1]
    default = MatrixDefinition.objects.filter(is_default=True).values("pk")[:1]
    latest = (MatrixDefinition.history.model.objects
              .filter(id=Coalesce(Subquery(unit_use), Subquery(region_use), Subquery(default)))
              .order_by("-history_id").first())
    return latest if latest and latest.history_id != analysis.matrix_id else None


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
    measures: list
    # The unit's incidents of the window in the event's ASYS categories and channels (None: not mapped).
    incident_count: int | None = None
    mapping: str = ""
    suggestion: rules.Suggestion | None = None


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
    def underestimated(self) -> list[EventRow]:
        """The events whose probability the unit's incidents put higher than the analysis does."""
        return [row for row in self.rows if row.suggestion]

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
    rows = []
    for event in events:
        before, after = rules.event_zones(cells, event)
        rows.append(EventRow(event, before, after, sorted(event.measures.all(), key=_preventive_first)))
    if analysis.unit_id:
        _add_incident_counts(rows, unit_id=analysis.unit_id, window=window,
                             thresholds=analysis.matrix.incident_thresholds)
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
def _add_incident_counts(rows: list[EventRow], *, unit_id: int, window, thresholds) -> None:
    # The unit's own incidents only: a ROS analysis is the unit's, and so are the incidents that ground it.
    profile = incident_selectors.incident_profile(unit_ids=[unit_id], since=window[0], until=window[1])
    for row in rows:
        event = row.event
        row.incident_count = rules.mapped_incident_count(profile, event.asys_categories, event.asys_channels)
        row.mapping = rules.mapping_label(event.asys_categories, event.asys_channels) if event.asys_categories \
            else ""
        row.suggestion = rules.probability_suggestion(stated=event.probability, count=row.incident_count,
                                                      thresholds=thresholds)


def underestimated_events(analysis: Analysis, today: datetime.date) -> list[EventRow]:
    """The analysis' events whose probability its unit's incidents of the last 12 months put higher."""
    rows = [EventRow(event, "", None, []) for event in analysis.events.all()]
    _add_incident_counts(rows, unit_id=analysis.unit_id, window=rules.incident_window(today),
                         thresholds=analysis.matrix.incident_thresholds)
    return [row for row in rows if row.suggestion]


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
