"""Every state change of a ROS analysis. Keyword-only arguments, the acting user, one transaction each.

``by=None`` is the system: the management commands, run by operations on the server.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from nav_sikkerhet.core import access
from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core.models import Role, Unit, User

from . import interchange, rules, selectors, workflow
from .models import (
    OPEN_MEASURE_STATUSES,
    Analysis,
    AnalysisStatus,
    Cause,
    Event,
    MatrixDefinition,
    MatrixUse,
    Measure,
    MeasureStatus,
    RiskAcceptance,
    TemplateMeasure,
    Zone,
)

# analysis_approve(replaces_id=...) not given: the caller confirmed nothing about what approval replaces.
UNCHECKED = object()

MEASURE_OVERDUE_KIND = "ros.measure_overdue"
REVIEW_DUE_KIND = "ros.review_due"
REVIEW_OVERDUE_KIND = "ros.review_overdue"
UNDERESTIMATED_KIND = "ros.probability_underestimated"

ANALYSIS_FIELDS = frozenset({"title", "scope", "owner", "participants", "safety_representative", "analysis_date",
                             "next_review_on"})
EVENT_FIELDS = frozenset({"category", "title", "description", "frequency", "probability", "consequence", "barriers",
                          "residual_probability", "residual_consequence", "asys_categories", "asys_channels"})
MEASURE_FIELDS = frozenset({"kind", "description", "responsible", "due_on"})

# The report's own scale words (the ROS report), and its zone names, as the default definition's data.
DEFAULT_PROBABILITY_LABELS = ["Sjeldnere", "Årlig", "Månedlig", "Ukentlig", "Daglig"]
DEFAULT_CONSEQUENCE_LABELS = [
    "Ingen skade",
    "Skade uten varig mén, uten sykefravær",
    "Skade uten varig mén, med sykefravær",
    "Fysisk og/eller psykisk skade med varig mén",
    "Dødsfall",
]
# NAV's Aksel colours, each with a text colour of at least 4.5:1 contrast on it.
DEFAULT_ZONES = {
    Zone.RED: {"name": "Tiltak nødvendig", "colour": "#c30000", "text_colour": "#ffffff",
               "description": "Tiltak er nødvendig. Tiltak som senker sannsynligheten vurderes først."},
    Zone.YELLOW: {"name": "Tiltak må vurderes", "colour": "#ffd799", "text_colour": "#262626",
                  "description": "Tiltak må vurderes."},
    Zone.GREEN: {"name": "Ikke signifikant risiko", "colour": "#cce1d1", "text_colour": "#262626",
                 "description": "Ikke signifikant risiko, men risikoreduserende tiltak kan vurderes."},
}


def _save(obj, by: User | None) -> None:
    obj.full_clean()
    obj._history_user = by
    obj.save()


def _locked(analysis_id: int) -> Analysis:
    return Analysis.objects.select_for_update(of=("self",)).select_related("unit").get(pk=analysis_id)


# -- the matrix ----------------------------------------------------------------------------------------------------


def matrix_default() -> MatrixDefinition:
    """The default matrix definition, made from the report's scales the first time it is needed."""
    matrix = MatrixDefinition.objects.filter(is_default=True).first()
    if matrix is not None:
        return matrix
    matrix = MatrixDefinition(
        name="Standard risikomatrise (ROS vold og trusler)", is_default=True,
        probability_labels=DEFAULT_PROBABILITY_LABELS, consequence_labels=DEFAULT_CONSEQUENCE_LABELS,
        cells=rules.default_cells(), zones={str(k): v for k, v in DEFAULT_ZONES.items()},
    )
    try:
        with transaction.atomic():
            _save(matrix, None)
    except IntegrityError:
        # Made at the same moment by another request: there is one default (a unique constraint).
        return MatrixDefinition.objects.get(is_default=True)
    return matrix


def matrix_current_version(matrix: MatrixDefinition):
    """The definition's latest version: the history row new analyses point at."""
    return matrix.history.order_by("-history_id").first()


def matrix_for_unit(unit: Unit | None) -> MatrixDefinition:
    """The matrix a unit's new analyses are made on: the unit's own, else its region's, else the default."""
    return (selectors.matrix_in_use(unit) if unit is not None else None) or matrix_default()


def _require_matrix_admin(by: User | None) -> None:
    if not (by and by.has_perm("risiko.change_matrixdefinition")):
        raise PermissionDenied(_("Only administrators may change the risk matrix."))


@transaction.atomic
def matrix_use_set(*, by: User, matrix: MatrixDefinition, unit: Unit | None = None, region: str = "") -> MatrixUse:
    """Set the matrix a unit, or a region's units, make new analyses on; analyses made already keep theirs."""
    _require_matrix_admin(by)
    region = (region or "").strip()
    rules.require_known_region(region, Unit.objects.values_list("region", flat=True).distinct())
    locked = MatrixUse.objects.select_for_update().order_by("pk")
    use = (locked.filter(unit=unit).first() if unit is not None else
           locked.filter(unit=None, region=region).first() if region else None)
    use = use or MatrixUse(unit=unit, region=region)
    use.matrix = matrix
    _save(use, by)
    return use


@transaction.atomic
def matrix_use_remove(*, by: User, use_id: int) -> None:
    """The unit (or region) goes back to the region's matrix (or the default)."""
    _require_matrix_admin(by)
    use = MatrixUse.objects.get(pk=use_id)
    use._history_user = by
    use.delete()


@transaction.atomic
def matrix_save(*, by: User, matrix: MatrixDefinition) -> MatrixDefinition:
    """Save an administrator's change as a new version; analyses made before keep the version they point at."""
    _require_matrix_admin(by)
    matrix.changed_at = timezone.now()
    _save(matrix, by)
    return matrix


# -- analyses ------------------------------------------------------------------------------------------------------


def _new_analysis(*, by: User | None, unit: Unit | None, is_template: bool, **fields) -> Analysis:
    unknown = set(fields) - ANALYSIS_FIELDS
    if unknown:
        raise ValueError(f"Not an analysis field: {sorted(unknown)}")
    analysis = Analysis(unit=unit, is_template=is_template, created_by=by,
                        matrix=matrix_current_version(matrix_for_unit(unit)), **fields)
    _save(analysis, by)
    return analysis


def _copy_content(source: Analysis, target: Analysis, *, by: User | None, with_measures: bool) -> None:
    for cause in source.causes.all():
        _save(Cause(analysis=target, description=cause.description, rating=cause.rating, position=cause.position),
              by)
    copies = {}
    for event in source.events.prefetch_related("measures").select_related("acceptance"):
        copy = Event(analysis=target, **{name: getattr(event, name) for name in EVENT_FIELDS},
                     position=event.position, as_in_template=source.is_template or event.as_in_template)
        _save(copy, by)
        copies[event.pk] = copy
        acceptance = getattr(event, "acceptance", None)
        if with_measures and acceptance is not None:
            # The head of unit's acceptance stays with the event in the next version, for the same levels only.
            _save(RiskAcceptance(event=copy, reason=acceptance.reason, probability=acceptance.probability,
                                 consequence=acceptance.consequence, accepted_by=acceptance.accepted_by,
                                 accepted_at=acceptance.accepted_at), by)
        if with_measures:
            for measure in event.measures.all():
                if measure.status in OPEN_MEASURE_STATUSES:
                    _save(Measure(event=copy, kind=measure.kind, description=measure.description,
                                  responsible=measure.responsible, due_on=measure.due_on, status=measure.status), by)
    # The template's measures go with its events, still marked as the template's.
    _add_template_measures([
        (TemplateMeasure(analysis=target, kind=p.kind, description=p.description, position=p.position),
         [copies[event.pk] for event in p.events.all()])
        for p in source.template_measures.prefetch_related("events")
    ])


@transaction.atomic
def analysis_create(*, by: User, unit: Unit, template: Analysis | None = None, **fields) -> Analysis:
    """A new draft analysis of the unit, empty or starting from a template's events and causes."""
    rules.require_may_manage_unit(by, unit)
    if template is not None and not template.is_template:
        raise ValidationError({"template": _("Choose one of the templates.")})
    analysis = _new_analysis(by=by, unit=unit, is_template=False, **fields)
    if template is not None:
        analysis.based_on = template
        analysis.save(update_fields=["based_on"])
        _copy_content(template, analysis, by=by, with_measures=False)
    return analysis


@transaction.atomic
def analysis_update(*, by: User, analysis_id: int, **fields) -> Analysis:
    analysis = _locked(analysis_id)
    rules.require_may_edit(by, analysis)
    unknown = set(fields) - ANALYSIS_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(analysis, name, value)
    _save(analysis, by)
    return analysis


@transaction.atomic
def analysis_approve(*, by: User, analysis_id: int, replaces_id=UNCHECKED) -> Analysis:
    """The leader approves the draft; the unit's analysis in force until now is superseded by it.

    ``replaces_id`` is the analysis in force the leader was shown as replaced (None: shown as the unit's first);
    if another has been approved since, nothing happens and the leader is asked to look again.
    """
    analysis = _locked(analysis_id)
    rules.require_may_approve(by, analysis)
    workflow.check(analysis.status, AnalysisStatus.APPROVED)
    rules.require_approvable(selectors.approval_problems(analysis=analysis, today=timezone.localdate()))
    earlier = list(Analysis.objects.select_for_update().filter(unit=analysis.unit, status=AnalysisStatus.APPROVED)
                   .exclude(pk=analysis.pk))
    if replaces_id is not UNCHECKED and [old.pk for old in earlier] != ([replaces_id] if replaces_id else []):
        raise ValidationError(_("Another analysis of the unit has been approved since you confirmed. Look at what "
                                "this approval now replaces, and confirm again."), code="replaces_changed")
    for old in earlier:
        workflow.check(old.status, AnalysisStatus.SUPERSEDED)
        old.status = AnalysisStatus.SUPERSEDED
        _save(old, by)
    analysis.status, analysis.approved_by, analysis.approved_at = AnalysisStatus.APPROVED, by, timezone.now()
    _save(analysis, by)
    return analysis


@transaction.atomic
def analysis_move_matrix(*, by: User, analysis_id: int) -> list[rules.ZoneChange]:
    """Move a draft to the newest version of the matrix its unit uses now; returns the events that changed zone."""
    analysis = _locked(analysis_id)
    rules.require_may_edit(by, analysis)
    target = matrix_current_version(matrix_for_unit(analysis.unit))
    if target.history_id == analysis.matrix_id:
        raise ValidationError(_("The analysis is already on the newest version of its unit's matrix."),
                              code="same_matrix")
    changes = rules.zone_changes(analysis.matrix.cells, target.cells, analysis.events.all())
    analysis.matrix = target
    _save(analysis, by)
    return changes


@transaction.atomic
def analysis_revise(*, by: User, analysis_id: int) -> Analysis:
    """A new draft version of an approved analysis, on today's matrix, with its events, causes and open measures.
    The approved one stays in force until the new version is approved."""
    source = _locked(analysis_id)
    if not rules.may_revise(by, source):
        rules.require_may_manage_unit(by, source.unit)
        raise ValidationError(_("Only the approved analysis can be revised."), code="not_approved")
    analysis = _new_analysis(
        by=by, unit=source.unit, is_template=False, title=source.title, scope=source.scope, owner=source.owner,
        participants=source.participants, safety_representative=source.safety_representative,
        analysis_date=timezone.localdate(), next_review_on=None,
    )
    analysis.based_on = source
    analysis.save(update_fields=["based_on"])
    _copy_content(source, analysis, by=by, with_measures=True)
    return analysis


# -- events, causes and measures --------------------------------------------------------------------------------


@transaction.atomic
def event_add(*, by: User, analysis_id: int, **fields) -> Event:
    analysis = _locked(analysis_id)
    rules.require_may_edit(by, analysis)
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise ValueError(f"Not an event field: {sorted(unknown)}")
    rules.require_room_for_events(analysis.events.count() + 1)
    last = analysis.events.order_by("-position").values_list("position", flat=True).first() or 0
    event = Event(analysis=analysis, position=last + 1, **fields)
    _save(event, by)
    return event


@transaction.atomic
def event_update(*, by: User, event_id: int, **fields) -> Event:
    event = Event.objects.select_related("analysis").get(pk=event_id)
    analysis = _locked(event.analysis_id)
    rules.require_may_edit(by, analysis)
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(event, name, value)
    event.as_in_template = False
    _save(event, by)
    return event


@transaction.atomic
def event_delete(*, by: User, event_id: int) -> None:
    event = Event.objects.get(pk=event_id)
    rules.require_may_edit(by, _locked(event.analysis_id))
    event._history_user = by
    event.delete()


@transaction.atomic
def event_confirm(*, by: User, event_id: int) -> Event:
    """The unit confirms that an event taken from the template (or a file) fits it as it stands. Confirming
    twice changes nothing."""
    event = Event.objects.get(pk=event_id)
    rules.require_may_edit(by, _locked(event.analysis_id))
    if event.as_in_template:
        event.as_in_template, event.confirmed_by, event.confirmed_at = False, by, timezone.now()
        _save(event, by)
    return event


@transaction.atomic
def risk_accept(*, by: User, event_id: int, reason: str) -> RiskAcceptance:
    """The head of unit accepts a red event's risk at its present levels, with the reason (replacing an earlier
    acceptance of the event)."""
    event = Event.objects.select_related("analysis").get(pk=event_id)
    analysis = _locked(event.analysis_id)
    rules.require_may_accept_risk(by, analysis)
    if rules.zone_of(analysis.matrix.cells, event.probability, event.consequence) != Zone.RED:
        raise ValidationError(_("Only a risk in the red zone is accepted here; the other zones need no acceptance."),
                              code="not_red")
    acceptance = RiskAcceptance.objects.filter(event=event).first() or RiskAcceptance(event=event)
    acceptance.reason, acceptance.accepted_by, acceptance.accepted_at = reason.strip(), by, timezone.now()
    acceptance.probability, acceptance.consequence = event.probability, event.consequence
    _save(acceptance, by)
    return acceptance


@transaction.atomic
def cause_add(*, by: User, analysis_id: int, description: str, rating: int) -> Cause:
    analysis = _locked(analysis_id)
    rules.require_may_edit(by, analysis)
    cause = Cause(analysis=analysis, description=description, rating=rating, position=analysis.causes.count() + 1)
    _save(cause, by)
    return cause


@transaction.atomic
def measure_add(*, by: User, event_id: int, **fields) -> Measure:
    """A preventive or damage-reducing measure, with a responsible person in the unit and a due date."""
    event = Event.objects.get(pk=event_id)
    analysis = _locked(event.analysis_id)
    rules.require_may_follow_up(by, analysis)
    unknown = set(fields) - MEASURE_FIELDS
    if unknown:
        raise ValueError(f"Not a measure field: {sorted(unknown)}")
    rules.require_responsible_fits(fields.get("responsible"), analysis.unit)
    measure = Measure(event=event, **fields)
    _save(measure, by)
    return measure


@transaction.atomic
def measure_update_status(*, by: User, measure_id: int, status: str, done_on: datetime.date | None = None,
                          due_on: datetime.date | None = None) -> Measure:
    """Follow a measure up: in progress, done on a date (today unless given), or given a new due date (a new
    due date is a new threshold for the overdue reminder)."""
    measure = Measure.objects.select_related("event").get(pk=measure_id)
    rules.require_may_follow_up(by, _locked(measure.event.analysis_id))
    measure.status = status
    if due_on is not None:
        measure.due_on = due_on
    if status == MeasureStatus.DONE:
        measure.done_on = done_on or measure.done_on or timezone.localdate()
    else:
        measure.done_on = None
    _save(measure, by)
    return measure


# -- import ------------------------------------------------------------------------------------------------------


@transaction.atomic
def analysis_import(*, by: User | None, data, unit: Unit | None, as_template: bool = False) -> Analysis:
    """Load an analysis in the ROS file format (ros-hordaland-2014.json, or an export), all or nothing.

    Every error names the event and the field. An imported analysis is always a draft whose events the unit
    confirms or changes: the file's status, confirmations and acceptances are not read, for approving, confirming
    and accepting are acts of people here, not of a file.
    """
    if by is not None:
        if as_template:
            raise PermissionDenied(_("Templates are loaded by operations on the server."))
        rules.require_may_manage_unit(by, unit)
    parsed = interchange.parse(data)
    fields = dict(parsed.fields)
    fields.setdefault("analysis_date", timezone.localdate())
    analysis = _new_analysis(by=by, unit=None if as_template else unit, is_template=as_template, **fields)
    # Every row is checked in memory first, then written in bulk (history included): one insert per table.
    causes = [Cause(analysis=analysis, position=position, **cause)
              for position, cause in enumerate(parsed.causes, start=1)]
    for cause in causes:
        interchange.validated(cause, where={"description": cause.description}, exclude=("analysis",))
    events, measures = [], []
    fitting = rules.staff_of(analysis.unit, [m["responsible"] for _e, ms in parsed.events for m in ms]) \
        if analysis.unit is not None else set()
    for position, (event_fields, measure_rows) in enumerate(parsed.events, start=1):
        # A file is not the unit's confirmation: its events are confirmed or changed here like a template's.
        event = Event(analysis=analysis, position=position, as_in_template=analysis.unit is not None,
                      **event_fields)
        interchange.validated(event, where=event_fields, number=position, exclude=("analysis",))
        events.append(event)
        for measure_fields in measure_rows:
            measure = Measure(event=event, **measure_fields)
            if analysis.unit is not None and measure.responsible.pk not in fitting:
                interchange.check_rule(rules.require_responsible_fits, measure.responsible, analysis.unit,
                                       obj=measure, where=event_fields, number=position)
            interchange.validated(measure, where=event_fields, number=position, exclude=("event", "responsible"))
            measures.append(measure)
    interchange.parse_template_measures(parsed)
    proposed = []
    for position, (fields, _numbers) in enumerate(parsed.template_measures, start=1):
        proposal = TemplateMeasure(analysis=analysis, position=position, **fields)
        try:
            proposal.full_clean(exclude=("analysis",), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ValidationError(_("Measure %(number)d of the list: %(message)s")
                                  % {"number": position, "message": " ".join(error.messages)}) from error
        proposed.append(proposal)
    Cause.objects.bulk_create(causes)
    bulk_create_with_history(events, Event, default_user=by)
    bulk_create_with_history(measures, Measure, default_user=by)
    _add_template_measures([(proposal, [events[number - 1] for number in numbers])
                            for proposal, (_f, numbers) in zip(proposed, parsed.template_measures, strict=True)])
    return analysis


def _add_template_measures(pairs: list[tuple[TemplateMeasure, list[Event]]]) -> None:
    """The template's measures and their links to the events they address, in one insert each."""
    TemplateMeasure.objects.bulk_create([proposal for proposal, _events in pairs])
    through = TemplateMeasure.events.through
    through.objects.bulk_create([through(templatemeasure_id=proposal.pk, event_id=event.pk)
                                 for proposal, events in pairs for event in events])


# -- reminders --------------------------------------------------------------------------------------------------


def recipients(unit_id: int) -> list[User]:
    """ROS reminders go to the unit's leader, acting leader and HMS."""
    return list(
        User.objects.filter(is_active=True, role_assignments__unit_id=unit_id,
                            role_assignments__role__in=[*access.LEADER_ROLES, Role.HMS])
        .distinct().order_by("pk")
    )


def _remind(*, kind: str, object_id: int, due_on: datetime.date, unit_id: int, case_number: str, path: str) -> list:
    created = []
    for recipient in recipients(unit_id):
        reminder, new = core_services.reminder_ensure(
            key=f"{kind}:{object_id}:{due_on.isoformat()}:{recipient.pk}", kind=kind, recipient=recipient,
            due_on=due_on, case_number=case_number, path=path,
        )
        if new:
            created.append(reminder)
    return created


def remind_overdue_measures(*, today: datetime.date) -> list:
    """Once per measure, due date and recipient: a measure of the analysis in force (or a draft) past its date."""
    created = []
    overdue = (
        Measure.objects.filter(status__in=OPEN_MEASURE_STATUSES, due_on__lt=today,
                               event__analysis__status__in=[AnalysisStatus.DRAFT, AnalysisStatus.APPROVED],
                               event__analysis__is_template=False)
        .select_related("event__analysis").order_by("pk")
    )
    for measure in overdue:
        analysis = measure.event.analysis
        created += _remind(kind=MEASURE_OVERDUE_KIND, object_id=measure.pk, due_on=measure.due_on,
                           unit_id=analysis.unit_id, case_number=analysis.reference,
                           path=reverse("risiko:detail", args=[analysis.pk]) + f"#tiltak-{measure.pk}")
    return created


def remind_reviews(*, today: datetime.date) -> list:
    """Once per analysis, review date, threshold and recipient: 30 days before the review date, and once past it."""
    created = []
    soon = today + datetime.timedelta(days=rules.REVIEW_NOTICE_DAYS)
    analyses = Analysis.objects.filter(status=AnalysisStatus.APPROVED, is_template=False,
                                       next_review_on__lte=soon).order_by("pk")
    for analysis in analyses:
        threshold = rules.review_threshold(analysis.next_review_on, today)
        kind = REVIEW_OVERDUE_KIND if threshold == "overdue" else REVIEW_DUE_KIND
        created += _remind(kind=kind, object_id=analysis.pk, due_on=analysis.next_review_on,
                           unit_id=analysis.unit_id, case_number=analysis.reference,
                           path=reverse("risiko:detail", args=[analysis.pk]))
    return created


def remind_underestimated(*, today: datetime.date) -> list:
    """Once per event, suggested level and recipient: an event of an analysis in force whose probability the
    unit's incidents of the last 12 months put higher than the analysis does."""
    created = []
    analyses = (Analysis.objects.filter(status=AnalysisStatus.APPROVED, is_template=False)
                .select_related("matrix").order_by("pk"))
    for analysis in analyses:
        rows = selectors.underestimated_events(analysis, today)
        if not rows:
            continue
        people = recipients(analysis.unit_id)
        for row in rows:
            path = reverse("risiko:detail", args=[analysis.pk]) + f"#hendelse-{row.event.pk}"
            for recipient in people:
                reminder, new = core_services.reminder_ensure(
                    key=f"{UNDERESTIMATED_KIND}:{row.event.pk}:p{row.suggestion.level}:{recipient.pk}",
                    kind=UNDERESTIMATED_KIND, recipient=recipient, due_on=today, case_number=analysis.reference,
                    path=path,
                )
                if new:
                    created.append(reminder)
    return created
