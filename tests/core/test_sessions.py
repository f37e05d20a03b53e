"""The session's save at the end of a request is made again on a new connection when the old one was ended."""

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection

from nav_sikkerhet.core.sessions import SessionStore

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def first_save_loses_the_connection(monkeypatch):
    save = Session.save
    lost = []

    def flaky(self, *args, **kwargs):
        if not lost:
            lost.append(self.session_key)
            raise OperationalError("consuming input failed: server closed the connection unexpectedly")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Session, "save", flaky)
    return lost


def test_an_update_is_saved_on_a_new_connection(first_save_loses_the_connection):
    store = SessionStore()
    store["step"] = 1
    first_save_loses_the_connection.append("creation passes")
    store.save()
    first_save_loses_the_connection.clear()
    store["step"] = 2
    store.save()  # the view's work is done; its session must not turn it into "try again"
    assert SessionStore(session_key=store.session_key).load()["step"] == 2
    assert len(first_save_loses_the_connection) == 1


def test_a_new_session_is_created_on_a_new_connection(first_save_loses_the_connection):
    store = SessionStore()
    store["step"] = 1
    store.create()
    assert SessionStore(session_key=store.session_key).load() == {"step": 1}


def test_another_database_error_is_not_hidden(monkeypatch):
    from django.db import DataError

    def broken(self, *args, **kwargs):
        raise DataError("value too long")

    monkeypatch.setattr(Session, "save", broken)
    store = SessionStore()
    store["step"] = 1
    with pytest.raises(DataError):
        store.create()
    assert connection.is_usable()
