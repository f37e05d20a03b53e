"""Celery tasks of the incidents app: they take ids, call services and may run twice (each is idempotent)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=30, max_retries=5)
def generate_warning_letter(letter_id: int) -> str:
    """Render and archive one written warning's letter; a ready letter is left alone."""
    return services.warning_letter_generate(letter_id=letter_id).status
