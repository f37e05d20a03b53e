"""Celery tasks of the decisions app: they take ids, call services and may run twice (each is idempotent)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services
from .models import LetterStatus

LETTER_MAX_RETRIES = 5
LETTER_BACKOFF_SECONDS = 30
LETTER_BACKOFF_MAX_SECONDS = 30 * 60


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=LETTER_BACKOFF_SECONDS,
    retry_backoff_max=LETTER_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=LETTER_MAX_RETRIES,
)
def generate_letter(self, letter_id: int) -> str:
    """Render and archive one letter. A ready letter is left alone; a failed one is retried with backoff.

    Run eagerly (no REDIS_URL) the retry is left to the user's retry button: an in-process retry would
    only make the person waiting for the page wait longer.
    """
    letter = services.letter_generate(letter_id=letter_id)
    if letter.status == LetterStatus.FAILED and not self.request.is_eager and self.request.retries < self.max_retries:
        countdown = min(LETTER_BACKOFF_SECONDS * 2**self.request.retries, LETTER_BACKOFF_MAX_SECONDS)
        raise self.retry(countdown=countdown)
    return letter.status
