"""Celery tasks take ids, call services and may run twice: each is idempotent."""

import smtplib

from celery import shared_task, signals
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from . import metrics, scheduling, services

# The longest wait before a retry of a reminder e-mail; the broker's visibility timeout must exceed it.
REMINDER_RETRY_BACKOFF_MAX = 3600


# A sweep whose database connection dropped (failover) runs again within a minute, not at the next hour.
SWEEP_RETRY_BACKOFF = 5
SWEEP_MAX_RETRIES = 6


@shared_task(acks_late=True)
def apply_retention() -> dict:
    """The nightly retention run; idempotent, so a run twice (or redelivered) removes nothing more."""
    return services.retention_run()


@shared_task(
    acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=SWEEP_RETRY_BACKOFF,
    retry_backoff_max=60, retry_jitter=False, max_retries=SWEEP_MAX_RETRIES,
)
def run_daily_sweep() -> dict:
    try:
        return vars(scheduling.run_sweep())
    except (OperationalError, InterfaceError):
        metrics.SWEEP_FAILURES.inc()
        raise


@shared_task(
    bind=True, acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError, SoftTimeLimitExceeded, OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=REMINDER_RETRY_BACKOFF_MAX, retry_jitter=True, max_retries=10,
    soft_time_limit=services.REMINDER_SEND_SOFT_TIME_LIMIT, time_limit=services.REMINDER_SEND_TIME_LIMIT,
)
def send_reminder(self, reminder_id: int) -> bool:
    sent = services.reminder_send(reminder_id=reminder_id)
    if not sent and not self.request.is_eager:
        # Held by a sender that may have died after the mail server took the message: try again as soon as
        # the claim runs out (minutes, not the next hourly sweep). The stable Message-ID makes a resend the
        # same message to the recipient's mail system.
        wait = services.reminder_claim_remaining(reminder_id=reminder_id)
        if wait is not None:
            raise self.retry(countdown=wait + 1)
    return sent


@signals.task_retry.connect
def _count_reminder_retry(sender=None, **_kwargs):
    if sender is not None and sender.name == send_reminder.name:
        metrics.REMINDERS_RETRIED.inc()
