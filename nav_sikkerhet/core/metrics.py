"""The app's own Prometheus metrics, and the export view at /internal/metrics.

Requests, latency and database time come from django-prometheus (its middleware and database backend); cache
time from TimedRedisCache below. Under gunicorn and Celery's prefork pool, PROMETHEUS_MULTIPROC_DIR makes every
process write its counters to files that the export adds up (prometheus_client's multiprocess mode).
"""

import os
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REMINDERS_SENT = Counter("nav_sikkerhet_reminders_sent", "Reminder e-mails the mail server accepted.")
REMINDERS_FAILED = Counter("nav_sikkerhet_reminders_failed", "Reminder e-mails that failed to send.")
REMINDERS_RETRIED = Counter("nav_sikkerhet_reminders_retried", "Reminder e-mail tasks queued again for a retry.")
SWEEP_SECONDS = Histogram(
    "nav_sikkerhet_sweep_duration_seconds", "How long one sweep takes.", buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900),
)
SWEEP_ITEMS_DUE = Gauge(
    "nav_sikkerhet_sweep_items_due", "Reminder e-mails the latest sweep found unsent and queued.",
    multiprocess_mode="mostrecent",
)
SWEEP_FAILURES = Counter("nav_sikkerhet_sweep_failures", "Sweeps that stopped on an error (and are retried).")
LETTERS_RENDERED = Counter("nav_sikkerhet_letters_rendered", "Letters rendered to PDF, by outcome.", ["outcome"])
LOOKUPS = Counter("nav_sikkerhet_lookups", "Reception and contact centre look-ups answered.")
THROTTLE_REFUSALS = Counter("nav_sikkerhet_throttle_refusals", "Look-ups and API calls refused by the throttle.",
                            ["group"])
INCIDENTS_REGISTERED = Counter("nav_sikkerhet_incidents_registered", "Incidents registered.")
CACHE_SECONDS = Histogram(
    "nav_sikkerhet_cache_duration_seconds", "Time spent in Redis cache calls.", ["operation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1),
)

# Celery's default queue: a list in Redis under this key.
CELERY_QUEUE = "celery"


class CeleryQueueCollector:
    """The Celery queue's length, asked of Redis at scrape time (no process keeps it)."""

    def collect(self):
        if not settings.REDIS_URL:
            return
        import redis

        try:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
            length = client.llen(CELERY_QUEUE)
        except redis.RedisError:
            return
        family = GaugeMetricFamily("nav_sikkerhet_celery_queue_length", "Tasks waiting in the Celery queue.",
                                   labels=["queue"])
        family.add_metric([CELERY_QUEUE], length)
        yield family


class TimedRedisCache(RedisCache):
    """Django's Redis cache, timing each call (django-prometheus's own Redis backend needs django-redis)."""

    def _timed(self, operation, call, *args, **kwargs):
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            CACHE_SECONDS.labels(operation=operation).observe(time.perf_counter() - started)

    def get(self, *args, **kwargs):
        return self._timed("get", super().get, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._timed("set", super().set, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._timed("add", super().add, *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._timed("incr", super().incr, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._timed("delete", super().delete, *args, **kwargs)


_queue_registry = CollectorRegistry(auto_describe=True)
_queue_registry.register(CeleryQueueCollector())


def exposition() -> bytes:
    """Every metric in Prometheus's text format: this process's, or all processes' in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(_queue_registry)


def export(request):
    """GET /internal/metrics (answered by InternalEndpointsMiddleware, like the probes)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
