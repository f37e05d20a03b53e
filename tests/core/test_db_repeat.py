"""A statement that finds its connection terminated (failover) is repeated once on a new one where that is safe."""

import psycopg
import pytest
from django.db import OperationalError, connection, transaction

from nav_sikkerhet.core.models import Reminder

from ..factories import UserFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the repeat is in the PostgreSQL backend"),
    pytest.mark.django_db(transaction=True),
]


def _drop_the_connection_at_the_first(monkeypatch, matching=lambda query: True) -> list:
    """The server drops the connection as the first matching statement is sent; later ones go through. Returns
    the matching statements as they are sent."""
    sent = []
    real_execute = psycopg.Cursor.execute

    def broken(self, query, params=None, **kwargs):
        if matching(query):
            sent.append(query)
            if len(sent) == 1:
                self.connection.close()
                raise psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly")
        return real_execute(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", broken)
    return sent


def terminate_my_connection():
    """What a managed PostgreSQL's failover does to the app's session: pg_terminate_backend, from elsewhere."""
    settings = connection.settings_dict
    pid = connection.connection.info.backend_pid
    conninfo = psycopg.conninfo.make_conninfo(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                                              user=settings["USER"], password=settings["PASSWORD"] or None,
                                              dbname=settings["NAME"])
    with psycopg.connect(conninfo, autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        for _ in range(100):  # the backend is gone once it no longer shows
            if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                break


@pytest.fixture
def without_the_check_before_use(monkeypatch):
    """The statement meets the dead connection, as when the termination comes while it is being sent."""
    from nav_sikkerhet.core.db import base

    monkeypatch.setattr(base, "_closed_by_server", lambda conn: False)


@pytest.mark.usefixtures("without_the_check_before_use")
def test_a_read_on_its_own_is_repeated():
    user = UserFactory()
    connection.ensure_connection()
    before = connection.connection.info.backend_pid
    terminate_my_connection()
    assert type(user).objects.get(pk=user.pk) == user
    assert connection.connection.info.backend_pid != before


@pytest.mark.usefixtures("without_the_check_before_use")
def test_a_write_on_its_own_is_repeated_when_the_server_ended_the_session():
    user = UserFactory()
    connection.ensure_connection()
    terminate_my_connection()
    type(user).objects.filter(pk=user.pk).update(first_name="Kari")
    assert type(user).objects.get(pk=user.pk).first_name == "Kari"


@pytest.mark.usefixtures("without_the_check_before_use")
def test_the_first_statement_of_a_transaction_is_repeated_and_the_transaction_goes_on():
    user = UserFactory()
    connection.ensure_connection()
    terminate_my_connection()
    callbacks = []
    with transaction.atomic():
        transaction.on_commit(lambda: callbacks.append("committed"))
        Reminder.objects.create(key="k1", kind="x", recipient=user, due_on="2026-12-07", case_number="1", path="/")
        with transaction.atomic():  # a savepoint on the new connection
            Reminder.objects.create(key="k2", kind="x", recipient=user, due_on="2026-12-07", case_number="2",
                                    path="/")
    assert sorted(Reminder.objects.values_list("key", flat=True)) == ["k1", "k2"]
    assert callbacks == ["committed"]


def test_a_later_statement_of_a_transaction_is_not_repeated_and_nothing_of_it_is_written():
    user = UserFactory()
    with pytest.raises(OperationalError), transaction.atomic():
        Reminder.objects.create(key="k1", kind="x", recipient=user, due_on="2026-12-07", case_number="1", path="/")
        terminate_my_connection()
        Reminder.objects.create(key="k2", kind="x", recipient=user, due_on="2026-12-07", case_number="2", path="/")
    connection.close()
    assert not Reminder.objects.exists()


def test_a_write_on_its_own_whose_fate_is_unknown_is_not_repeated(monkeypatch):
    """The connection broke without the server saying why: the write may have committed, so it is not sent again."""
    from nav_sikkerhet.core.db import base

    user = UserFactory()
    connection.ensure_connection()
    sent = _drop_the_connection_at_the_first(monkeypatch)
    monkeypatch.setattr(base, "_lost", lambda error, conn: True)
    with pytest.raises(OperationalError):
        type(user).objects.filter(pk=user.pk).update(first_name="Kari")
    assert len(sent) == 1
    connection.close()


def test_a_compound_read_is_repeated_too(monkeypatch):
    """The access checks' UNION starts with "(SELECT": it only reads, like any SELECT (the bench: 24 look-ups 503)."""
    from nav_sikkerhet.core import access
    from nav_sikkerhet.core.db import base

    from ..factories import UnitFactory, assign_role

    user, unit = UserFactory(), UnitFactory()
    assign_role(user, unit, "mottak")
    connection.ensure_connection()
    sent = _drop_the_connection_at_the_first(monkeypatch, matching=lambda query: query.startswith("(SELECT"))
    monkeypatch.setattr(base, "_lost", lambda error, conn: True)
    assert unit.pk in access._unit_ids_with_perm(user, access.Perm.LOOKUP_MEASURES)
    assert len(sent) == 2 and sent[0] == sent[1]


def test_a_connection_the_server_closed_while_idle_is_replaced_before_a_write_is_sent(monkeypatch, caplog):
    """A write on its own is never sent on a dead connection, where its fate would be unknown and it could not be
    repeated (the look-up's audit line answered 503 so)."""
    user = UserFactory()
    connection.ensure_connection()
    old = connection.connection
    terminate_my_connection()
    sent_on = []
    real_execute = psycopg.Cursor.execute

    def spy(self, query, params=None, **kwargs):
        sent_on.append((self.connection, str(query)))
        return real_execute(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", spy)
    Reminder.objects.create(key="k1", kind="x", recipient=user, due_on="2026-12-07", case_number="1", path="/")
    assert connection.connection is not old and {conn for conn, _ in sent_on} == {connection.connection}
    assert sum("INSERT" in query for _, query in sent_on) == 1
    assert "closed by the server while idle" in caplog.text and "repeating" not in caplog.text
    assert Reminder.objects.count() == 1


def test_a_live_idle_connection_is_kept():
    connection.ensure_connection()
    before = connection.connection
    UserFactory()
    assert connection.connection is before
