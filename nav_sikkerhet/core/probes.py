"""The platform's probes (NAIS): liveness and readiness, answered without a session, audit line or redirect."""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.views.decorators.http import require_safe

# Once every migration is applied it stays so for this process: the plan is not worked out again per probe.
_migrated = False


def _migrations_pending() -> bool:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return not _migrated


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@require_safe
def isalive(request):
    """The process answers: nothing else, so a database outage restarts no pod."""
    return _plain("alive", 200)


@require_safe
def isready(request):
    """Ready for traffic: the database answers and every migration is applied."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if _migrations_pending():
            return _plain("migrations pending", 503)
    except DatabaseError:
        # A dead connection must not stay in this thread for the next probe.
        connection.close_if_unusable_or_obsolete()
        return _plain("database unreachable", 503)
    return _plain("ready", 200)
