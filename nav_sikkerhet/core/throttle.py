"""Throttling of look-ups and searches: per staff member on the web, per key on the API (django-ratelimit).

Counters live in the "ratelimit" cache: Redis where REDIS_URL is set, else the database cache table (its
increment is not atomic, so under heavy concurrency a few extra look-ups may slip through; acceptable for
the fallback). A cache that is down lets look-ups through with a warning: reception must always be able
to check whether a person is excluded.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit import ALL
from django_ratelimit.core import EXPIRATION_FUDGE, _get_window, _make_cache_key, _split_rate, get_usage

from . import metrics
from .services import audit_search_record

logger = logging.getLogger(__name__)

LOOKUP_GROUP = "lookup"
API_GROUP = "api"


@dataclass(frozen=True)
class Throttled:
    """Over the limit: ``limit`` look-ups are allowed per window; a new window opens in ``retry_after`` seconds."""

    limit: int
    retry_after: int


# Count and start the window's expiry in one atomic step: one Redis round trip per look-up, where
# django-ratelimit's get_usage makes three (ADD, then Django's incr: EXISTS and INCRBY) after a window's first.
_COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


def _write_client(cache):
    """The cache's Redis client for writing, made once: Django makes a new one per call, and making one (its table
    of response callbacks) costs more than the round trip. Its connection pool is the cache's own."""
    client = getattr(cache._cache, "_throttle_write_client", None)
    if client is None:
        client = cache._cache._throttle_write_client = cache._cache.get_client(write=True)
    return client


def _usage(request, *, group: str, key: str, rate: str) -> dict | None:
    """django-ratelimit's get_usage (same keys, windows and answer) in one round trip when the counters are in
    Redis; the database cache of development goes through get_usage itself."""
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    if not isinstance(cache, RedisCache) or not getattr(settings, "RATELIMIT_ENABLE", True):
        return get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=True)
    limit, period = _split_rate(rate)
    window = _get_window(key, period)
    cache_key = cache.make_and_validate_key(_make_cache_key(group, window, rate, key, ALL))
    count = _write_client(cache).eval(_COUNT_SCRIPT, 1, cache_key, period + EXPIRATION_FUDGE)
    return {"count": count, "limit": limit, "should_limit": count > limit, "time_left": window - int(time.time())}


def hit(request, *, group: str, key: str, rate: str) -> Throttled | None:
    """Count one look-up for the key; None while within the rate, else how long to wait."""
    try:
        usage = _usage(request, group=group, key=key, rate=rate)
    except Exception:  # noqa: BLE001 – the cache is down: let the look-up through rather than block the desk
        logger.warning("Throttle cache unavailable; %s not throttled", group, exc_info=True)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    metrics.THROTTLE_REFUSALS.labels(group=group).inc()
    return Throttled(limit=usage["limit"], retry_after=max(1, int(usage["time_left"])))


def lookup_hit(request) -> Throttled | None:
    """One look-up or search by the signed-in staff member."""
    return hit(request, group=LOOKUP_GROUP, key=f"user:{request.user.pk}", rate=settings.LOOKUP_RATE)


def api_hit(request, *, api_key_id: int) -> Throttled | None:
    """One call with an integrating system's key."""
    return hit(request, group=API_GROUP, key=f"key:{api_key_id}", rate=settings.API_RATE)


def throttled_response(request, throttled: Throttled, template: str, context: dict):
    """The page again with the refusal on it (``throttled`` in the context), 429 with Retry-After, and an audit
    line: the same answer wherever staff look people up."""
    audit_search_record(
        actor=request.user, shown=[], action="lookup.throttled",
        message=gettext_lazy("Look-up refused: over the limit of %(limit)s look-ups"),
        message_args={"limit": throttled.limit}, request=request,
    )
    context["throttled"] = _(
        "You have made many look-ups in a short time (the limit is %(limit)s). Wait %(seconds)s seconds and "
        "try again. If you need more, contact your leader."
    ) % {"limit": throttled.limit, "seconds": throttled.retry_after}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(throttled.retry_after)
    return response
