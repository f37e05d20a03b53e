"""Rules that need the acting user or other objects, and the matrix arithmetic. No database writes here."""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hendelser.models import Category as Asys
from hendelser.models import Channel
from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from utestenging import reasons

from .models import LEVELS, AnalysisStatus, Zone

# Incidents of this many days back ground an event's probability.
INCIDENT_WINDOW_DAYS = 365
# An approved analysis is due for review this many days before its review date (and again once it is past).
REVIEW_NOTICE_DAYS = 30


def default_cells() -> list[list[str]]:
    """The default matrix, which reproduces the Hordaland/Bergen report's red list exactly: red for consequence
    4–5 at any probability, consequence 3 from monthly, consequence 2 only daily; yellow where measures must be
    considered; green where the risk is not significant."""
    cells = []
    for p in LEVELS:
        row = []
        for c in LEVELS:
            if c >= 4 or (c == 3 and p >= 3) or (c == 2 and p == 5):
                row.append(Zone.RED)
            elif c + p >= 5 or c == 3:
                row.append(Zone.YELLOW)
            else:
                row.append(Zone.GREEN)
        cells.append(row)
    return cells


def zone_of(cells: list[list[str]], probability: int, consequence: int) -> str:
    """The zone of a cell of a matrix (cells[probability - 1][consequence - 1])."""
    return cells[probability - 1][consequence - 1]


def event_zones(cells, event) -> tuple[str, str | None]:
    """The event's zone before measures, and after (None until the residual risk is assessed)."""
    before = zone_of(cells, event.probability, event.consequence)
    after = zone_of(cells, event.residual_probability, event.residual_consequence) if event.has_residual else None
    return before, after


@dataclass(frozen=True)
class ZoneChange:
    """An event whose zone differs on another matrix: before measures, and after (None: not assessed)."""

    title: str
    before: tuple[str, str]
    after: tuple[str | None, str | None]


def zone_changes(old_cells, new_cells, events) -> list[ZoneChange]:
    """The events that land in another zone on new_cells than on old_cells, in the events' order."""
    changes = []
    for event in events:
        (old_before, old_after), (new_before, new_after) = event_zones(old_cells, event), event_zones(new_cells,
                                                                                                    event)
        if (old_before, old_after) != (new_before, new_after):
            changes.append(ZoneChange(event.title, (old_before, new_before), (old_after, new_after)))
    return changes


def require_known_region(region: str, regions) -> None:
    """A matrix is set for a region the units are in: a misspelt region would silently apply to no unit."""
    if region and region not in set(regions):
        raise ValidationError({"region": _("No unit is in the region «%(region)s». Write it as the units have "
                                           "it.") % {"region": region}})


def incident_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(days=INCIDENT_WINDOW_DAYS - 1), today


def mapped_incident_count(profile, categories, channels) -> int | None:
    """How many of the unit's incidents are this event: those in any of its ASYS categories (main or other) and,
    if it names channels, in one of them. None for an event not mapped to ASYS (no count is better than the
    broad category's, which would count every threat as a phone threat)."""
    if not categories:
        return None
    wanted, where = set(categories), set(channels)
    return sum(n for incident_categories, channel, n in profile
               if incident_categories & wanted and (not where or channel in where))


def mapping_label(categories, channels) -> str:
    """«Threatening behaviour or threat × Phone», in the order of the ASYS lists."""
    what = ", ".join(str(Asys(c).label) for c in Asys.values if c in categories)
    if not channels:
        return what
    return f"{what} × " + ", ".join(str(Channel(c).label) for c in Channel.values if c in channels)


@dataclass(frozen=True)
class Suggestion:
    """What the incidents say about an event's probability, and why."""

    level: int
    count: int
    threshold: int


def suggested_level(thresholds: list[int], count: int) -> int:
    """The highest probability level whose fewest incidents a year the count reaches."""
    return max(level for level, fewest in zip(LEVELS, thresholds, strict=True) if count >= fewest)


def probability_suggestion(*, stated: int, count: int | None, thresholds: list[int]) -> Suggestion | None:
    """A higher probability than stated, when the last 12 months' incidents reach its threshold; else None."""
    if count is None:
        return None
    level = suggested_level(thresholds, count)
    if level <= stated:
        return None
    return Suggestion(level=level, count=count, threshold=thresholds[level - 1])


def review_threshold(next_review_on: datetime.date | None, today: datetime.date) -> str | None:
    """"due" from 30 days before the review date, "overdue" once it is past, None before."""
    if next_review_on is None:
        return None
    if next_review_on < today:
        return "overdue"
    if next_review_on - today <= datetime.timedelta(days=REVIEW_NOTICE_DAYS):
        return "due"
    return None


def measure_overdue(measure, today: datetime.date) -> bool:
    return measure.is_open and measure.due_on < today


# -- who may do what ---------------------------------------------------------------------------------------------


def may_view(user, analysis) -> bool:
    """The unit's leaders, HMS and safety representative, and the region's security officer; templates for
    everyone who works with ROS anywhere."""
    if analysis.is_template:
        return access.has_perm_anywhere(user, Perm.VIEW_ROS)
    return access.has_unit_perm(user, Perm.VIEW_ROS, analysis.unit)


def may_manage_unit(user, unit) -> bool:
    return unit is not None and access.has_unit_perm(user, Perm.MANAGE_ROS, unit)


def may_edit(user, analysis) -> bool:
    """Events, causes and the analysis' details change only while it is a draft."""
    return (not analysis.is_template and analysis.status == AnalysisStatus.DRAFT
            and may_manage_unit(user, analysis.unit))


def may_follow_up(user, analysis) -> bool:
    """Measures are added and followed up in a draft and in the analysis in force."""
    return (not analysis.is_template and analysis.status in (AnalysisStatus.DRAFT, AnalysisStatus.APPROVED)
            and may_manage_unit(user, analysis.unit))


def may_approve(user, analysis) -> bool:
    """Only the unit's leader or acting leader approves (a superuser account alone is not enough)."""
    return (not analysis.is_template and analysis.status == AnalysisStatus.DRAFT
            and access.is_unit_leader(user, analysis.unit))


def may_revise(user, analysis) -> bool:
    return (not analysis.is_template and analysis.status == AnalysisStatus.APPROVED
            and may_manage_unit(user, analysis.unit))


def require_may_manage_unit(user, unit) -> None:
    if not may_manage_unit(user, unit):
        raise PermissionDenied(_("You may not maintain ROS analyses in this unit."))


def require_may_edit(user, analysis) -> None:
    if not may_manage_unit(user, analysis.unit):
        raise PermissionDenied(_("You may not maintain ROS analyses in this unit."))
    if not may_edit(user, analysis):
        raise ValidationError(_("Only a draft can be changed. Make a new version of the analysis to revise it."),
                              code="not_draft")


def require_may_follow_up(user, analysis) -> None:
    if not may_manage_unit(user, analysis.unit):
        raise PermissionDenied(_("You may not maintain ROS analyses in this unit."))
    if not may_follow_up(user, analysis):
        raise ValidationError(_("Measures of a superseded analysis can no longer be changed."), code="superseded")


def require_may_approve(user, analysis) -> None:
    if not access.is_unit_leader(user, analysis.unit):
        raise PermissionDenied(_("Only the unit's leader or acting leader may approve the analysis."))


def staff_of(unit, users) -> set[int]:
    """Of these users, the ids of those who work in the unit (hold a role there) and can log in: one query."""
    ids = {user.pk for user in users if user and user.is_active}
    if not ids:
        return set()
    return set(type(next(u for u in users if u)).objects.filter(pk__in=ids, role_assignments__unit=unit)
               .values_list("pk", flat=True))


def responsible_fits(responsible, unit) -> bool:
    """A measure's responsible person works in the analysis' unit (holds a role there) and can log in."""
    return bool(responsible) and responsible.pk in staff_of(unit, [responsible])


def require_responsible_fits(responsible, unit) -> None:
    if not responsible_fits(responsible, unit):
        raise ValidationError({"responsible": _("Choose a responsible person who works in %(unit)s.")
                               % {"unit": unit.name}})


def require_room_for_events(count: int) -> None:
    """An analysis holds at most ROS_MAX_EVENTS events: beyond that it is no longer read (nor printed) whole."""
    if count > settings.ROS_MAX_EVENTS:
        raise ValidationError(
            {"events": _("An analysis holds at most %(max)d unwanted events (this one would have %(count)d). "
                         "Split it, or merge events that are alike.") % {"max": settings.ROS_MAX_EVENTS,
                                                                         "count": count}},
            code="too_many_events")


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day so many months later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Problem:
    """One reason the analysis cannot be approved yet, and where it is fixed: the details form ("details"), the
    events table ("events") or one event's row ("event", with its id)."""

    code: str
    message: str
    fix: str
    event_id: int | None = None


def is_named(text: str) -> bool:
    """A person's full name (or a list of names), not a placeholder such as "x" or a role alone."""
    said = reasons.normal(text)
    return len(said.split()) >= 2 and said not in reasons.placeholders()


def red_without_answer(cells, events) -> list:
    """The red events (before measures) with neither a measure nor an acceptance that holds for their levels.
    Each event carries ``measure_count`` and ``acceptance`` (or None)."""
    return [
        event for event in events
        if zone_of(cells, event.probability, event.consequence) == Zone.RED and not event.measure_count
        and not _accepted(event)
    ]


def _accepted(event) -> bool:
    acceptance = getattr(event, "acceptance", None)  # Django raises, rather than answer None, when there is none
    return acceptance is not None and acceptance.holds_for(event)


def approval_problems(*, analysis, events, cells, today: datetime.date) -> list[Problem]:
    """Everything that stands between the draft and approval, each with where it is fixed; empty when it may be
    approved. ``events`` as for :func:`red_without_answer`, with ``as_in_template``."""
    problems = []
    if not events:
        problems.append(Problem("events", str(_("Add at least one unwanted event before approving.")), "events"))
    for event in red_without_answer(cells, events):
        problems.append(Problem("red_events", str(
            _("«%(event)s» is in the red zone: add a measure, or the head of unit records why the risk is accepted.")
            % {"event": event.title}), "event", event.pk))
    unconfirmed = [event for event in events if event.as_in_template]
    if unconfirmed:
        problems.append(Problem("template_events", str(ngettext(
            "%(count)d event is still as in the template: confirm that it fits your unit, or change it.",
            "%(count)d events are still as in the template: confirm that each fits your unit, or change it.",
            len(unconfirmed)) % {"count": len(unconfirmed)}), "event", unconfirmed[0].pk))
    if not is_named(analysis.participants):
        problems.append(Problem("participants", str(
            _("Name the participants of the analysis (leaders, staff, HMS).")), "details"))
    if not is_named(analysis.safety_representative):
        problems.append(Problem("safety_representative", str(
            _("Name the safety representative who took part, with full name.")), "details"))
    latest = months_later(today, settings.ROS_REVIEW_MAX_MONTHS)
    if analysis.next_review_on is None:
        problems.append(Problem("next_review_on", str(_("Set the date of the next review before approving.")),
                                "details"))
    elif analysis.next_review_on > latest:
        problems.append(Problem("next_review_on", str(_(
            "The next review must be at most %(months)d months away (by %(date)s) before the analysis is approved."
        ) % {"months": settings.ROS_REVIEW_MAX_MONTHS, "date": latest.strftime("%d.%m.%Y")}), "details"))
    return problems


def require_approvable(problems: list[Problem]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.code, []).append(problem.message)
        raise ValidationError(errors, code="not_approvable")


def may_accept_risk(user, analysis) -> bool:
    """Accepting a red risk without a measure is the head of unit's (or acting head's) call, in a draft."""
    return may_approve(user, analysis)


def require_may_accept_risk(user, analysis) -> None:
    if not access.is_unit_leader(user, analysis.unit):
        raise PermissionDenied(_("Only the unit's leader or acting leader may accept a risk."))
    if not may_accept_risk(user, analysis):
        raise ValidationError(_("Only a draft can be changed. Make a new version of the analysis to revise it."),
                              code="not_draft")
