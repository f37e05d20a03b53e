"""Benchmark of the incident statistics page on PostgreSQL (`make bench`).

Fills the database ``bench_stats`` (made if missing; BENCH_STATS_DATABASE_URL overrides) once with 250 units
and 1,000,000 incidents over ten years, each with one exposed staff member, generated in SQL (a filled
database is reused; ``--refill`` starts over). Then, in one run and for each scenario:

1. the statistics page's server time (p50/p95), in-process through Django's test client (middleware, the
   ORM, the rounding and the rendering of charts and tables included, no network);
2. the same figures computed by the raw SQL GROUP BY queries alone (what the database must do anyway),
   and the ratio of the page's time to that floor, measured side by side.

Scenarios: an HMS adviser's own unit (the default two years), the whole country (two years, small cells
hidden) and the whole country over ten years. Targets: p95 ≤ 300 ms and page/SQL ≤ 1.5.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_stats"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_STATS_DATABASE_URL", DEFAULT_DB)
os.environ["ENVIRONMENT"] = "development"
os.environ["ALLOW_TEST_IDENTS"] = "true"
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.lookup_support.settings"

INCIDENTS = 1_000_000
UNITS = 250
YEARS = 10
HMS_UNIT = "0315"
WARM_UP = 3
REQUESTS = 25


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_database() -> None:
    from bench.lookup_support.database import ensure_database as ensure

    ensure("bench/stats.py", "BENCH_STATS_DATABASE_URL")


def filled() -> bool:
    from hendelser.models import Incident

    return Incident.objects.count() >= INCIDENTS


def fill() -> None:
    from django.db import connection

    from nav_sikkerhet.core import access
    from nav_sikkerhet.core.models import Role, RoleAssignment, Unit, UnitType, User

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE hendelser_measure, hendelser_exposedperson, hendelser_citizenwarning, "
                       "hendelser_monthlycount, hendelser_incident CASCADE")
    specs = []
    for i in range(UNITS):
        centre = i >= UNITS - 5
        number = HMS_UNIT if i == 0 else (f"415{i - UNITS + 8}" if centre else f"{1000 + i * 7:04d}")
        specs.append({
            "number": number, "name": f"NAV {'Kontaktsenter' if centre else 'Kontor'} {i}",
            "unit_type": UnitType.KONTAKTSENTER if centre else UnitType.NAV_KONTOR,
            "region": "Oslo" if i < 15 or centre else f"Region {i % 11}",
            "municipality_number": "0301" if i < 15 or centre else f"{3000 + (i % 100):04d}",
            "municipality_name": "Oslo" if i < 15 else f"Kommune {i % 100}",
            "result_area": "NAV Kontaktsenter" if centre else "NAV-kontor",
        })
    existing = set(Unit.objects.values_list("number", flat=True))
    Unit.objects.bulk_create([Unit(**spec) for spec in specs if spec["number"] not in existing])
    unit = Unit.objects.get(number=HMS_UNIT)
    hms, _ = User.objects.get_or_create(username="bench.hms", defaults={"nav_ident": "B800001", "first_name": "Hanne",
                                                                        "last_name": "Hms"})
    RoleAssignment.objects.get_or_create(user=hms, unit=unit, role=Role.HMS)
    access.sync_user_permissions(hms)
    unit_ids = list(Unit.objects.filter(number__in=[s["number"] for s in specs]).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2021)")
        # Channels and categories roughly in the shares of NAV's note; the contact centres take five times as many.
        cursor.execute(
            """
            INSERT INTO hendelser_incident (public_id, unit_id, occurred_at, channel, category, other_categories,
                description, perpetrator, injury, sick_leave, weapon, police_reported, police_reported_by_unit,
                witnesses, asys_reference, municipal_reference, status, lessons_learned, registered_by_id, created_at,
                exposed_state, exposed_municipal)
            SELECT gen_random_uuid(), (%s::bigint[])[1 + floor(power(random(), 1.4) * %s)::int],
                   at, (ARRAY['phone','phone','phone','phone','digital','email','sms','social_media','reception',
                              'reception','interview_room','letter','home_visit','outside_office','other'])
                       [1 + floor(random() * 15)::int],
                   (ARRAY['threat','threat','threat','verbal','verbal','harassment','hate_speech','self_harm',
                          'vandalism','assault'])[1 + floor(random() * 10)::int],
                   '[]'::jsonb, 'Benchmark', 'unknown', 1, false, '', false, false, '', '', '', 'closed',
                   'Benchmark', %s, at, 0, 0
            FROM (SELECT now() - random() * interval '1 day' * 365 * %s AS at FROM generate_series(1, %s)) AS moments
            """,
            [unit_ids, len(unit_ids), hms.pk, YEARS, INCIDENTS],
        )
        log(f"{INCIDENTS} incidents ({time.perf_counter() - started:.0f} s)")
        cursor.execute(
            """
            INSERT INTO hendelser_exposedperson (incident_id, name, employer, bht, sick_leave, follow_up_note)
            SELECT id, 'Veileder', CASE WHEN random() < 0.4 THEN 'municipal' ELSE 'state' END, 'not_needed', false,
                   ''
            FROM hendelser_incident
            """
        )
        cursor.execute(
            """
            UPDATE hendelser_incident AS i SET exposed_state = (e.employer = 'state')::int,
                   exposed_municipal = (e.employer = 'municipal')::int
            FROM hendelser_exposedperson AS e WHERE e.incident_id = i.id
            """
        )
        log(f"exposed staff ({time.perf_counter() - started:.0f} s)")
    from hendelser import counts

    log(f"{counts.rebuild()} unit-months counted for the statistics ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE hendelser_incident")
        cursor.execute("VACUUM ANALYZE hendelser_exposedperson")
    log(f"data ready ({time.perf_counter() - started:.0f} s)")


# The figures the page shows, as the plain SQL GROUP BY queries a database person would write, one per figure:
# the floor the page is measured against.
YEAR = "extract(year FROM occurred_at AT TIME ZONE 'Europe/Oslo')"
QUARTER = "extract(quarter FROM occurred_at AT TIME ZONE 'Europe/Oslo')"
PERIOD = "occurred_at >= %(start)s AND occurred_at < %(end)s {units}"
EARLIER = "occurred_at >= %(prev)s AND occurred_at < %(prev_cut)s {units}"
RAW = [
    f"SELECT {YEAR}, {QUARTER}, count(*) FROM hendelser_incident WHERE {PERIOD} GROUP BY 1, 2",
    f"SELECT {YEAR}, category, count(*) FROM hendelser_incident WHERE {PERIOD} GROUP BY 1, 2",
    f"SELECT {YEAR}, channel, count(*) FROM hendelser_incident WHERE {PERIOD} GROUP BY 1, 2",
    f"SELECT {YEAR}, unit_id, count(*) FROM hendelser_incident WHERE {PERIOD} GROUP BY 1, 2",
    f"SELECT {YEAR}, sum(exposed_state), sum(exposed_municipal) FROM hendelser_incident WHERE {PERIOD} GROUP BY 1",
    f"SELECT {QUARTER}, count(*) FROM hendelser_incident WHERE {EARLIER} GROUP BY 1",
    f"SELECT category, count(*) FROM hendelser_incident WHERE {EARLIER} GROUP BY 1",
    f"SELECT channel, count(*) FROM hendelser_incident WHERE {EARLIER} GROUP BY 1",
    f"SELECT unit_id, count(*) FROM hendelser_incident WHERE {EARLIER} GROUP BY 1",
    f"SELECT sum(exposed_state), sum(exposed_municipal) FROM hendelser_incident WHERE {EARLIER}",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def raw_sql_ms(params: dict, unit_ids: list[int] | None) -> float:
    from django.db import connection

    units = "AND unit_id = ANY(%(units)s)" if unit_ids else ""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for query in RAW:
            cursor.execute(query.format(units=units), {**params, "units": unit_ids})
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def page_ms(client, query: dict) -> float:
    started = time.perf_counter()
    response = client.get("/hendelser/statistikk/", query)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or b"<svg" not in response.content:
        sys.exit(f"the statistics page answered {response.status_code} for {query}")
    return elapsed


def scenario(client, name: str, query: dict, unit_ids: list[int] | None) -> dict:
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    years = int(query.get("year_to", today.year)) - int(query.get("year_from", today.year - 1)) + 1
    start = timezone.make_aware(datetime.datetime(today.year - years + 1, 1, 1))
    params = {
        "start": start, "end": timezone.make_aware(datetime.datetime(today.year + 1, 1, 1)),
        "prev": timezone.make_aware(datetime.datetime(today.year - 1, 1, 1)),
        "prev_cut": timezone.make_aware(datetime.datetime.combine(today.replace(year=today.year - 1),
                                                                  datetime.time.min)) + datetime.timedelta(days=1),
    }
    for _ in range(WARM_UP):
        page_ms(client, query)
        raw_sql_ms(params, unit_ids)
    pages, raws = [], []
    for _ in range(REQUESTS):  # interleaved, so both see the same load on a shared machine
        pages.append(page_ms(client, query))
        raws.append(raw_sql_ms(params, unit_ids))
    result = {
        "page_p50": statistics.median(pages), "page_p95": percentile(pages, 0.95),
        "sql_p50": statistics.median(raws), "sql_p95": percentile(raws, 0.95),
    }
    result["ratio"] = result["page_p50"] / result["sql_p50"]
    log(f"{name}: page p50 {result['page_p50']:.0f} ms p95 {result['page_p95']:.0f} ms; raw SQL p50 "
        f"{result['sql_p50']:.0f} ms p95 {result['sql_p95']:.0f} ms; page/SQL {result['ratio']:.2f}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refill", action="store_true", help="generate the incidents again")
    args = parser.parse_args()

    import django

    django.setup()
    ensure_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.refill or not filled():
        fill()
    from hendelser import counts
    from hendelser.models import MonthlyCount

    if not MonthlyCount.objects.exists():
        log(f"{counts.rebuild()} unit-months counted for the statistics")
    from django.test import Client
    from django.utils import timezone

    from nav_sikkerhet.core.models import Unit, User

    client = Client()
    client.force_login(User.objects.get(username="bench.hms"))
    unit = Unit.objects.get(number=HMS_UNIT)
    this_year = timezone.localdate().year
    results = {
        "own_unit": scenario(client, "own unit, 2 years", {"unit": unit.number}, [unit.pk]),
        "country": scenario(client, "whole country, 2 years", {}, None),
        "country_10y": scenario(client, "whole country, 10 years",
                                {"year_from": this_year - YEARS + 1, "year_to": this_year}, None),
    }
    headline = results["country"]
    print(
        f"incidents={INCIDENTS} units={UNITS} "
        + " ".join(f"{name}_p50={r['page_p50']:.0f}ms {name}_p95={r['page_p95']:.0f}ms {name}_ratio={r['ratio']:.2f}"
                   for name, r in results.items())
        + f" target_p95<=300ms:{'met' if headline['page_p95'] <= 300 else 'MISSED'}"
        + f" target_ratio<=1.5:{'met' if headline['ratio'] <= 1.5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
