"""Celery tasks take ids, call services and may run twice: each is idempotent."""

import smtplib

from celery import shared_task

from . import scheduling, services


@shared_task(acks_late=True)
def run_daily_sweep() -> dict:
    return vars(scheduling.run_sweep())


@shared_task(
    bind=True, acks_late=True, autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=30,
    retry_backoff_max=3600, retry_jitter=True, max_retries=10,
)
def send_reminder(self, reminder_id: int) -> bool:
    return services.reminder_send(reminder_id=reminder_id)
