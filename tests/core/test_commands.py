import datetime
import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from nav_sikkerhet.core import access, scheduling, services
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import AuditLogEntry, Citizen, Reminder, Role, RoleAssignment, Unit, User
from utestenging.models import Decision, Status

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_has_every_demo_login():
    call_command("demo_data", stdout=io.StringIO())
    counts = (Unit.objects.count(), User.objects.count(), Citizen.objects.count(), RoleAssignment.objects.count())
    call_command("demo_data", stdout=io.StringIO())
    assert counts == (
        Unit.objects.count(), User.objects.count(), Citizen.objects.count(), RoleAssignment.objects.count(),
    )
    for username in ["leder", "saksbehandler", "mottak", "kontaktsenter", "hms", "verneombud", "sikkerhet", "admin",
                     "personvern"]:
        assert User.objects.get(username=username).check_password("demo")
    assert access.has_unit_perm(User.objects.get(username="personvern"), Perm.ANSWER_ACCESS_REQUESTS,
                                Unit.objects.get(number="1203"))  # another region: the role is country-wide
    assert User.objects.get(username="admin").is_superuser
    assert Citizen.objects.count() >= 50
    assert Unit.objects.filter(municipality_number="0301", unit_type="nav_kontor").count() >= 2
    assert Unit.objects.filter(municipality_number="4601", unit_type="nav_kontor").count() >= 2
    assert Unit.objects.filter(result_area="NAV Kontaktsenter").count() == 2
    decisions = Decision.objects.all()
    assert {d.status for d in decisions} == set(Status)
    assert decisions.filter(status=Status.ACTIVE, kind="FYUS").exists()
    assert decisions.filter(status=Status.ACTIVE, kind="TFUS").exists()


REMINDER_KINDS = [
    "decision.expiry_21", "decision.expiry_7", "decision.expiry_0", "decision.notice_deadline",
    "decision.complaint_unanswered", "decision.registrations_missing",
]


@pytest.mark.django_db
def test_scheduled_jobs_after_demo_data_send_leder_each_reminder_once_and_a_second_run_sends_nothing(mailoutbox):
    call_command("demo_data", "--no-sweep", stdout=io.StringIO())
    call_command("demo_data", "--no-sweep", stdout=io.StringIO())  # safe again: no second set of due cases
    # The demo's incidents of this week were registered through the service, which tells the leaders at once.
    told_at_registration = Reminder.objects.filter(sent_at__isnull=False).count()
    due = Reminder.objects.filter(sent_at__isnull=True).count()
    out = io.StringIO()
    call_command("run_scheduled_jobs", stdout=out)

    leder = User.objects.get(username="leder")
    sent = Reminder.objects.filter(sent_at__isnull=False)
    decisions = sent.filter(kind__startswith="decision.")
    assert sorted(decisions.filter(recipient=leder).values_list("kind", flat=True)) == sorted(REMINDER_KINDS)
    assert not decisions.exclude(recipient=leder).exists()
    # Three incidents this week; the one already reviewed closed its reminder before the e-mail went out.
    assert sent.filter(recipient=leder, kind="incident.registered").count() == 2
    # One e-mail per reminder, and none twice.
    assert len(mailoutbox) == sent.count()
    closed_unsent = Reminder.objects.filter(sent_at__isnull=True, done_at__isnull=False).count()
    jobs = len(scheduling.JOBS)
    assert out.getvalue().strip() == (
        f"jobs={jobs} reminders_queued={sent.count() - told_at_registration} reminders_closed={closed_unsent}"
    )
    assert due <= sent.count() - told_at_registration + closed_unsent

    call_command("run_scheduled_jobs", stdout=out)
    assert out.getvalue().splitlines()[-1] == f"jobs={jobs} reminders_queued=0 reminders_closed=0"
    assert len(mailoutbox) == sent.count()


@pytest.mark.django_db(transaction=True)
def test_demo_data_runs_the_sweep_once_so_leder_has_each_reminder_without_redis_or_cron(mailoutbox, settings,
                                                                                        capsys):
    # As under `make run`: the console backend would print every e-mail before the app's address.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    printed = capsys.readouterr().out
    assert "Subject:" not in printed and "Subject:" not in out.getvalue()
    assert f"{len(mailoutbox)} reminder e-mails to " in out.getvalue()
    assert out.getvalue().strip().endswith("Every demo login is listed in docs/demo.md.")
    assert "log in as leder, password 'demo'" in out.getvalue()

    leder = User.objects.get(username="leder")
    open_reminders = Reminder.objects.filter(recipient=leder, done_at__isnull=True, kind__startswith="decision.")
    assert sorted(open_reminders.values_list("kind", flat=True)) == sorted(REMINDER_KINDS)
    assert not open_reminders.filter(sent_at__isnull=True).exists()
    assert f"Scheduled sweep: jobs={len(scheduling.JOBS)}" in out.getvalue()

    # A later cron or beat run finds nothing left to send.
    sent = len(mailoutbox)
    out = io.StringIO()
    call_command("run_scheduled_jobs", stdout=out)
    assert out.getvalue().strip() == f"jobs={len(scheduling.JOBS)} reminders_queued=0 reminders_closed=0"
    assert len(mailoutbox) == sent


@pytest.mark.django_db
def test_demo_data_makes_no_logins_without_test_idents(settings):
    settings.ALLOW_TEST_IDENTS = False
    call_command("demo_data", stdout=io.StringIO())
    assert not User.objects.exists()
    assert not Citizen.objects.exists()
    assert Unit.objects.exists()


@pytest.mark.django_db
def test_access_report_command_prints_lookups_and_logs_itself(leader, citizen, staff_with_role, unit):
    looker = staff_with_role(Role.MOTTAK, unit, nav_ident="B654321")
    services.audit_log_record(actor=looker, citizen=citizen, action="t", message="Vist i test")
    out = io.StringIO()
    today = datetime.date.today().isoformat()
    call_command("access_report", citizen.personident, "--from", "2020-01-01", "--to", today,
                 "--by", leader.nav_ident, stdout=out)
    assert "B654321" in out.getvalue()
    assert AuditLogEntry.objects.filter(actor=leader, action="access_report").count() == 1


@pytest.mark.django_db
def test_access_report_command_refuses_bad_input(leader, citizen, staff_with_role, unit):
    with pytest.raises(CommandError):
        call_command("access_report", "123", "--from", "2020-01-01", "--to", "2020-02-01", "--by", leader.nav_ident)
    with pytest.raises(CommandError):
        call_command("access_report", citizen.personident, "--from", "2020-02-01", "--to", "2020-01-01",
                     "--by", leader.nav_ident)
    with pytest.raises(CommandError):
        call_command("access_report", citizen.personident, "--from", "i går", "--to", "2020-01-01",
                     "--by", leader.nav_ident)
    caseworker = staff_with_role("saksbehandler", unit)
    with pytest.raises(CommandError):
        call_command("access_report", citizen.personident, "--from", "2020-01-01", "--to", "2020-02-01",
                     "--by", caseworker.nav_ident)
    assert not AuditLogEntry.objects.exists()


def _production_env(**extra) -> dict:
    env = {**os.environ, "ENVIRONMENT": "production", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": "nav-sikkerhet.intern.nav.no", "DEBUG": "false", **extra}
    # Browser tests set this for Playwright; a production process never has it. No OIDC_* from the caller either.
    oidc = [key for key in os.environ if key.startswith("OIDC_")]
    for name in ("ALLOW_TEST_IDENTS", "DJANGO_ALLOW_ASYNC_UNSAFE", *oidc):
        if name not in extra:
            env.pop(name, None)
    return env


def _check_deploy(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False,
    )


ENTRA = {
    "OIDC_RP_CLIENT_ID": "00000000-0000-0000-0000-000000000000",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_DISCOVERY_URL": "https://login.microsoftonline.com/nav.no/v2.0/.well-known/openid-configuration",
}


def test_production_settings_pass_check_deploy_without_warnings():
    # Checking reads no discovery document: the provider is only contacted when someone signs in.
    result = _check_deploy(_production_env(**ENTRA))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_production_runs_without_oidc():
    result = _check_deploy(_production_env())
    assert result.returncode != 0
    assert "nav_sikkerhet.W001" in result.stderr
    assert "without OpenID Connect" in result.stderr


def test_check_deploy_warns_when_production_accepts_test_logins():
    result = _check_deploy(_production_env(ALLOW_TEST_IDENTS="true", **ENTRA))
    assert "nav_sikkerhet.W002" in result.stderr
    assert "nav_sikkerhet.W001" not in result.stderr


def test_check_finds_oidc_without_discovery_or_endpoints():
    env = _production_env(OIDC_RP_CLIENT_ID="nav-sikkerhet", OIDC_OP_TOKEN_ENDPOINT="https://idp.example/token")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "nav_sikkerhet.E001" in result.stderr
    assert "OIDC_OP_ISSUER" in result.stderr and "OIDC_OP_TOKEN_ENDPOINT" not in result.stderr.split("nor")[1]


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["ENVIRONMENT"] = "production"
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_test_idents_are_off_by_default_in_production():
    env = {**os.environ, "ENVIRONMENT": "production", "SECRET_KEY": "k" * 60}
    env.pop("ALLOW_TEST_IDENTS", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(settings.ALLOW_TEST_IDENTS, settings.DEBUG)"],
        cwd=BASE_DIR, env={**env, "DJANGO_SETTINGS_MODULE": "nav_sikkerhet.settings"},
        capture_output=True, text=True, check=False,
    )
    assert result.stdout.split() == ["False", "False"], result.stderr
