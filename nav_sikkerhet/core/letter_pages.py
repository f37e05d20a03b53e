"""An archived letter's status page and its checked download, shared by the decision and the warning letters.

Each app's view keeps its own selector (the access check), its audit line, its URL names and its retry rule.
"""

import hashlib
import io
import logging
from collections.abc import Callable

from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .models import ArchivedLetter, LetterStatus

logger = logging.getLogger(__name__)

# Seconds between reloads of the status page while a letter is being produced.
REFRESH_SECONDS = 2


def status_page(request, letter: ArchivedLetter, *, template: str, context: dict, may_retry: bool,
                download_url: str, retry_url: str, download_kind: str, problem: str = "") -> HttpResponse:
    """Pending (reloading itself), ready (with its link) or failed (with a retry button when allowed)."""
    response = render(request, template, {
        **context,
        "letter": letter,
        "problem": problem,
        "may_retry": may_retry,
        "retry_allowed": letter.retry_allowed,
        "download_url": download_url,
        "download_kind": download_kind,
        "retry_url": retry_url,
        "Status": LetterStatus,
    })
    if letter.status == LetterStatus.PENDING and not problem:
        # Reload until the letter is ready: no script needed (and none allowed by the CSP).
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def checked_download(letter: ArchivedLetter, *, status_url: str, page: Callable[[str], HttpResponse],
                     audit: Callable[[], None], filename: str) -> HttpResponse:
    """The archived PDF exactly as stored, if its SHA-256 still matches; else the status page with the problem.

    `page(problem)` renders the status page; `audit()` writes the audit line, only when the file is handed out.
    """
    if letter.status != LetterStatus.READY:
        return redirect(status_url)
    label = letter._meta.label  # e.g. hendelser.WarningLetter: logs stay in English
    try:
        with letter.file.open("rb") as stored:
            content = stored.read()
    except OSError:
        logger.exception("Archived %s %s could not be read", label, letter.pk)
        return page(_("The archived file could not be read."))
    if hashlib.sha256(content).hexdigest() != letter.sha256:
        logger.error("Archived %s %s does not match its SHA-256", label, letter.pk)
        return page(_("The archived file does not match its checksum and is not shown."))
    audit()
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type="application/pdf")
