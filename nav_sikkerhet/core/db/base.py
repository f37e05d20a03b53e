"""PostgreSQL (timed by django-prometheus) that repeats a statement once on a fresh connection when the old one
was terminated (failover, maintenance) and repeating cannot write anything twice.

A request that held its connection across a termination (a slow sign-in, a letter preview) found it dead at its
next statement and answered 503, every time when terminations came every few seconds. Repeating is safe when:

- the statement is the first of a transaction (nothing of it reached the database, and it commits later); or
- it runs on its own (autocommit) and the server said it terminated the session (SQLSTATE 57P01-57P03), which it
  does before or instead of committing; or the connection broke and the statement only reads (SELECT).

Anything else (a later statement of a transaction, a write whose fate is unknown) raises as before: the
transaction is lost as a whole and the request answers 503 "try again" (core/views.py).

Where a new connection loses nothing (the same two places), one the server closed while it was idle is replaced
before the statement is sent: an idle connection has nothing to read, so a readable socket means the server's
"terminating connection" and its close. A write on its own then never meets a dead connection, whose fate would
be unknown (the failover bench: 15 of 40 look-ups answered 503 at their audit line).

It also offers a prepared cursor (``prepared_cursor``) for the few large statements run on every look-up and API
call: PostgreSQL plans them once per connection instead of on every call. A statement repeated on a new connection
runs unprepared.
"""

import contextlib
import logging
import select

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends import utils
from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
from django.db.backends.postgresql.base import CursorDebugWrapper as PostgresCursorDebugWrapper
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.utils.asyncio import async_unsafe
from django_prometheus.db.backends.postgresql import base as prometheus
from psycopg.pq import Format

logger = logging.getLogger(__name__)

# admin_shutdown (pg_terminate_backend, a failover), crash_shutdown, cannot_connect_now.
TERMINATED = {"57P01", "57P02", "57P03"}


def _lost(error, connection) -> bool:
    sqlstate = getattr(error.__cause__, "sqlstate", None) or ""
    return sqlstate in TERMINATED or sqlstate.startswith("08") or connection is None or connection.broken


def _reads_only(sql: str) -> bool:
    # A compound query (UNION, as the access checks make) starts with "(SELECT".
    return sql.lstrip(" \t\n(")[:6].upper() == "SELECT"


def _closed_by_server(connection) -> bool:
    """The server wrote to or closed this idle connection: after a termination, its FATAL message and EOF."""
    try:
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except Exception:  # noqa: BLE001 - psycopg already found it closed: the statement fails, and may be repeated
        return False


class RepeatOnceMixin:
    def _execute(self, sql, params, *ignored_wrapper_args):
        if self.db.may_replace_before(self.cursor) and _closed_by_server(self.db.connection):
            logger.warning("Database connection closed by the server while idle; using a new one")
            self.db.reconnect_in_place()
            self.cursor = self.db.create_cursor()
        try:
            result = super()._execute(sql, params, *ignored_wrapper_args)
        except (OperationalError, InterfaceError) as error:
            if not self.db.may_repeat(sql, error, self.cursor):
                self.db.statements_in_transaction += 1
                raise
            logger.warning("Database connection lost (%s); repeating the statement on a new one", error)
            self.db.reconnect_in_place()
            self.cursor = self.db.create_cursor()
            result = super()._execute(sql, params, *ignored_wrapper_args)
        except Exception:
            self.db.statements_in_transaction += 1
            raise
        self.db.statements_in_transaction += 1
        return result


class CursorWrapper(RepeatOnceMixin, utils.CursorWrapper):
    pass


class CursorDebugWrapper(RepeatOnceMixin, PostgresCursorDebugWrapper):
    pass


class PreparedCursor(ServerBindingCursor):
    """Binds parameters on the server and prepares each statement on its first use on a connection."""

    def execute(self, query, params=None, **kwargs):
        kwargs.setdefault("prepare", True)
        return super().execute(query, params, **kwargs)


# psycopg prepares nothing while a connection's threshold is None (Django's default, for transaction-mode poolers:
# behind one, DATABASE_PREPARED_STATEMENTS=false keeps it). With this one, only a PreparedCursor prepares: Django's
# own cursors bind on the client, which never prepares.
PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


class DatabaseOperations(PostgresOperations):
    def last_executed_query(self, cursor, sql, params):
        # A prepared statement's execution sends no text: the debug log and query captures show it composed.
        executed = super().last_executed_query(cursor, sql, params)
        return executed if executed is not None or params is None else self.compose_sql(sql, params)


class DatabaseWrapper(prometheus.DatabaseWrapper):
    ops_class = DatabaseOperations
    statements_in_transaction = 0

    def get_connection_params(self):
        params = super().get_connection_params()
        if params.get("prepare_threshold") is None and settings.DATABASE_PREPARED_STATEMENTS:
            params["prepare_threshold"] = PREPARE_ONLY_WHEN_ASKED
        return params

    @async_unsafe
    def prepared_cursor(self):
        """A cursor whose statements PostgreSQL parses and plans once per connection: for the few large statements
        that every look-up and API call runs, where planning costs more than running (docs/performance.md)."""
        if not settings.DATABASE_PREPARED_STATEMENTS:
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = PreparedCursor(self.connection)
            # As Django's own cursors: the connection's time zone, if its adapters disagree.
            if self.timezone != self.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
                register_tzloader(self.timezone, cursor)
            return self._prepare_cursor(cursor)

    def make_cursor(self, cursor):
        return CursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return CursorDebugWrapper(cursor, self)

    def _set_autocommit(self, autocommit):
        super()._set_autocommit(autocommit)
        self.statements_in_transaction = 0

    def may_replace_before(self, cursor) -> bool:
        """A new connection now would lose nothing: no earlier statement of a transaction, no server-side cursor."""
        if getattr(cursor, "name", None):
            return False
        if self.in_atomic_block:
            return self.statements_in_transaction == 0 and not self.needs_rollback
        return self.get_autocommit()  # not a transaction managed by hand

    def may_repeat(self, sql, error, cursor) -> bool:
        if not _lost(error, self.connection) or not self.may_replace_before(cursor):
            return False
        if self.in_atomic_block:
            return True  # nothing of the transaction reached the database, and it commits later
        sqlstate = getattr(error.__cause__, "sqlstate", None)
        return sqlstate in TERMINATED or _reads_only(sql)

    def reconnect_in_place(self) -> None:
        """A new connection in the old one's place, inside the same (so far empty) atomic block if there is one."""
        kept = (self.in_atomic_block, self.savepoint_ids, self.atomic_blocks, self.commit_on_exit,
                self.run_on_commit)
        with contextlib.suppress(Exception):
            self.connection.close()
        self.connection = None
        self.connect()
        if kept[0]:
            self.set_autocommit(False)
            (self.in_atomic_block, self.savepoint_ids, self.atomic_blocks, self.commit_on_exit,
             self.run_on_commit) = kept
        else:
            self.run_on_commit = kept[4]
