"""Benchmark of the reception look-up and the security-measure API on PostgreSQL (`make bench`).

Fills the database ``bench_lookup`` (made if missing; BENCH_DATABASE_URL overrides) with 1,000,000
citizens, 50,000 decisions over six years with their covered units, channels and facts (the incidents
behind them), once: a filled database is reused (``--refill`` starts over). Then, in one run:

1. server-side time of the look-up view and of the API, p50/p95, in-process through Django's test
   client (the request handling, middleware and database included, no network);
2. SQL queries per look-up beyond loading the session and the user (the audit-log insert included);
3. requests per second of the API under gunicorn (loopback only; the production worker setup, see
   GUNICORN_ARGS) beside two yardsticks on the same server in the same run: a trivial JSON view, and a
   view that writes one durable row (an audit line, committed), with ``wrk`` when installed, else a
   bounded Python thread pool. The API writes that row too, so the one-insert view is its real floor.

Every step is bounded in count or time, and the server is stopped at the end. The last line prints the
figures and the ratios. Targets (issue 24), each printed as met or NOT MET: look-up p95 ≤ 8 ms and ≤ 1.5 × the
in-process p95 of the one-insert view (timed alternately with the look-up in the same run), ≤ 4 queries, API
throughput ≥ 0.6 × the one-insert view's. ``--profile N`` prints cProfile and the SQL of N look-ups and API calls.
The throttle counts in Redis as in production (BENCH_REDIS_URL, default Redis database 1), with a rate no
benchmark reaches.
"""

import argparse
import concurrent.futures
import datetime
import http.client
import io
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_lookup"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
os.environ["ENVIRONMENT"] = "development"  # synthetic identity numbers (ALLOW_TEST_IDENTS) and no HTTPS redirect
os.environ["ALLOW_TEST_IDENTS"] = "true"
os.environ["DEBUG"] = "false"
# The throttle's counters live in Redis as in production; tasks are not queued by a look-up.
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ["API_RATE"] = os.environ["LOOKUP_RATE"] = "100000000/m"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.lookup_support.settings"

CITIZENS = 1_000_000
DECISIONS = 50_000
UNITS = 250
YEARS = 6
RECEPTION_UNIT = "0315"
VIEW_REQUESTS = API_REQUESTS = int(os.environ.get("BENCH_LOOKUP_REQUESTS", "1500"))
WARM_UP = 100
LOAD_SECONDS = 8
LOAD_CONNECTIONS = 8
POOL_REQUESTS = 3000  # the Python load generator's fixed count per target, when wrk is missing
POOL_TIMEOUT = 240  # a loaded, shared machine may serve a few dozen requests a second
SERVER_START_TIMEOUT = 30

FIRST = ["Ola", "Kari", "Per", "Ingrid", "Ahmed", "Fatima", "Jonas", "Emma", "Mohammed", "Nora", "Lars", "Sofie",
         "Piotr", "Anna", "Erik", "Maja", "Ali", "Hanna", "Tor", "Leah", "Knut", "Aisha", "Sindre", "Marte", "Jan"]
MIDDLE = ["", "", "", "Marie", "Johan", "Elisabeth", "Andreas", "Louise", "Kristian", "Sofia"]
LAST = ["Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
        "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Ali", "Khan", "Nowak",
        "Dahl", "Lie", "Moen", "Strand", "Solberg", "Bakken", "Lund", "Iversen", "Ahmadi", "Svendsen"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_database() -> None:
    from bench.lookup_support.database import ensure_database as ensure

    ensure("bench/lookup.py", "BENCH_DATABASE_URL")


# -- data ---------------------------------------------------------------------------------------------------------


def filled() -> bool:
    from nav_sikkerhet.core.models import Citizen
    from utestenging.models import Decision

    return Citizen.objects.count() >= CITIZENS and Decision.objects.count() >= DECISIONS


def fill(rng: random.Random) -> None:
    from django.db import connection

    from nav_sikkerhet.core import access
    from nav_sikkerhet.core.identity import generate_synthetic
    from nav_sikkerhet.core.models import Role, RoleAssignment, Unit, UnitType, User

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE utestenging_fact, utestenging_alternativechannel, utestenging_decision_covered_units, "
            "utestenging_breach, utestenging_decisionevent, core_auditlogentry, core_reminder, core_apikey, "
            "utestenging_decision, core_citizen, core_historicalcitizen CASCADE"
        )

    # Units: Oslo's offices (the reception's among them), offices in 100 other municipalities, five contact centres.
    specs = []
    for i in range(UNITS):
        if i < 15:
            number = RECEPTION_UNIT if i == 0 else f"03{16 + i:02d}"
            municipality, name, region = "0301", "Oslo", "Oslo"
            unit_type, area = UnitType.NAV_KONTOR, "NAV-kontor"
        elif i >= UNITS - 5:
            number, municipality, name, region = f"415{i - UNITS + 8}", "0301", "Oslo", "Oslo"
            unit_type, area = UnitType.KONTAKTSENTER, "NAV Kontaktsenter"
        else:
            number = f"{1000 + i * 7:04d}"
            municipality, name, region = f"{3000 + (i % 100):04d}", f"Kommune {i % 100}", f"Region {i % 11}"
            unit_type, area = UnitType.NAV_KONTOR, "NAV-kontor"
        specs.append({"number": number, "name": f"NAV {name} {i}", "unit_type": unit_type, "region": region,
                      "municipality_number": municipality, "municipality_name": name, "result_area": area})
    existing = {u.number: u for u in Unit.objects.all()}
    Unit.objects.bulk_create([Unit(**spec) for spec in specs if spec["number"] not in existing])
    units = list(Unit.objects.filter(number__in=[s["number"] for s in specs]).order_by("number"))
    reception_unit = next(u for u in units if u.number == RECEPTION_UNIT)
    centres = [u for u in units if u.unit_type == UnitType.KONTAKTSENTER]

    leaders = {}
    for unit in units:
        leaders[unit.pk], _ = User.objects.get_or_create(
            username=f"bench.leder.{unit.number}",
            defaults={"nav_ident": f"B{unit.pk:06d}", "first_name": "Leder", "last_name": unit.number,
                      "email": f"leder.{unit.number}@bench.test"},
        )
    reception, _ = User.objects.get_or_create(
        username="bench.mottak", defaults={"nav_ident": "B900001", "first_name": "Morten", "last_name": "Mottak"})
    RoleAssignment.objects.get_or_create(user=reception, unit=reception_unit, role=Role.MOTTAK)
    access.sync_user_permissions(reception)
    log(f"{len(units)} units, {len(leaders)} leaders and the reception user ready")

    # 1,000,000 citizens with valid synthetic identity numbers, loaded with COPY.
    numbers: set[str] = set()
    rows = io.StringIO()
    first_day = datetime.date(1940, 1, 1)
    days = (datetime.date(2006, 12, 31) - first_day).days
    i = 0
    while len(numbers) < CITIZENS:
        born = first_day + datetime.timedelta(days=i % days)
        number = generate_synthetic(born, (i // days * 37 + 11) % 1000)
        i += 1
        if number in numbers:
            continue
        numbers.add(number)
        name = " ".join(filter(None, [rng.choice(FIRST), rng.choice(MIDDLE), rng.choice(LAST)]))
        rows.write(f"{uuid.uuid4()}\t{number}\tFNR\t{born.isoformat()}\t{name}\tGate {i % 200}\t0150\tOSLO\t\tnb\n")
    log(f"{CITIZENS} identity numbers generated ({time.perf_counter() - started:.0f} s)")
    rows.seek(0)
    with connection.cursor() as cursor, cursor.copy(
        "COPY core_citizen (public_id, personident, ident_kind, birth_date, name, address, postal_code, "
        "postal_city, country, preferred_language) FROM STDIN"
    ) as copy:
        while chunk := rows.read(1 << 20):
            copy.write(chunk)
    log(f"citizens copied ({time.perf_counter() - started:.0f} s)")
    fill_decisions(rng, units, reception_unit, centres, leaders)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"data ready ({time.perf_counter() - started:.0f} s)")


def fill_decisions(rng, units, reception_unit, centres, leaders) -> None:
    from django.db import connection
    from django.utils import timezone

    from nav_sikkerhet.core.models import UnitType
    from utestenging.models import AlternativeChannel, ChannelKind, Decision, Fact, Ground, Kind, Scope, Status

    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM core_citizen")
        low, high = cursor.fetchone()
    oslo_offices = [u for u in units if u.municipality_number == "0301" and u.unit_type == UnitType.NAV_KONTOR]
    assessment = "Vurdert skriftlig (benchmark)."
    decisions = []
    for _ in range(DECISIONS):
        # The reception's unit decides 2 %, the contact centres 10 %, the rest spread over all units.
        roll = rng.random()
        unit = reception_unit if roll < 0.02 else rng.choice(centres) if roll < 0.12 else rng.choice(units)
        kind = Kind.TFUS if unit in centres else rng.choice([Kind.FYUS, Kind.FYUS, Kind.FYUS, Kind.FTUS])
        created = timezone.make_aware(datetime.datetime.combine(
            today - datetime.timedelta(days=rng.randrange(YEARS * 365)), datetime.time(9)))
        leader = leaders[unit.pk]
        decision = Decision(
            kind=kind, citizen_id=rng.randint(low, high), unit=unit, created_by_id=leader.pk,
            responsible_leader_id=leader.pk, created_at=created,
            grounds=[Ground.PHONE_THREATS] if kind == Kind.TFUS else [Ground.THREATS],
            case_informed=assessment, risk_of_repetition=assessment, clear_need=assessment,
            alternatives=assessment, proportionality=assessment, other_measures=assessment,
            whole_situation=assessment, duration_assessment=assessment,
            scope=Scope.RESULT_AREA if unit in centres else (Scope.MUNICIPALITY if rng.random() < 0.2 else Scope.UNIT),
        )
        if rng.random() < 0.04:
            decision.status = Status.DRAFT
        else:
            start = created.date() + datetime.timedelta(days=rng.randrange(0, 7))
            decision.valid_from, decision.valid_to = start, start + datetime.timedelta(days=rng.randrange(13, 84))
            decision.signed_by_id, decision.signed_at = leader.pk, created
            if decision.valid_to < today:
                decision.status = Status.EXPIRED
                if rng.random() < 0.1:
                    decision.status, decision.lifted_on = Status.LIFTED, decision.valid_to - datetime.timedelta(days=3)
                    decision.lift_reason = "Opphevet (benchmark)."
            else:
                decision.status = Status.ACTIVE if decision.valid_from <= today else Status.SIGNED
        decisions.append(decision)
    Decision.objects.bulk_create(decisions, batch_size=5000)
    log(f"{len(decisions)} decisions")

    through = Decision.covered_units.through
    covered, channels, facts = [], [], []
    for decision in decisions:
        units_of = (centres if decision.scope == Scope.RESULT_AREA
                    else oslo_offices if decision.scope == Scope.MUNICIPALITY and decision.unit.municipality_number
                    == "0301" else [decision.unit])
        covered += [through(decision_id=decision.pk, unit_id=u.pk) for u in {decision.unit, *units_of}]
        channels.append(AlternativeChannel(decision_id=decision.pk, channel=ChannelKind.PHONE,
                                           person_name=f"Leder {decision.unit.number}", phone="41 23 45 67",
                                           times="Tirsdager 10–12"))
        for back in (9, 30):  # the incidents the decision rests on
            facts.append(Fact(decision_id=decision.pk, occurred_on=decision.created_at.date() - datetime.timedelta(
                days=back), description="Truet ansatt i mottaket (benchmark)."))
    through.objects.bulk_create(covered, batch_size=10000)
    AlternativeChannel.objects.bulk_create(channels, batch_size=10000)
    Fact.objects.bulk_create(facts, batch_size=10000)
    log(f"{len(covered)} covered units, {len(channels)} channels, {len(facts)} facts")


# -- in-process timing ----------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def samples(rng: random.Random, count: int) -> list[str]:
    """Identity numbers to look up: 40 % with measures in force, 40 % registered without, 20 % unknown."""
    from django.db.models import Q

    from nav_sikkerhet.core.identity import generate_synthetic
    from nav_sikkerhet.core.models import Citizen
    from utestenging.lookup import in_force_q

    today = datetime.date.today()
    with_measures = list(Citizen.objects.filter(Q(decisions__in=_in_force(in_force_q(today)))).values_list(
        "personident", flat=True).distinct()[:5000])
    others = list(Citizen.objects.order_by("?").values_list("personident", flat=True)[:2000])
    unknown = [generate_synthetic(datetime.date(2007, 1, 1) + datetime.timedelta(days=d), 500 + d % 400)
               for d in range(500)]
    result = []
    for _ in range(count):
        roll = rng.random()
        pool = with_measures if roll < 0.4 else others if roll < 0.8 else unknown
        result.append(rng.choice(pool))
    return result


def _in_force(q):
    from utestenging.models import Decision

    return Decision.objects.filter(q)


def _post_form(client, path: str, data: dict):
    # As a browser posts the search form (no enctype): URL-encoded, where the test client's default is multipart.
    return client.post(path, urlencode(data), content_type="application/x-www-form-urlencoded")


def time_requests(send, numbers: list[str]) -> list[float]:
    timings = []
    for number in numbers:
        started = time.perf_counter()
        response = send(number)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"unexpected answer {response.status_code}: {response.content[:200]!r}")
    return timings


def measure_in_process(rng: random.Random) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from nav_sikkerhet.core import services
    from nav_sikkerhet.core.models import User
    from utestenging.lookup import in_force_q

    reception = User.objects.get(username="bench.mottak")
    view = Client()
    view.force_login(reception)
    _row, key = services.api_key_create(system="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def look_up(number):
        return _post_form(view, "/mottak/", {"search": "ident", "personident": number})

    def call_api(number):
        return api.post("/api/v1/sikkerhetstiltak", json.dumps({"personident": number}),
                        content_type="application/json")

    def one_insert(_number):
        return view.post("/bench/one-insert.json")

    numbers = samples(rng, WARM_UP + max(VIEW_REQUESTS, API_REQUESTS))
    time_requests(look_up, numbers[:WARM_UP])
    time_requests(call_api, numbers[:WARM_UP])
    time_requests(one_insert, numbers[:WARM_UP])
    # The look-up and its yardstick (the one-insert view, same client, middleware and session) alternate request by
    # request, so a busy moment on the shared machine weighs on both alike.
    view_ms, insert_ms = [], []
    for number in numbers[WARM_UP:WARM_UP + VIEW_REQUESTS]:
        view_ms += time_requests(look_up, [number])
        insert_ms += time_requests(one_insert, [number])
    api_ms = time_requests(call_api, numbers[WARM_UP:WARM_UP + API_REQUESTS])

    # Queries for one look-up of a person whose exclusion covers the reception's unit.
    covered = _in_force(in_force_q(datetime.date.today())).filter(covered_units__number=RECEPTION_UNIT).values_list(
        "citizen__personident", flat=True).first()
    with CaptureQueriesContext(connection) as queries:
        response = look_up(covered)
    assert b"alertdialog" in response.content, "the sample citizen should raise the alert"
    sql = [q["sql"] for q in queries.captured_queries]
    # Beyond the session (load, and the save with its BEGIN/COMMIT) and the user.
    own = [s for s in sql if "django_session" not in s and not s.startswith('SELECT "core_user"')
           and s not in ("BEGIN", "COMMIT") and "SAVEPOINT" not in s]
    with CaptureQueriesContext(connection) as api_queries:
        call_api(covered)
    return {
        "view_p50": percentile(view_ms, 0.5), "view_p95": percentile(view_ms, 0.95),
        "insert_p50": percentile(insert_ms, 0.5), "insert_p95": percentile(insert_ms, 0.95),
        "api_p50": percentile(api_ms, 0.5), "api_p95": percentile(api_ms, 0.95),
        "queries": len(own), "queries_total": len(sql), "api_queries": len(api_queries.captured_queries),
        "key": key, "numbers": numbers[WARM_UP:],
        "view_mean": statistics.fmean(view_ms), "api_mean": statistics.fmean(api_ms),
        "commit_ms": commit_latency(),
    }


def commit_latency() -> float:
    """Median time of one durable commit (an INSERT in autocommit): the floor under every audited request."""
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_commit_probe (x int)")
        for _ in range(50):
            started = time.perf_counter()
            cursor.execute("INSERT INTO bench_commit_probe VALUES (1)")
            timings.append((time.perf_counter() - started) * 1000)
        cursor.execute("DROP TABLE bench_commit_probe")
    return statistics.median(timings)


# -- throughput under gunicorn ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The worker setup of docs/deployment.md's production section; BENCH_GUNICORN_ARGS tries another.
GUNICORN_ARGS = os.environ.get("BENCH_GUNICORN_ARGS", "--workers 2 --worker-class gthread --threads 4").split()


def start_gunicorn(port: int, log_file) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(  # noqa: S603 – fixed arguments, loopback only
        [gunicorn, "nav_sikkerhet.wsgi:application", "--bind", f"127.0.0.1:{port}", *GUNICORN_ARGS,
         "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning"],
        cwd=PROJECT, env=os.environ.copy(), stdout=log_file, stderr=log_file, start_new_session=True,
    )
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn did not start; see its log above")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not answer in time")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


WRK_SCRIPT = """
local numbers = {%s}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, '{"personident": "' .. numbers[(i %% #numbers) + 1] .. '"}')
end
"""


def rps_wrk(port: int, path: str, key: str, numbers: list[str], workdir: Path) -> tuple[float, int]:
    script = workdir / "post.lua"
    script.write_text(WRK_SCRIPT % (",".join(f'"{n}"' for n in numbers[:2000]), key))
    result = subprocess.run(  # noqa: S603 – fixed arguments, loopback only
        ["wrk", "-t2", f"-c{LOAD_CONNECTIONS}", f"-d{LOAD_SECONDS}s", "--timeout", "5s", "-s", str(script),
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, timeout=LOAD_SECONDS + 30, check=True,
    )
    rps = next(float(line.split()[1]) for line in result.stdout.splitlines() if line.startswith("Requests/sec"))
    errors = sum(int(part.split()[-1]) for part in result.stdout.splitlines() if "Non-2xx" in part)
    return rps, errors


def rps_pool(port: int, path: str, key: str, numbers: list[str]) -> tuple[float, int]:
    """A fixed number of requests from LOAD_CONNECTIONS threads; bounded by count and POOL_TIMEOUT."""

    def one(number: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("POST", path, json.dumps({"personident": number}),
                         {"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
            return conn.getresponse().status
        finally:
            conn.close()

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(LOAD_CONNECTIONS) as pool:
        statuses = list(pool.map(one, (numbers[i % len(numbers)] for i in range(POOL_REQUESTS)),
                                 timeout=POOL_TIMEOUT))
    elapsed = time.perf_counter() - started
    return POOL_REQUESTS / elapsed, sum(status != 200 for status in statuses)


def measure_throughput(key: str, numbers: list[str]) -> dict:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with open(workdir / "gunicorn.log", "w") as log_file:
            server = start_gunicorn(port, log_file)
            try:
                use_wrk = shutil.which("wrk") is not None
                results = {}
                targets = (("trivial", "/bench/trivial.json"), ("insert", "/bench/one-insert.json"),
                           ("api", "/api/v1/sikkerhetstiltak"))
                for name, path in [(name + suffix, path) for suffix in ("", "2") for name, path in targets]:
                    rps, errors = (rps_wrk(port, path, key, numbers, workdir) if use_wrk
                                   else rps_pool(port, path, key, numbers))
                    if errors:
                        raise SystemExit(f"{errors} failed requests against {path}")
                    results[name] = rps
                    log(f"{name:8s} {rps:8.0f} requests/s ({'wrk' if use_wrk else 'thread pool'})")
            finally:
                stop(server)
        errors_logged = (workdir / "gunicorn.log").read_text()
        if "Traceback" in errors_logged:
            print(errors_logged[-3000:])
    # Two alternating rounds each; the better of each evens out the noise of a shared machine.
    return {"api_rps": max(results["api"], results["api2"]),
            "insert_rps": max(results["insert"], results["insert2"]),
            "trivial_rps": max(results["trivial"], results["trivial2"]), "tool": "wrk" if use_wrk else "pool"}


def profile(rng: random.Random, count: int) -> None:
    """cProfile over ``count`` look-ups and ``count`` API calls, and the SQL of one of each, printed; no timing run."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from nav_sikkerhet.core import services
    from nav_sikkerhet.core.models import User

    view = Client()
    view.force_login(User.objects.get(username="bench.mottak"))
    _row, key = services.api_key_create(system="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    paths = {
        "look-up": lambda n: _post_form(view, "/mottak/", {"search": "ident", "personident": n}),
        "API": lambda n: api.post("/api/v1/sikkerhetstiltak", json.dumps({"personident": n}),
                                  content_type="application/json"),
    }
    numbers = samples(rng, WARM_UP + count)
    for name, send in paths.items():
        time_requests(send, numbers[:WARM_UP])
        profiler = cProfile.Profile()
        profiler.enable()
        time_requests(send, numbers[WARM_UP:])
        profiler.disable()
        log(f"profile of {count} calls of the {name} (per call: divide by {count}):")
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
        with CaptureQueriesContext(connection) as queries:
            send(numbers[WARM_UP])
        for query in queries.captured_queries:
            print(f"  {query['time']} s  {query['sql'][:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refill", action="store_true", help="empty and fill the benchmark database again")
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile N look-ups and API calls, then stop")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from nav_sikkerhet.core.heap import freeze_after_startup

    freeze_after_startup()  # as the web workers do (wsgi.py); the gunicorn part runs wsgi.py itself
    ensure_database()
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(20260101)
    if args.refill or not filled():
        log("filling the benchmark database (once; reused by later runs)")
        fill(rng)
    else:
        log("reusing the filled benchmark database (--refill to start over)")
    if args.profile:
        profile(rng, args.profile)
        return

    figures = measure_in_process(rng)
    log(f"in-process: view mean {figures['view_mean']:.2f} ms, API mean {figures['api_mean']:.2f} ms; "
        f"queries per look-up {figures['queries']} "
        f"(+{figures['queries_total'] - figures['queries']} session, user, transaction), "
        f"per API call {figures['api_queries']}; one durable commit takes {figures['commit_ms']:.2f} ms here "
        "(the floor under the audit line each look-up writes)")
    figures.update(measure_throughput(figures["key"], figures["numbers"]))
    ratio_insert = figures["api_rps"] / figures["insert_rps"]
    ratio_trivial = figures["api_rps"] / figures["trivial_rps"]
    view_ratio = figures["view_p95"] / figures["insert_p95"]
    targets = {
        f"look-up p95 {figures['view_p95']:.2f} ms ≤ 8 ms": figures["view_p95"] <= 8,
        f"look-up p95 ≤ 1.5 × the one-insert view's p95 {figures['insert_p95']:.2f} ms in the same run "
        f"(ratio {view_ratio:.2f})": view_ratio <= 1.5,
        f"queries per look-up {figures['queries']} ≤ 4": figures["queries"] <= 4,
        f"API {figures['api_rps']:.0f} req/s ≥ 0.6 × the one-insert view's {figures['insert_rps']:.0f} req/s "
        f"(ratio {ratio_insert:.2f})": ratio_insert >= 0.6,
    }
    for name, ok in targets.items():
        log(f"{name}: {'met' if ok else 'NOT MET'}")
    log(f"load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(
        f"lookup: view_p50={figures['view_p50']:.2f}ms view_p95={figures['view_p95']:.2f}ms "
        f"one_insert_p50={figures['insert_p50']:.2f}ms one_insert_p95={figures['insert_p95']:.2f}ms "
        f"view/one_insert_p95={view_ratio:.2f} "
        f"api_p50={figures['api_p50']:.2f}ms api_p95={figures['api_p95']:.2f}ms queries={figures['queries']} "
        f"api_rps={figures['api_rps']:.0f} one_insert_rps={figures['insert_rps']:.0f} "
        f"trivial_rps={figures['trivial_rps']:.0f} api/one_insert={ratio_insert:.2f} "
        f"api/trivial={ratio_trivial:.2f} gunicorn='{' '.join(GUNICORN_ARGS)}'",
        flush=True,
    )


if __name__ == "__main__":
    main()
