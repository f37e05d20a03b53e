"""The retention job on the demo (`make run`): from the command and under Celery, a second run a no-op, the
numbers unchanged and the demo's held case kept."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from hendelser import counts
from hendelser.models import Incident
from hendelser.statistics import statistics_page
from nav_sikkerhet.core import retention, tasks
from nav_sikkerhet.core.models import AuditLogEntry, RetentionHold, User
from utestenging.models import Decision


def _numbers(user, today):
    live = counts.live(Incident.objects.all())
    return (
        sorted(live.units, key=repr), live.kinds,  # the units come in no set order
        statistics_page(user=user, params={}, today=today).tables,
        list(Decision.objects.order_by("pk").values_list("unit_id", "kind", "status", "valid_from", "valid_to")),
    )


@pytest.mark.django_db
def test_the_job_runs_on_the_demo_from_the_command_and_under_celery_and_keeps_the_numbers(
    django_capture_on_commit_callbacks,
):
    call_command("demo_data", "--no-sweep", stdout=io.StringIO())
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
