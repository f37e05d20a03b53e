"""/internal/metrics: Prometheus text that promtool accepts, with the app's own counters in it."""

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from hendelser import services as incident_services
from hendelser.models import Category, Channel, Employer, Perpetrator
from nav_sikkerhet.core import metrics, scheduling
from nav_sikkerhet.core.models import Role

from ..factories import UserFactory, assign_role

pytestmark = pytest.mark.django_db

POD = {"HTTP_HOST": "10.6.3.17:8000"}


def scrape(client) -> str:
    response = client.get("/internal/metrics", **POD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def sample(text: str, name: str) -> float:
    """The sum of a metric's samples (every label set)."""
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith(name) and line[len(name)] in " {"]
    assert values, f"{name} not exported"
    return sum(values)


def test_promtool_accepts_the_metrics(client):
    client.get(reverse("healthz"))  # at least one request counted by view
    promtool = shutil.which("promtool")
    assert promtool, "promtool (Debian package prometheus) is needed: make debian-test"
    result = subprocess.run([promtool, "check", "metrics"], input=scrape(client).encode(), capture_output=True,
                            timeout=30)
    assert result.returncode == 0, result.stderr.decode() + result.stdout.decode()


def test_requests_latency_and_database_time_are_exported(client):
    client.get(reverse("healthz"))
    text = scrape(client)
    assert 'django_http_responses_total_by_status_view_method_total{method="GET",status="200",view="healthz"}' in text
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in text
    assert "django_db_query_duration_seconds_bucket" in text


def test_domain_counters_move(client, unit, leader, django_capture_on_commit_callbacks):
    before = scrape(client)
    reporter = UserFactory()
    assign_role(reporter, unit, Role.SAKSBEHANDLER)
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_register(
            by=reporter, unit=unit, occurred_at=timezone.now() - datetime.timedelta(hours=1), channel=Channel.PHONE,
            category=Category.THREAT, description="Trussel på telefon.", perpetrator=Perpetrator.ANONYMOUS,
            exposed=[{"user": reporter, "name": "Meg", "employer": Employer.STATE}],
        )
    scheduling.run_sweep()
    after = scrape(client)
    assert sample(after, "nav_sikkerhet_incidents_registered_total") == (
        sample(before, "nav_sikkerhet_incidents_registered_total") + 1
    )
    # The leader was told by e-mail (the test settings send through locmem).
    sent = "nav_sikkerhet_reminders_sent_total"
    assert sample(after, sent) >= sample(before, sent) + 1
    assert sample(after, "nav_sikkerhet_sweep_duration_seconds_count") == (
        sample(before, "nav_sikkerhet_sweep_duration_seconds_count") + 1
    )
    assert "nav_sikkerhet_sweep_items_due" in after
    for name in ("nav_sikkerhet_reminders_sent_total", "nav_sikkerhet_reminders_failed_total",
                 "nav_sikkerhet_reminders_retried_total", "nav_sikkerhet_lookups_total",
                 "nav_sikkerhet_incidents_registered_total", "nav_sikkerhet_letters_rendered_total",
                 "nav_sikkerhet_throttle_refusals_total"):
        assert f"# HELP {name} " in after, name


def test_celery_queue_length_is_asked_of_redis(settings):
    collected = list(metrics.CeleryQueueCollector().collect())
    if not settings.REDIS_URL:
        assert collected == []
    else:
        (family,) = collected
        assert family.name == "nav_sikkerhet_celery_queue_length"
        assert family.samples[0].value >= 0
