"""NAIS's probes: /internal/isalive and /internal/isready, for the kubelet calling the pod by its IP."""

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor

from nav_sikkerhet.core import probes
from nav_sikkerhet.core.models import AuditLogEntry

pytestmark = pytest.mark.django_db

POD = {"HTTP_HOST": "10.6.3.17:8000"}  # not an allowed host: the kubelet asks by IP


@pytest.fixture(autouse=True)
def _production_redirect(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["nav-sikkerhet.intern.nav.no"]
    probes._migrated = False


@pytest.mark.parametrize("path", ["/internal/isalive", "/internal/isready"])
@pytest.mark.parametrize("method", ["get", "head"])
def test_probe_answers_without_session_audit_or_redirect(client, path, method):
    response = getattr(client, method)(path, **POD)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert "Location" not in response.headers
    assert AuditLogEntry.objects.count() == 0


def test_probe_refuses_post(client):
    assert client.post("/internal/isready", **POD).status_code == 405


def test_readiness_fails_while_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("core", "9999_next")])
    response = client.get("/internal/isready", **POD)
    assert response.status_code == 503
    assert response.content == b"migrations pending"
    assert client.get("/internal/isalive", **POD).status_code == 200


def test_readiness_fails_while_the_database_is_unreachable(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    response = client.get("/internal/isready", **POD)
    assert response.status_code == 503
    assert response.content == b"database unreachable"
    # Liveness does not depend on the database: an outage must not restart every pod.
    assert client.get("/internal/isalive", **POD).status_code == 200


def test_migration_check_is_not_repeated_once_everything_is_applied(client, django_assert_max_num_queries):
    assert client.get("/internal/isready", **POD).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get("/internal/isready", **POD).status_code == 200

