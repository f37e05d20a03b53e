"""A registration begun elsewhere (a breach at reception) arrives pre-filled.

The data waits in the staff member's session under a random token, so no personal data travels in a URL.
"""

import datetime
import secrets

from django.utils import timezone

SESSION_KEY = "hendelser.prefill"
# Only the last few: a staff member rarely has more than one registration open at a time.
KEEP = 5


def store(session, *, unit_id: int, occurred_at: datetime.datetime, channel: str, description: str,
          citizen_id: int | None = None, breach_id: int | None = None) -> str:
    token = secrets.token_urlsafe(12)
    drafts = dict(list(session.get(SESSION_KEY, {}).items())[-(KEEP - 1):])
    drafts[token] = {
        "unit_id": unit_id,
        "citizen_id": citizen_id,
        # The breach the registration comes from: the incident is linked to it when saved.
        "breach_id": breach_id,
        "occurred_at": timezone.localtime(occurred_at).isoformat(timespec="minutes"),
        "channel": channel,
        "description": description,
    }
    session[SESSION_KEY] = drafts
    return token


def get(session, token: str | None) -> dict | None:
    if not token:
        return None
    draft = session.get(SESSION_KEY, {}).get(token)
    if draft is None:
        return None
    return {**draft, "occurred_at": datetime.datetime.fromisoformat(draft["occurred_at"])}


def discard(session, token: str) -> None:
    drafts = dict(session.get(SESSION_KEY, {}))
    if drafts.pop(token, None) is not None:
        session[SESSION_KEY] = drafts
