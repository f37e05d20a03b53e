"""The Celery app; configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nav_sikkerhet.settings")

app = Celery("nav_sikkerhet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id's signal handlers (the web app loads them with its middleware; the worker needs them too).
from nav_sikkerhet.core import logcontext  # noqa: E402, F401


@signals.worker_init.connect
def _serve_metrics(**_kwargs):
    """The worker's metrics on METRICS_PORT (NAIS scrapes it), all prefork children's added up."""
    port = os.environ.get("METRICS_PORT")
    if not port:
        return
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = REGISTRY
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    start_http_server(int(port), registry=registry)
