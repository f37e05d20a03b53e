"""Celery tasks of the incidents app: they take ids, call services and may run twice (each is idempotent)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services
from .models import WarningLetterStatus

LETTER_MAX_RETRIES = 5
LETTER_BACKOFF_SECONDS = 30
LETTER_BACKOFF_MAX_SECONDS = 30 * 60


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=LETTER_BACKOFF_SECONDS, retry_backoff_max=LETTER_BACKOFF_MAX_SECONDS, retry_jitter=True,
             max_retries=LETTER_MAX_RETRIES)
def generate_warning_letter(self, letter_id: int) -> str:
    """Render and archive one written warning's letter; a ready letter is left alone, a failed one retried.

    As the decision letters: run eagerly (no REDIS_URL), the retry is left to the sweep and the retry button.
    """
    letter = services.warning_letter_generate(letter_id=letter_id)
    retries = self.request.retries
    if letter.status == WarningLetterStatus.FAILED and not self.request.is_eager and retries < self.max_retries:
        raise self.retry(countdown=min(LETTER_BACKOFF_SECONDS * 2**self.request.retries, LETTER_BACKOFF_MAX_SECONDS))
    return letter.status
