"""The web workers' loaded code out of the garbage collector's way."""

import gc


def freeze_after_startup() -> None:
    """Load every view module now and move all objects made so far to the collector's permanent generation.

    A full collection otherwise walks the loaded code's some 200,000 objects, which never become garbage: on the
    ten-year statistics page it ran about every seventh request and added about 110 ms (docs/performance.md).
    Called once per process, by the WSGI application (and the benches, which stand in for it).
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views, as the first request would
    gc.collect()
    gc.freeze()
