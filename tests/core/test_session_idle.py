"""Sessions end after 30 idle minutes, and are renewed at most once a minute rather than on every request."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

pytestmark = pytest.mark.django_db


def _session_writes(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")]


def _login(client, user):
    client.force_login(user)
    client.get(reverse("core:start"))  # the first request stamps the session


def test_requests_within_a_minute_do_not_write_the_session(client, leader):
    with freeze_time(timezone.now()) as clock:
        _login(client, leader)
        clock.tick(datetime.timedelta(seconds=30))
        assert _session_writes(client, reverse("core:start")) == []


def test_a_request_after_a_minute_renews_the_idle_expiry(client, leader):
    with freeze_time(timezone.now()) as clock:
        _login(client, leader)
        before = Session.objects.get().expire_date
        clock.tick(datetime.timedelta(seconds=61))
        assert _session_writes(client, reverse("core:start"))
        assert Session.objects.get().expire_date > before


def test_thirty_idle_minutes_end_the_session(client, leader, settings):
    with freeze_time(timezone.now()) as clock:
        _login(client, leader)
        clock.tick(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60))
        response = client.get(reverse("core:start"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_activity_keeps_the_session_alive_past_thirty_minutes(client, leader, settings):
    with freeze_time(timezone.now()) as clock:
        _login(client, leader)
        for _ in range(4):
            clock.tick(datetime.timedelta(minutes=10))
            assert client.get(reverse("core:start")).status_code == 200


def test_anonymous_visits_create_no_session(client):
    client.get(reverse("login"))
    assert not Session.objects.exists()
