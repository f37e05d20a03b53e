"""Test helpers for Celery."""

import contextlib

from nav_sikkerhet import celery_app


@contextlib.contextmanager
def celery_config(**changes):
    """Change the Celery app's configuration for a block, and restore it after.

    The app reads Django's CELERY_* settings once, so the ``settings`` fixture cannot change it.
    Connections, the producer pool and the queue declarations are cached from the configuration,
    so they are dropped both ways.
    """

    def apply(values):
        celery_app.conf.update(values)
        celery_app._pool = None  # kombu's shared pool for the old URL stays open for whoever uses it
        celery_app.__dict__.pop("amqp", None)

    saved = {key: celery_app.conf[key] for key in changes}
    apply(changes)
    try:
        yield celery_app
    finally:
        apply(saved)
