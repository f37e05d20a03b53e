"""Benchmark of a ROS analysis of the largest allowed size (`make bench`): import, page and PDF.

An analysis of ``ROS_MAX_EVENTS`` events (each with a description, barriers, a residual risk and two measures) is
imported from a file through ``services.analysis_import``, then its page and its PDF are fetched as the unit's
leader through Django's test client (middleware, view, selectors, templates, WeasyPrint).

It makes its own data in a temporary SQLite database, removed at the end (BENCH_ROS_DATABASE_URL points it at
another database, e.g. PostgreSQL: migrated and added to, never emptied). ``--profile`` prints cProfile's top
entries for each path. Targets: import ≤ 2 s, page ≤ 0.5 s, PDF ≤ 10 s (medians).
"""

import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

WORK = Path(tempfile.mkdtemp(prefix="bench-ros-"))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_ROS_DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ["ENVIRONMENT"] = "development"
os.environ["DEBUG"] = "false"  # no query log in memory while timing
os.environ["REDIS_URL"] = ""
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nav_sikkerhet.settings")

TARGETS = {"import": 2.0, "page": 0.5, "pdf": 10.0}
ROUNDS = {"import": 3, "page": 5, "pdf": 2}
if os.environ.get("BENCH_ROS_QUICK"):  # one round each, while profiling
    ROUNDS = dict.fromkeys(ROUNDS, 1)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def ros_file(events: int, ident: str) -> dict:
    """A file of ``events`` events in the import format, each with two measures."""
    categories = ["Truslar", "Vold", "Anna"]
    return {
        "title": "ROS vold og trusler (bench)", "scope": "Mottak, samtalerom, telefon og hjemmebesøk.",
        "participants": "Enhetsleder, verneombud, HMS-rådgiver", "analysis_date": "2026-01-15",
        "causes": [{"cause": f"Årsak {n}: lang ventetid og avslag", "likelihood_as_trigger": 1 + n % 5}
                   for n in range(20)],
        "events": [{
            "event": f"Uønsket hendelse {n}: trusler i mottaket ved avslag på søknad",
            "category": categories[n % 3],
            "description": "Bruker blir sint ved avslag og truer veileder i mottaket eller på telefon. " * 2,
            "frequency": "Månedlig", "probability": 1 + n % 5, "consequence": 1 + (n // 5) % 5,
            "barriers": "Alarm i skranken, to ansatte i mottaket, rutine for oppfølging.",
            "residual_probability": 1, "residual_consequence": 1 + (n // 5) % 5,
            "measures": [
                {"kind": "preventive", "description": f"Rutine for avslag i samtalerom ({n}).",
                 "responsible": ident, "due_on": "2030-06-30"},
                {"kind": "damage_reducing", "description": f"Debrief og BHT etter hendelsen ({n}).",
                 "responsible": ident, "due_on": "2030-09-30", "status": "in_progress"},
            ],
        } for n in range(events)],
    }


def timed(label: str, func, rounds: int, profile: bool):
    times, result = [], None
    profiler = cProfile.Profile() if profile else None
    for _round in range(rounds):
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        result = func()
        if profiler:
            profiler.disable()
        times.append(time.perf_counter() - start)
    if profiler:
        log(f"profile of {label}:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return statistics.median(times), result


def main(profile: bool = False) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from nav_sikkerhet.core import access
    from nav_sikkerhet.core.models import RoleAssignment, Unit, UnitType, User
    from risiko import services

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    log(f"database {os.environ['DATABASE_URL']}")
    call_command("migrate", verbosity=0)
    unit, _ = Unit.objects.get_or_create(number="0315", defaults={
        "name": "NAV Grünerløkka", "municipality_number": "0301", "municipality_name": "Oslo", "region": "Oslo",
        "unit_type": UnitType.NAV_KONTOR, "result_area": "NAV-kontor"})
    leader, _ = User.objects.get_or_create(username="bench_ros_leder", defaults={
        "nav_ident": "B200315", "first_name": "Rita", "last_name": "Risiko"})
    RoleAssignment.objects.get_or_create(user=leader, unit=unit, role="enhetsleder")
    access.sync_user_permissions(leader)

    size = settings.ROS_MAX_EVENTS
    data = ros_file(size, leader.nav_ident)
    log(f"{size} events (the largest allowed), {2 * size} measures")
    imported = []
    figures = {}
    figures["import"], _ = timed(
        "import", lambda: imported.append(services.analysis_import(by=leader, data=data, unit=unit)),
        ROUNDS["import"], profile)
    analysis = imported[-1]

    client = Client()
    client.force_login(leader)
    page_url, pdf_url = f"/risiko/{analysis.pk}/", f"/risiko/{analysis.pk}/rapport.pdf"
    assert client.get(page_url).status_code == 200  # warm: templates, catalogues, connection
    with CaptureQueriesContext(connection) as captured:
        client.get(page_url)
    page_queries = len(captured.captured_queries)
    figures["page"], response = timed("page", lambda: client.get(page_url), ROUNDS["page"], profile)
    assert response.status_code == 200
    figures["pdf"], response = timed("pdf", lambda: client.get(pdf_url), ROUNDS["pdf"], profile)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    log(f"page: {page_queries} queries; PDF: {len(response.content) / 1024:.0f} KiB")

    met = True
    for name, seconds in figures.items():
        ok = seconds <= TARGETS[name]
        met &= ok
        log(f"ROS {name} at {size} events: median {seconds:.3f} s (target ≤ {TARGETS[name]} s): "
            f"{'met' if ok else 'NOT MET'}")
    # Absolute targets on a shared machine: the load says how far the figures are from an idle one.
    log(f"load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print("ros: " + " ".join(f"{name}={seconds:.3f}s" for name, seconds in figures.items())
          + f" events={size} page_queries={page_queries}", flush=True)
    return 0 if met else 1


if __name__ == "__main__":
    try:
        code = main(profile="--profile" in sys.argv)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(code)
