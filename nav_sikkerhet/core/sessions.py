"""Database sessions whose save at the end of a request survives the connection being ended meanwhile.

The view has done its work (a registration committed) when the session is saved; answering 503 "nothing was
saved" then was wrong, and the person registered the incident a second time (the failover bench found one).
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import InterfaceError, OperationalError, connections, router


def _connection_lost(error) -> bool:
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


class SessionStore(DatabaseSessionStore):
    def save(self, must_create=False):
        try:
            return super().save(must_create=must_create)
        except Exception as error:
            connection = connections[router.db_for_write(self.model, instance=None)]
            if not _connection_lost(error) or connection.in_atomic_block:
                raise
            # Saving a session again is harmless: the same row, or (when creating) a new key if the first landed.
            connection.close()
            return super().save(must_create=must_create)
