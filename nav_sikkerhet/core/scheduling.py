"""The daily sweep: jobs the apps register, reminder kinds and their texts, and safe enqueueing.

The schedule itself is in settings.CELERY_BEAT_SCHEDULE; without Redis, `manage.py
run_scheduled_jobs` (from cron) runs the same sweep once.
"""

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from . import metrics

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderKind:
    """The e-mail texts of one kind of reminder; %(case)s, %(due)s and %(url)s are filled in, and whatever
    ``values`` gives for the object when the e-mail is sent (e.g. a count)."""

    kind: str
    subject: str
    body: str
    # Whether the reminder still needs doing, given the case number's object id; checked by the sweep.
    still_relevant: Callable[[int], bool]
    values: Callable[[int], dict] | None = None


REMINDER_KINDS: dict[str, ReminderKind] = {}
JOBS: list[Callable[[datetime.date], None]] = []


def register_reminder_kind(kind: ReminderKind) -> None:
    REMINDER_KINDS[kind.kind] = kind


def register_job(job: Callable[[datetime.date], None]) -> None:
    if job not in JOBS:
        JOBS.append(job)


def enqueue(task, *args) -> bool:
    """Queue a task; never let a broker outage reach the user. The next sweep picks up what failed."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 – Redis down, or an eager task failing: both wait for the next sweep
        logger.warning("Could not run or queue %s; the next sweep will pick it up", task.name, exc_info=True)
        return False
    return True


def queue_reminder(reminder_id: int) -> bool:
    """Queue the reminder's e-mail once: not again while that task waits (the sweep may run more often than the
    queue empties, and two beats may run it at once)."""
    from . import services, tasks

    marked_at = services.reminder_mark_queued(reminder_id=reminder_id)
    if marked_at is None:
        return False
    if enqueue(tasks.send_reminder, reminder_id):
        return True
    services.reminder_unmark_queued(reminder_id=reminder_id, marked_at=marked_at)
    return False


@dataclass
class SweepResult:
    jobs: int = 0
    queued: int = 0
    closed: int = 0


def run_sweep(today: datetime.date | None = None) -> SweepResult:
    """Run every registered job, close reminders that no longer apply, and queue unsent e-mails."""
    from . import services

    today = today or timezone.localdate()
    started = time.perf_counter()
    result = SweepResult()
    for job in JOBS:
        job(today)
        result.jobs += 1
    result.closed = services.reminders_close_moot()
    # Not those closed before their e-mail went out (moot, or ticked off), those a sender holds (it retries by
    # itself; a dead sender's claim runs out for a later sweep), nor those whose task already waits in the queue.
    for reminder_id in services.reminders_to_queue().values_list("pk", flat=True):
        result.queued += queue_reminder(reminder_id)
    metrics.SWEEP_SECONDS.observe(time.perf_counter() - started)
    metrics.SWEEP_ITEMS_DUE.set(result.queued)
    return result
