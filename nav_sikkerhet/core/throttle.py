"""Throttling of look-ups and searches: per staff member on the web, per key on the API (django-ratelimit).

Counters live in the "ratelimit" cache: Redis where REDIS_URL is set, else the database cache table (its
increment is not atomic, so under heavy concurrency a few extra look-ups may slip through; acceptable for
the fallback). A cache that is down lets look-ups through with a warning: reception must always be able
to check whether a person is excluded.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

LOOKUP_GROUP = "lookup"
API_GROUP = "api"


@dataclass(frozen=True)
class Throttled:
    """Over the limit: ``limit`` look-ups are allowed per window; a new window opens in ``retry_after`` seconds."""

    limit: int
    retry_after: int


def hit(request, *, group: str, key: str, rate: str) -> Throttled | None:
    """Count one look-up for the key; None while within the rate, else how long to wait."""
    try:
        usage = get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=True)
    except Exception:  # noqa: BLE001 – the cache is down: let the look-up through rather than block the desk
        logger.warning("Throttle cache unavailable; %s not throttled", group, exc_info=True)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    return Throttled(limit=usage["limit"], retry_after=max(1, int(usage["time_left"])))


def lookup_hit(request) -> Throttled | None:
    """One look-up or search by the signed-in staff member."""
    return hit(request, group=LOOKUP_GROUP, key=f"user:{request.user.pk}", rate=settings.LOOKUP_RATE)


def api_hit(request, *, api_key_id: int) -> Throttled | None:
    """One call with an integrating system's key."""
    return hit(request, group=API_GROUP, key=f"key:{api_key_id}", rate=settings.API_RATE)
