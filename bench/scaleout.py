"""More than one of everything, on loopback (`python bench/scaleout.py`): 2 web processes, 2 workers, 1 beat, and
a second beat started by mistake, against one PostgreSQL and one Redis.

A bounded load of reception look-ups and incident registrations, each staff member signed in on one web process
and sent alternately to both (sessions in the database, throttle counters in Redis). The sweep runs every few
seconds (SWEEP_INTERVAL_SECONDS) from both beats. Afterwards it checks: no errors, every registration stored
once, every reminder e-mail written once (Message-ID) and recorded as sent; one user's look-ups over the limit
refused across both processes. Prints the figures, for docs/operations.md.

With --failover, at the issue's scale (40 staff, 80 look-ups and 5 registrations each: some 3,400 requests, some
400 reminders), every connection the app holds to the database is terminated every 5 seconds, during the load and
on through the reminder sending phase until every reminder is sent (pg_terminate_backend, as a managed PostgreSQL's
failover or maintenance does), and the SMTP server delays its final reply to every 20th message by 25 s (longer
than EMAIL_TIMEOUT). 503 "try again" answers are counted apart from errors (a person tries again once after
Retry-After, as the script does), a 500 is an error; it reports registrations lost (answered 302, not stored) and
doubled, and reminders e-mailed twice.

BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_scaleout, made anew) and BENCH_REDIS_URL
(default Redis database 1, emptied) choose the services.
"""

import concurrent.futures
import email
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
BIN = Path(sys.executable).parent

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_scaleout")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
MAIL_DIR = Path(tempfile.mkdtemp(prefix="scaleout-"))
# The reminders go through the production SMTP backend to a mail server on loopback (tests/smtp_stub.py).
from tests.smtp_stub import SlowSMTPServer  # noqa: E402

FAILOVER = "--failover" in sys.argv
# Under --failover some final replies come late (every SMTP_DELAY_EVERY-th message, by SMTP_DELAY_SECONDS).
SMTP = SlowSMTPServer(data_reply_delay=25.0 if FAILOVER else 0.0, delay_every=20)
ENV = {
    **os.environ, "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "ENVIRONMENT": "development",
    "DEBUG": "false", "ALLOW_TEST_IDENTS": "true", "SWEEP_INTERVAL_SECONDS": "3",
    # The failover run's load is far over a person's look-up limit; the limit is checked by the plain run.
    "LOOKUP_RATE": "100000/h" if FAILOVER else "30/h",
    "EMAIL_BACKEND": "nav_sikkerhet.core.mail.EmailBackend", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(SMTP.port),
    "DJANGO_SETTINGS_MODULE": "nav_sikkerhet.settings", "PYTHONPATH": str(PROJECT), "LOG_LEVEL": "WARNING",
    "PROMETHEUS_MULTIPROC_DIR": str(MAIL_DIR / "metrics"), "GUNICORN_WORKER_TMP_DIR": str(MAIL_DIR),
}
os.environ.update(ENV)

WEB_PORTS = (8761, 8762)
STAFF = int(os.environ.get("BENCH_STAFF", 40 if FAILOVER else 6))  # reception staff, each signed in once
LOOKUPS_EACH = int(os.environ.get("BENCH_LOOKUPS_EACH", 80 if FAILOVER else 20))  # plain run: within the limit
REGISTRATIONS_EACH = 5
CONCURRENT = min(STAFF, 8)  # staff working at the same moment (2 processes of 4 threads)
THROTTLE_TRIES = 36  # one more staff member, over the limit of 30 a minute
PASSWORD = "scaleout-demo-passord"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def fresh_database():
    import psycopg
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=PROJECT, env=ENV, check=True)
    # An earlier run's rows out, the schema kept (migrating anew takes minutes on a busy machine).
    subprocess.run([sys.executable, "manage.py", "flush", "--noinput", "-v", "0"], cwd=PROJECT, env=ENV, check=True)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def people():
    from nav_sikkerhet.core.models import Role
    from tests.factories import CitizenFactory, UnitFactory, UserFactory, assign_role

    unit = UnitFactory(number="0315", name="NAV Grünerløkka")
    for role, name in ((Role.ENHETSLEDER, "leder"), (Role.STEDFORTREDER, "stedfortreder")):
        assign_role(UserFactory(username=name, email=f"{name}@nav.no"), unit, role)
    staff = []
    for n in range(STAFF + 1):
        user = UserFactory(username=f"mottak{n}", email=f"mottak{n}@nav.no")
        user.set_password(PASSWORD)
        user.save()
        assign_role(user, unit, Role.MOTTAK)
        staff.append(user.username)
    citizens = [c.personident for c in CitizenFactory.create_batch(20)]
    return unit.pk, staff, citizens


def start(processes, name, args):
    out = open(MAIL_DIR.parent / f"scaleout-{name}.log", "w")  # noqa: SIM115 - open while the process runs
    processes[name] = subprocess.Popen(args, cwd=PROJECT, env=ENV, stdout=out, stderr=subprocess.STDOUT)


def sign_in(port, username, statuses=None):
    """A signed-in session; a 503 "try again" is waited out as a person would (Retry-After), and counted."""
    import requests

    for _ in range(10):
        session = requests.Session()
        page = session.get(f"http://127.0.0.1:{port}/logg-inn/", timeout=120)
        if page.status_code == 503:
            statuses is not None and statuses.append(("signin", 503))
            time.sleep(int(page.headers.get("Retry-After", "5")))
            continue
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = session.post(f"http://127.0.0.1:{port}/logg-inn/", timeout=120, allow_redirects=False,
                              data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                              headers={"Referer": f"http://127.0.0.1:{port}/logg-inn/"})
        if statuses is not None:
            statuses.append(("signin", answer.status_code))
        if answer.status_code == 503:
            time.sleep(int(answer.headers.get("Retry-After", "5")))
            continue
        assert answer.status_code == 302, f"sign-in {username}: {answer.status_code}"
        return session
    if statuses is None:
        raise AssertionError(f"sign-in {username}: still 503")
    statuses.append(("signin", "gave up after ten 503s"))
    return None


def csrf(session):
    return session.cookies.get("csrftoken")


def look_up(session, port, personident):
    url = f"http://127.0.0.1:{port}/mottak/"
    return session.post(url, data={"search": "ident", "personident": personident, "csrfmiddlewaretoken": csrf(session)},
                        headers={"Referer": url}, timeout=120).status_code


def register(session, port, unit_id, marker):
    import datetime

    url = f"http://127.0.0.1:{port}/hendelser/ny/"
    when = (datetime.datetime.now() - datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    data = {"occurred_at": when, "unit": unit_id, "channel": "phone", "category": "threat",
            "description": f"Innringer truet ansatt på telefon ({marker}).", "perpetrator": "unknown", "injury": "1",
            "sick_leave": "no", "exposed_me": "on", "my_employer": "state", "csrfmiddlewaretoken": csrf(session)}
    return session.post(url, data=data, headers={"Referer": url}, timeout=120, allow_redirects=False).status_code


def attempt(call, *args):
    """The status, or the exception's name (a timeout, a reset connection): an error either way."""
    try:
        return call(*args)
    except Exception as error:  # noqa: BLE001 - counted, not raised
        return type(error).__name__


def staff_member_load(username, index, unit_id, citizens):
    """One staff member: signed in on one process, then alternately on both. A registration answered 503 is sent
    once more after Retry-After, as a person would; a look-up answered 503 is not (counted only)."""
    statuses, markers = [], []
    session = sign_in(WEB_PORTS[index % 2], username, statuses)
    if session is None:
        return statuses, markers
    every = max(1, LOOKUPS_EACH // REGISTRATIONS_EACH)
    for n in range(LOOKUPS_EACH):
        personident = citizens[(index + n) % len(citizens)]
        statuses.append(("lookup", attempt(look_up, session, WEB_PORTS[n % 2], personident)))
        if n % every == 0 and len(markers) < REGISTRATIONS_EACH:
            marker = f"{username}-{n}"
            status = attempt(register, session, WEB_PORTS[(n + 1) % 2], unit_id, marker)
            statuses.append(("register", status))
            if status == 503:
                time.sleep(5)
                status = attempt(register, session, WEB_PORTS[n % 2], unit_id, marker)
                statuses.append(("register-again", status))
            markers.append((marker, status))
    return statuses, markers


def terminator(stop: threading.Event, counts: list[int]):
    """Every 5 s, end every other session on the bench database (the app's connections)."""
    import psycopg
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        while not stop.wait(5):
            row = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = %s AND pid <> pg_backend_pid()", [name]).fetchone()
            counts.append(row[0])


def main():
    import django

    failover = FAILOVER

    django.setup()
    log("fresh database and Redis")
    fresh_database()
    unit_id, staff, citizens = people()
    processes = {}
    try:
        for n, port in enumerate(WEB_PORTS):
            start(processes, f"web{n}", [str(BIN / "gunicorn"), "-c", "nav_sikkerhet/gunicorn_conf.py", "--bind",
                                         f"127.0.0.1:{port}", "--workers", "1", "--timeout", "300",
                                         "nav_sikkerhet.wsgi:application"])
        for n in range(2):
            start(processes, f"worker{n}", [str(BIN / "celery"), "-A", "nav_sikkerhet", "worker", "-c", "2", "-n",
                                            f"scaleout{n}@%h", "-l", "warning"])
        for n in range(2):  # the second one started by mistake
            start(processes, f"beat{n}", [str(BIN / "celery"), "-A", "nav_sikkerhet", "beat", "-l", "warning",
                                          "--schedule", str(MAIL_DIR.parent / f"scaleout-beat{n}")])
        import requests

        for port in WEB_PORTS:
            for _ in range(300):
                try:
                    if requests.get(f"http://127.0.0.1:{port}/internal/isready", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.5)
        for port in WEB_PORTS:  # first requests load templates and catalogues: not part of the load
            requests.get(f"http://127.0.0.1:{port}/logg-inn/", timeout=300)
        log(f"load: {STAFF} staff, {LOOKUPS_EACH} look-ups and {REGISTRATIONS_EACH} registrations each")
        started = time.monotonic()
        stop, terminated = threading.Event(), []
        if failover:
            threading.Thread(target=terminator, args=(stop, terminated), daemon=True).start()
        with concurrent.futures.ThreadPoolExecutor(CONCURRENT) as pool:
            results = list(pool.map(staff_member_load, staff[:STAFF], range(STAFF), [unit_id] * STAFF,
                                    [citizens] * STAFF))
        seconds = time.monotonic() - started
        statuses = [s for result, _ in results for s in result]
        markers = [m for _, result in results for m in result]
        throttle = []
        if not failover:
            # Throttle across processes: one staff member, alternating, over the limit.
            session = sign_in(WEB_PORTS[0], staff[STAFF])
            throttle = [look_up(session, WEB_PORTS[n % 2], citizens[0]) for n in range(THROTTLE_TRIES)]

        # The reminder sending phase: under --failover the terminations go on until every reminder is sent.
        log("waiting for the workers and a few more sweeps")
        from django.db import OperationalError, connection

        from nav_sikkerhet.core.models import Reminder

        phase_started = time.monotonic()
        deadline = phase_started + (900 if failover else 120)
        while time.monotonic() < deadline:
            try:
                if not Reminder.objects.filter(sent_at__isnull=True, done_at__isnull=True).exists():
                    break
            except OperationalError:  # this process's connection was terminated too
                connection.close()
            time.sleep(1)
        sending_seconds = time.monotonic() - phase_started
        stop.set()
        time.sleep(10)  # several more sweeps from both beats
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()

    from django.db import connection

    from hendelser.models import Incident
    from nav_sikkerhet.core.models import Reminder

    connection.close()  # this process's connection was terminated too
    try_again = [s for s in statuses if s[1] == 503]
    expected = {"lookup": 200, "register": 302, "register-again": 302, "signin": 302}
    errors = [s for s in statuses if s[1] != 503 and s[1] != expected[s[0]]]
    stored = {m: Incident.objects.filter(description__contains=f"({m})").count() for m, _ in markers}
    message_ids = [email.message_from_bytes(body)["Message-ID"] for body in SMTP.messages]
    reminders = Reminder.objects.count()
    unsent = Reminder.objects.filter(sent_at__isnull=True, done_at__isnull=True).count()
    duplicates = len(message_ids) - len(set(message_ids))
    answered = [m for m, status in markers if status == 302]
    figures = {
        "requests": len(statuses), "seconds": round(seconds, 1), "per_second": round(len(statuses) / seconds, 1),
        "by_kind": {kind: sum(1 for s in statuses if s[0] == kind) for kind in expected},
        "status_500": sum(1 for s in statuses if s[1] == 500), "errors": len(errors),
        "try_again_503": len(try_again),
        "try_again_by_kind": {kind: sum(1 for s in try_again if s[0] == kind) for kind in expected},
        "connections_terminated": sum(terminated), "termination_rounds": len(terminated),
        "registrations": len(markers), "answered_302": len(answered),
        # A registration answered 302 but not stored is lost; stored twice (after a retry of a 503) is doubled.
        "lost": sum(1 for m in answered if stored[m] == 0),
        "stored_twice": sum(1 for n in stored.values() if n > 1),
        "not_stored_after_two_503": sum(1 for m, status in markers if status != 302 and stored[m] == 0),
        "reminders": reminders, "emails": len(message_ids), "duplicate_emails": duplicates, "unsent": unsent,
        "sending_phase_seconds": round(sending_seconds, 1),
        "throttle_allowed": throttle.count(200), "throttle_refused": throttle.count(429),
    }
    log(f"figures: {figures}")
    ok = (not errors and figures["lost"] == 0 and figures["stored_twice"] == 0
          and duplicates == 0 and unsent == 0 and len(set(message_ids)) == reminders
          and (failover or figures["throttle_allowed"] == 30))
    shutil.rmtree(MAIL_DIR, ignore_errors=True)
    log("PASS" if ok else f"FAIL {errors[:5]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
