"""`migrate` at start on two web pods at once: the advisory lock makes the second wait, then find nothing to do."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from nav_sikkerhet.core.management.commands.migrate import MIGRATE_LOCK_KEY

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")


def _conninfo(dbname: str) -> str:
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"],
        password=settings["PASSWORD"] or None, dbname=dbname,
    )


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_migrate"
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(database: str) -> subprocess.Popen:
    settings = connection.settings_dict
    url = (f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
           f"{settings['PORT'] or 5432}/{database}")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(ENVIRONMENT="development", DATABASE_URL=url, PYTHONPATH=str(ROOT))
    env.pop("REDIS_URL", None)
    # auth and what it needs (contenttypes): some twenty migrations, enough for two runs to overlap.
    return subprocess.Popen([sys.executable, "manage.py", "migrate", "auth", "--noinput"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _applied(database: str) -> list[tuple[str, str]]:
    with psycopg.connect(_conninfo(database)) as conn:
        return conn.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()


def test_two_migrate_runs_at_once_both_succeed_and_apply_each_migration_once(fresh_database):
    runs = [_migrate(fresh_database), _migrate(fresh_database)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    applied = _applied(fresh_database)
    assert len(applied) == len(set(applied)) and ("auth", "0001_initial") in applied
    # One of them did the work; the other found it done.
    assert sum("No migrations to apply." in output for output in outputs) <= 1
    assert sum("Applying auth.0001_initial... OK" in output for output in outputs) == 1


def test_a_second_migrate_waits_for_the_lock_and_then_applies_nothing_twice(fresh_database):
    with psycopg.connect(_conninfo(fresh_database), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
        run = _migrate(fresh_database)
        deadline = time.monotonic() + 120
        waiting = False
        while time.monotonic() < deadline and not waiting and run.poll() is None:
            waiting = holder.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())"
            ).fetchone()[0] == 1
            time.sleep(0.2)
        assert waiting, run.communicate(timeout=10)[0]
        # While it waits, nothing has been applied (the table of applied migrations is not even there).
        assert holder.execute("SELECT to_regclass('django_migrations')").fetchone()[0] is None
        holder.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
    output = run.communicate(timeout=300)[0]
    assert run.returncode == 0, output
    assert "waiting for it to finish" in output
    assert ("auth", "0001_initial") in _applied(fresh_database)
