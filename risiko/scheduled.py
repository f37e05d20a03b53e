"""The ROS analyses' scheduled jobs: measures past their due date, and analyses due for review."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import scheduling

from . import rules, selectors, services
from .models import Analysis, AnalysisStatus, Event, Measure


def ros_reminders(today: datetime.date) -> None:
    """Each measure past its date and each analysis near or past its review date, once per threshold."""
    services.remind_overdue_measures(today=today)
    services.remind_reviews(today=today)
    services.remind_underestimated(today=today)


def _measure_overdue(measure_id: int) -> bool:
    measure = Measure.objects.select_related("event__analysis").filter(pk=measure_id).first()
    return (measure is not None and rules.measure_overdue(measure, timezone.localdate())
            and measure.event.analysis.status != AnalysisStatus.SUPERSEDED)


def _review_due(analysis_id: int) -> bool:
    # A new version approved, or the review date moved on by a revision: the reminder has been answered.
    analysis = Analysis.objects.filter(pk=analysis_id, status=AnalysisStatus.APPROVED).first()
    return analysis is not None and rules.review_threshold(analysis.next_review_on, timezone.localdate()) is not None


def _still_underestimated(event_id: int) -> bool:
    # Answered by a higher probability in a new version (this one superseded), or by fewer incidents since.
    event = Event.objects.select_related("analysis__matrix").filter(pk=event_id).first()
    if event is None or event.analysis.status != AnalysisStatus.APPROVED:
        return False
    return any(row.event.pk == event_id
               for row in selectors.underestimated_events(event.analysis, timezone.localdate()))


def _event_values(event_id: int) -> dict:
    return {"event": Event.objects.filter(pk=event_id).values_list("title", flat=True).first() or "?"}


REMINDER_KINDS = [
    scheduling.ReminderKind(
        services.MEASURE_OVERDUE_KIND,
        _("ROS analysis %(case)s: a measure is past its due date"),
        _("A measure in the ROS analysis %(case)s was due on %(due)s and is not done. Follow it up, or record "
          "that it is done.\n\nOpen the analysis: %(url)s"),
        _measure_overdue,
    ),
    scheduling.ReminderKind(
        services.REVIEW_DUE_KIND,
        _("ROS analysis %(case)s is due for review on %(due)s"),
        _("The ROS analysis %(case)s is to be reviewed by %(due)s. Make a new version, go through the events with "
          "the unit, and have it approved.\n\nOpen the analysis: %(url)s"),
        _review_due,
    ),
    scheduling.ReminderKind(
        services.REVIEW_OVERDUE_KIND,
        _("ROS analysis %(case)s: the review date %(due)s has passed"),
        _("The ROS analysis %(case)s was to be reviewed by %(due)s. Make a new version, go through the events with "
          "the unit, and have it approved.\n\nOpen the analysis: %(url)s"),
        _review_due,
    ),
    scheduling.ReminderKind(
        services.UNDERESTIMATED_KIND,
        _("ROS analysis %(case)s: the incidents suggest a higher probability for «%(event)s»"),
        _("The unit's incidents of the last 12 months, in the ASYS categories and channels of the event "
          "«%(event)s», point to a higher probability than the ROS analysis %(case)s states. Review the event "
          "with the unit: make a new version of the analysis and assess it again.\n\nOpen the analysis: %(url)s"),
        _still_underestimated,
        _event_values,
    ),
]

JOBS = [ros_reminders]


def register() -> None:
    for kind in REMINDER_KINDS:
        scheduling.register_reminder_kind(kind)
    for job in JOBS:
        scheduling.register_job(job)
