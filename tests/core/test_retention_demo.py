"""The retention job on the demo (`make run`): run by `demo_data` itself, from the command and under Celery, a
second run a no-op, the numbers unchanged and the demo's held case kept."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from hendelser import counts
from hendelser.models import ExposedPerson, Incident
from hendelser.statistics import statistics_page
from nav_sikkerhet.core import retention, scheduling, services, tasks
from nav_sikkerhet.core.models import AuditLogEntry, Citizen, RetentionHold, User
from tests.core.retention_search import files_holding, identifiers, tables_holding
from utestenging.models import Decision

LONGEST = max(kind.days for kind in retention.KINDS.values())
DAY = timezone.timedelta(days=1)


def _numbers(user, today):
    live = counts.live(Incident.objects.all())
    return (
        sorted(live.units, key=repr), live.kinds,  # the units come in no set order
        statistics_page(user=user, params={}, today=today).tables,
        list(Decision.objects.order_by("pk").values_list("unit_id", "kind", "status", "valid_from", "valid_to")),
    )


def _retention_lines():
    return AuditLogEntry.objects.filter(action__startswith="retention.")


@pytest.mark.django_db
def test_demo_data_runs_the_nightly_job_once_so_the_demo_shows_it_and_a_second_load_changes_nothing(
    django_capture_on_commit_callbacks, client,
):
    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        call_command("demo_data", stdout=out)
    follow_up = retention.KINDS["staff_follow_up"]
    # The two years of incidents had staff follow-up past its period: gone at the load, this week's kept.
    assert "Retention: staff_follow_up=" in out.getvalue()
    assert not follow_up.due(follow_up.cutoff(timezone.now())).exists()
    for story in ("Bruker dyttet veilederen over en stol i samtalerommet.",
                  "Innringer truet med å sette fyr på kontoret."):
        assert ExposedPerson.objects.filter(incident__description=story).exists(), story
    assert sorted(_retention_lines().values_list("action", flat=True)) == sorted(
        f"retention.{key}" for key in retention.KINDS)
    hold = RetentionHold.objects.get()
    assert Decision.objects.get(pk=hold.object_id).citizen is not None
    # The privacy officer's page: nothing due now, the next 30 days' staff follow-up and citizens listed.
    client.force_login(User.objects.get(username="personvern"))
    rows = {row.kind.key: row for row in client.get(reverse("core:retention_upcoming")).context["rows"]}
    assert not any(row.now for row in rows.values())
    assert rows["staff_follow_up"].soon > 0 and rows["citizens"].soon > 0

    state = (ExposedPerson.objects.count(), Citizen.objects.count(), _retention_lines().count())
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert "Retention: nothing due" in out.getvalue()
    assert (ExposedPerson.objects.count(), Citizen.objects.count(), _retention_lines().count()) == state

    # A month on, `make run` again: the citizens with nothing left go, and the demo makes them again as new
    # records, so reception still finds Jan Berg (docs/demo.md) and there are fifty.
    with freeze_time(timezone.now() + 31 * DAY):
        out = io.StringIO()
        call_command("demo_data", stdout=out)
        assert "Retention: " in out.getvalue() and "citizens=" in out.getvalue()
        assert "demo citizens with nothing left made again" in out.getvalue()
        assert Citizen.objects.filter(personident="02489028770", name="Jan Berg").exists()
        assert Citizen.objects.count() == state[1]
        assert _retention_lines().count() == 2 * len(retention.KINDS)
        assert RetentionHold.objects.filter(pk=hold.pk).exists()


@pytest.mark.django_db
def test_the_job_runs_on_the_demo_from_the_command_and_under_celery_and_keeps_the_numbers(
    django_capture_on_commit_callbacks,
):
    call_command("demo_data", "--no-sweep", "--no-retention", stdout=io.StringIO())
    hold = RetentionHold.objects.get()
    assert hold.record.status == "expired" and hold.record.complaints.exists()
    leader = User.objects.get(username="leder")
    # A year and a half on: the staff follow-up and the sign-in lines of the demo are past their periods.
    with freeze_time(timezone.now() + 550 * timezone.timedelta(days=1)):
        today = timezone.localdate()
        before = _numbers(leader, today)
        out = io.StringIO()
        call_command("apply_retention", "--dry-run", stdout=out)
        listed = dict(line.split()[0].split("=") for line in out.getvalue().splitlines() if "=" in line)
        assert set(listed) == set(retention.KINDS) and int(listed["staff_follow_up"]) > 0
        assert not AuditLogEntry.objects.filter(action__startswith="retention.").exists()

        with django_capture_on_commit_callbacks(execute=True):
            counted = tasks.apply_retention.delay().get()
        assert counted["staff_follow_up"] == int(listed["staff_follow_up"])
        out = io.StringIO()
        call_command("apply_retention", stdout=out)
        assert all(line.split()[0].endswith("=0") for line in out.getvalue().splitlines())
        assert _numbers(leader, today) == before
    assert RetentionHold.objects.filter(pk=hold.pk).exists()
    assert Decision.objects.get(pk=hold.object_id).citizen is not None


@pytest.mark.django_db
def test_past_every_period_the_demo_citizens_are_found_nowhere_but_a_held_ones_everywhere(
    django_capture_on_commit_callbacks, leader,
):
    if connection.vendor != "postgresql":
        pytest.skip("searching every table's rows as text needs PostgreSQL")
    call_command("demo_data", "--no-sweep", stdout=io.StringIO())  # the job runs at the load, as `make run` has it
    later = timezone.now() + (LONGEST + 5) * timezone.timedelta(days=1)
    with freeze_time(later):
        scheduling.run_sweep()  # the measures end on their own dates, as the hourly sweep would have seen to
        decisions = retention.KINDS["decisions"]
        held = decisions.due(decisions.cutoff(timezone.now())).select_related("citizen").first()
        RetentionHold.objects.create(record=held, reason="Klagen er hos Sivilombudet", placed_by=leader,
                                     until=timezone.localdate() + timezone.timedelta(days=30))
        people = list(Citizen.objects.exclude(pk=held.citizen_id))
        with django_capture_on_commit_callbacks(execute=True):
            services.retention_run()
        assert services.retention_run()["citizens"] == 0
    left = Citizen.objects.all()
    gone = [person for person in people if person.pk not in set(left.values_list("pk", flat=True))]
    assert len(gone) >= len(people) // 2  # the measures never archived, and their citizens, wait
    # A name or address another citizen still has is theirs to keep.
    kept_values = set(left.values_list("name", flat=True)) | set(left.values_list("address", flat=True))
    for person in gone:
        for text in identifiers(person):
            if text and text not in kept_values:
                assert tables_holding(text) == [], text
                assert files_holding(text) == [], text
    held.refresh_from_db()
    assert held.citizen is not None and held.anonymised_at is None
    for text in identifiers(held.citizen):
        assert {"core_citizen", "core_historicalcitizen"} <= set(tables_holding(text)), text
