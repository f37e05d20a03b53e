"""Benchmark: the scheduled sweep over 50,000 active decisions, with 1 % and then 10 % of them due today.

The sweep's cost must grow with what is due, not with all decisions: every job reads only the due rows
through an index. So going from 1 % to 10 % due should cost about ten times as much (ratio near 10); a
job that scanned every decision would add the same large cost to both and pull the ratio towards 1.
The number of queries per sweep is counted too (it does not depend on the machine's load), and with
1 % due every query the sweep makes on the decision table is EXPLAINed and a full scan reported. (With
10 % due, 1,000 complaints spread over the table, PostgreSQL may rightly prefer one sequential read.)

    .venv/bin/python bench/sweep.py [--decisions 50000] [--runs 3]     (or: make bench)

Database: DATABASE_URL if set (the bench's own rows are replaced; other data is left alone); otherwise
a PostgreSQL database ``bench_sweep`` on 127.0.0.1 (created if missing) if reachable, else SQLite in
/tmp. Tasks run eagerly and e-mail goes to Django's in-memory outbox, so each run does the real work:
creating the reminders and sending each one. Every run starts with no reminders.
The last line prints the figures:
    sweep: due_1pct=<s> due_10pct=<s> ratio=<10 % / 1 %> decisions=<n>
"""

import argparse
import datetime
import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SQLITE_FILE = Path("/tmp/nav_sikkerhet_bench_sweep.sqlite3")
BENCH_UNIT = "9990"
BENCH_LEADER = "bench.sweep.leder"
# The five kinds of due work on active decisions, by decision index modulo 5.
EXPIRY_21, EXPIRY_7, EXPIRY_0, REGISTRATIONS, COMPLAINT = range(5)


def database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    user = os.environ.get("PGUSER", "postgres")
    try:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 user={user} dbname=postgres connect_timeout=2",
                             autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_sweep'").fetchone():
                conn.execute("CREATE DATABASE bench_sweep")
        return f"postgres://{user}@127.0.0.1:5432/bench_sweep"
    except Exception:  # noqa: BLE001 – no PostgreSQL here: SQLite will do
        return f"sqlite:///{SQLITE_FILE}"


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("ENVIRONMENT", "development")
    os.environ["REDIS_URL"] = ""  # tasks eager, in this process
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["LOG_LEVEL"] = "WARNING"  # not one "task succeeded" line per e-mail
    os.environ["DJANGO_SETTINGS_MODULE"] = "nav_sikkerhet.settings"
    import django

    django.setup()
    # Eager tasks still borrow a producer of the in-memory broker, which warns once about its missing host.
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def is_due(i: int, per_mille: int) -> bool:
    """Due in blocks of five consecutive decisions (one of each kind); the 1 % set lies inside the 10 % set."""
    return (i // 5) % (1000 // per_mille) == 0


# valid_to offsets from today that no reminder window touches (0: today-3..today, 7: +4..+7, 21: +18..+21).
QUIET_OFFSETS = [1, 2, 3, *range(8, 18), *range(22, 84)]


def dates(i: int, due: bool, today: datetime.date) -> dict:
    from django.utils import timezone

    kind = i % 5
    valid_to = today + days(QUIET_OFFSETS[i % len(QUIET_OFFSETS)])
    if due and kind in (EXPIRY_21, EXPIRY_7, EXPIRY_0):
        valid_to = today + days({EXPIRY_21: 21, EXPIRY_7: 7, EXPIRY_0: 0}[kind])
    valid_from = valid_to - days(83)
    signed_on = valid_from - days(10)  # never 3–6 days ago: no registration reminder
    if due and kind == REGISTRATIONS:
        signed_on, valid_from, valid_to = today - days(3), today - days(3), today + days(80)
    signed_at = timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(10, 0)))
    return {"valid_from": valid_from, "valid_to": valid_to, "signed_at": signed_at}


def build(n: int, today: datetime.date):
    """The bench unit, its leader, 1,000 citizens and n active decisions, 1 % due; replaces earlier bench rows."""
    from django.db import transaction

    from nav_sikkerhet.core.identity import IdentKind, generate_synthetic
    from nav_sikkerhet.core.models import Citizen, Reminder, Unit, User
    from utestenging.models import Decision, DecisionEvent, Registration, ServiceComplaint, Status

    unit, _ = Unit.objects.get_or_create(number=BENCH_UNIT, defaults={
        "name": "NAV Benchmark", "unit_type": "nav_kontor", "municipality_number": "0301",
        "municipality_name": "Oslo", "result_area": "NAV-kontor", "region": "Oslo"})
    leader, _ = User.objects.get_or_create(username=BENCH_LEADER, defaults={
        "nav_ident": "X999901", "email": "bench.leder@nav.test", "first_name": "Bench", "last_name": "Leder"})
    with transaction.atomic():  # the bench's own rows only; raw deletes, as the fixture was bulk-created
        Reminder.objects.filter(recipient=leader)._raw_delete(Reminder.objects.db)
        for model in (ServiceComplaint, Registration, DecisionEvent):
            model.objects.filter(decision__unit=unit)._raw_delete(model.objects.db)
        Decision.objects.filter(unit=unit)._raw_delete(Decision.objects.db)

    citizens = list(Citizen.objects.filter(name__startswith="Bench Bruker").order_by("pk"))
    if len(citizens) < 1000:
        born = datetime.date(1950, 1, 1)
        taken = set(Citizen.objects.values_list("personident", flat=True))
        fresh = {}
        for k in range(5000):
            number = generate_synthetic(born + days(k % 20000), k % 1000)
            if number not in taken and number not in fresh:
                fresh[number] = Citizen(personident=number, ident_kind=IdentKind.FNR, birth_date=born + days(k % 20000),
                                        name=f"Bench Bruker {k}")
            if len(fresh) + len(citizens) >= 1000:
                break
        Citizen.objects.bulk_create(fresh.values())
        citizens = list(Citizen.objects.filter(name__startswith="Bench Bruker").order_by("pk"))

    common = {"kind": "FYUS", "status": Status.ACTIVE, "unit": unit, "responsible_leader": leader,
              "created_by": leader, "signed_by": leader, "grounds": ["threats"], "written_delivery": "post"}
    decisions = [Decision(citizen=citizens[i % len(citizens)], **common, **dates(i, is_due(i, 10), today))
                 for i in range(n)]
    Decision.objects.bulk_create(decisions, batch_size=2000)
    decisions = list(Decision.objects.filter(unit=unit).order_by("pk").only("pk"))
    # Background: answered complaints on 2 % of the decisions, received over the last 80 days.
    ServiceComplaint.objects.bulk_create(
        [ServiceComplaint(decision=d, received_on=today - days(20 + i % 60), from_whom="Bruker", summary="Klage",
                          answered_on=today - days(10), answer_summary="Svar sendt.", answered_by=leader,
                          registered_by=leader)
         for i, d in enumerate(decisions) if i % 50 == 7],
        batch_size=2000,
    )
    add_complaints(decisions, 10, today, leader)
    return leader, decisions


def add_complaints(decisions, per_mille: int, today: datetime.date, leader, already: int = 0) -> None:
    from utestenging.models import ServiceComplaint

    ServiceComplaint.objects.bulk_create(
        [ServiceComplaint(decision=d, received_on=today - days(14), from_whom="Bruker", summary="Klage",
                          registered_by=leader)
         for i, d in enumerate(decisions)
         if i % 5 == COMPLAINT and is_due(i, per_mille) and not (already and is_due(i, already))],
        batch_size=2000,
    )


def set_due(decisions, per_mille: int, today: datetime.date, leader) -> None:
    """Make 1 % (per_mille=10) or 10 % (100) of the decisions due: the 9 % between them change."""
    from utestenging.models import Decision, ServiceComplaint

    changed = []
    for i, decision in enumerate(decisions):
        if is_due(i, 100) and not is_due(i, 10):
            for field, value in dates(i, per_mille == 100, today).items():
                setattr(decision, field, value)
            changed.append(decision)
    Decision.objects.bulk_update(changed, ["valid_from", "valid_to", "signed_at"], batch_size=1000)
    ServiceComplaint.objects.filter(decision__in=changed, answered_on__isnull=True)._raw_delete(
        ServiceComplaint.objects.db)
    if per_mille == 100:
        add_complaints(decisions, 100, today, leader, already=10)
    vacuum()


def expected_reminders(n: int, per_mille: int) -> int:
    return sum(1 for i in range(n) if is_due(i, per_mille))


def time_sweep(leader, today: datetime.date, expected: int) -> float:
    """One sweep from no reminders, timed; checks that it created and e-mailed every reminder due."""
    from django.core import mail

    from nav_sikkerhet.core import scheduling
    from nav_sikkerhet.core.models import Reminder

    Reminder.objects.filter(recipient=leader).delete()
    vacuum("core_reminder")  # so no run pays for the dead rows of the one before
    mail.outbox = []
    started = time.perf_counter()
    result = scheduling.run_sweep(today)
    elapsed = time.perf_counter() - started
    made = Reminder.objects.filter(recipient=leader, sent_at__isnull=False).count()
    if (result.queued, made, len(mail.outbox)) != (expected, expected, expected):
        sys.exit(f"expected {expected} reminders sent, got queued={result.queued} stored={made} "
                 f"e-mails={len(mail.outbox)}")
    return elapsed


def full_scans(leader, today: datetime.date) -> tuple[int, list[str]]:
    """Run the sweep once more, counting its queries; EXPLAIN each distinct query on the decision table.

    Returns the number of queries, and the plans of those that scan the whole decision table.
    """
    from django.db import connection

    from nav_sikkerhet.core import scheduling
    from nav_sikkerhet.core.models import Reminder

    shapes = {}
    count = 0

    def record(execute, sql, params, many, context):
        nonlocal count
        count += 1
        if sql.startswith("SELECT") and '"utestenging_decision"' in sql:
            shapes.setdefault(sql, params)
        return execute(sql, params, many, context)

    Reminder.objects.filter(recipient=leader).delete()
    with connection.execute_wrapper(record):
        scheduling.run_sweep(today)
    scans = []
    with connection.cursor() as cursor:
        for sql, params in shapes.items():
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                scanned = "Seq Scan on utestenging_decision" in plan
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
                scanned = re.search(r"\bSCAN utestenging_decision\b(?! USING (COVERING )?INDEX)", plan) is not None
            if scanned:
                scans.append(f"{sql[:400]}\n{plan}")
    return count, scans


def vacuum(table: str = "") -> None:
    """PostgreSQL: fresh statistics (as autovacuum keeps them), and no autovacuum in the middle of a timed run.

    Not SQLite: nothing runs ANALYZE on a real installation, and its planner does well without statistics.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}".strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (taking turns); the median counts")
    args = parser.parse_args()
    setup_django()

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {args.decisions} active decisions")
    started = time.perf_counter()
    leader, decisions = build(args.decisions, today)
    print(f"fixture built in {time.perf_counter() - started:.1f} s")

    # The 1 % and 10 % runs take turns, so a change in the machine's load hits both alike.
    cases = (("1 %", 10), ("10 %", 100))
    expected = {per_mille: expected_reminders(args.decisions, per_mille) for _label, per_mille in cases}
    timings = {per_mille: [] for _label, per_mille in cases}
    for _ in range(args.runs):
        for _label, per_mille in cases:
            set_due(decisions, per_mille, today, leader)
            timings[per_mille].append(time_sweep(leader, today, expected[per_mille]))

    results = {}
    for label, per_mille in cases:
        set_due(decisions, per_mille, today, leader)
        results[per_mille] = statistics.median(timings[per_mille])
        runs = " ".join(f"{t:.3f}" for t in timings[per_mille])
        print(f"due {label}: {expected[per_mille]} reminders created and e-mailed per run; runs {runs} s; "
              f"median {results[per_mille]:.3f} s "
              f"({1000 * results[per_mille] / expected[per_mille]:.2f} ms per reminder)")
        queries, scans = full_scans(leader, today)
        print(f"queries ({label} due): {queries} per sweep ({queries / expected[per_mille]:.1f} per reminder)")
        if per_mille == 100:
            continue  # with 10 % due, reading the whole (small) table can rightly be the cheaper plan
        if scans:
            print(f"WARNING ({label} due): {len(scans)} query shape(s) scan the whole decision table:")
            for scan in scans:
                print(scan)
        else:
            print(f"plans ({label} due): every query the sweep makes on the decision table uses an index")
    ratio = results[100] / results[10]
    print(f"sweep: due_1pct={results[10]:.3f}s due_10pct={results[100]:.3f}s ratio={ratio:.2f} "
          f"decisions={args.decisions}", flush=True)


if __name__ == "__main__":
    main()
