"""Benchmark of the signed decision letter (`make bench`): our cost around WeasyPrint.

In one run on one machine, interleaved round by round so both see the same conditions:

1. end to end: ``services.letter_generate`` on a pending decision letter of a signed decision, which
   fetches the decision and its rows from the database, renders the Django template in the letter's
   language, has WeasyPrint write tagged PDF/A-2a, hashes it (SHA-256) and stores it through Django's storage;
2. WeasyPrint alone (``letters.html_to_pdf``) on the same final HTML (checked: the bytes are identical
   to the archived file);
3. the floor: WeasyPrint on a one-page plain document, the same way.

It makes its own data in a temporary SQLite database and media folder, removed at the end
(BENCH_LETTERS_DATABASE_URL points it at another database, e.g. PostgreSQL: migrated and added to, never emptied).
Targets: end-to-end median ≤ 0.5 s and end to end / WeasyPrint ≤ 1.3. The last line prints the figures.
"""

import datetime
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

WORK = Path(tempfile.mkdtemp(prefix="bench-letters-"))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_LETTERS_DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ["ENVIRONMENT"] = "development"  # synthetic identity numbers for the made-up citizens
os.environ["ALLOW_TEST_IDENTS"] = "true"
os.environ["DEBUG"] = "false"  # no query log in memory while timing
os.environ["REDIS_URL"] = ""
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nav_sikkerhet.settings")

ROUNDS = 21
WARM_UP = 3
TARGET_END_TO_END = 0.5
TARGET_RATIO = 1.3
PLAIN = (
    '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Plain</title></head>'
    "<body><p>NAV</p></body></html>"
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def make_cases(count: int) -> list[int]:
    """``count`` signed decisions with realistic content, each with its decision letter still pending."""
    from django.utils import timezone

    from hendelser.models import WarningForm
    from nav_sikkerhet.core import access
    from nav_sikkerhet.core import services as core_services
    from nav_sikkerhet.core.identity import generate_synthetic
    from nav_sikkerhet.core.models import Citizen, RoleAssignment, Unit, UnitType, User
    from utestenging import services
    from utestenging.models import (
        AlternativeOutcome,
        ChannelKind,
        Ground,
        Kind,
        LessIntrusiveMeasure,
        Scope,
        WrittenDelivery,
    )

    oslo = {"municipality_number": "0301", "municipality_name": "Oslo", "region": "Oslo",
            "unit_type": UnitType.NAV_KONTOR, "result_area": "NAV-kontor"}
    units = [Unit.objects.get_or_create(number=number, defaults={"name": name, **oslo})[0]
             for number, name in [("0315", "NAV Grünerløkka"), ("0328", "NAV Grorud"), ("0314", "NAV Sagene"),
                                  ("0312", "NAV Frogner")]]
    leader, _ = User.objects.get_or_create(
        username="bench_leder",
        defaults={"nav_ident": "B100315", "first_name": "Lene", "last_name": "Leder", "title": "Enhetsleder",
                  "phone": "41 23 45 67", "email": "bench@nav.test"},
    )
    # A state leader: the letter names the one complaint route that follows (nav.no).
    RoleAssignment.objects.update_or_create(user=leader, unit=units[0], role="enhetsleder",
                                            defaults={"employer": "state"})
    access.sync_user_permissions(leader)
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    letter_ids = []
    languages = ["nb", "nn", "en"]
    # The task that renders after commit is held back: the letters are timed one by one below.
    with mock.patch.object(services, "_letter_enqueue", lambda letter_id: None):
        serial = Citizen.objects.count()
        for n in range(count):
            ident = generate_synthetic(datetime.date(1970, 1, 1) + serial * day, 100 + serial % 800)
            while Citizen.objects.filter(personident=ident).exists():  # a reused database keeps its citizens
                serial += 1
                ident = generate_synthetic(datetime.date(1970, 1, 1) + serial * day, 100 + serial % 800)
            serial += 1
            citizen = core_services.citizen_create(
                by=leader, personident=ident,
                name=f"Bench Bruker {serial}", address="Storgata 12\nLeilighet H0301", postal_code="0155",
                postal_city="OSLO", preferred_language=languages[n % 3],
            )
            decision = services.decision_create(by=leader, citizen=citizen, unit=units[0], kind=Kind.FTUS)
            services.decision_update(
                by=leader, decision_id=decision.pk, grounds=[Ground.THREATS, Ground.PHONE_THREATS],
                letter_language=languages[n % 3],
                case_informed="Hendelsene er beskrevet av to ansatte og vekter, og bruker har fått uttale seg.",
                risk_of_repetition="Bruker har gjentatt truslene etter muntlig og skriftlig advarsel.",
                clear_need="Ansatte i mottaket opplever situasjonen som utrygg.",
                proportionality="Truslene er alvorlige og gjentatte; åtte uker med alternativ kanal er forholdsmessig.",
                other_measures="Vi har sjekket at det ikke finnes andre aktive sikkerhetstiltak.",
                whole_situation="Ytelsene behandles skriftlig, så rettighetene ivaretas i perioden.",
                other_units_views="NAV Kontaktsenter og kommunen støtter restriksjonen i hele perioden.",
                scope=Scope.MUNICIPALITY,
                responsible_leader=leader, valid_from=today, valid_to=today + 55 * day,
                duration_assessment="Trusselbildet og gjentakelsene tilsier en periode på åtte uker.",
                facts=[{"occurred_on": today - k * 9 * day, "description": text} for k, text in enumerate([
                    "Bruker truet saksbehandler i mottaket: «Jeg vet hvor du bor.»",
                    "Bruker slo i skranken og kalte ansatte nedsettende ting.",
                    "Bruker ringte tolv ganger samme dag og truet veilederen.",
                ], start=1)],
                new_warnings=[{"given_on": today - 40 * day, "form": WarningForm.WRITTEN,
                           "note": "Skriftlig advarsel om at gjentakelse kan føre til utestenging."}],
                channels=[
                    {"channel": ChannelKind.PHONE, "person_name": "Lene Leder", "phone": "41 23 45 67",
                     "times": "Tirsdager kl. 10–12"},
                    {"channel": ChannelKind.WRITTEN, "address": "NAV Grünerløkka, Postboks 4, 0130 Oslo"},
                ],
            )
            services.decision_update(by=leader, decision_id=decision.pk, alternative_assessments=[
                {"alternative": alternative, "outcome": AlternativeOutcome.NOT_ENOUGH,
                 "reason": f"{label} er vurdert og ville ikke vært nok mot slike trusler."}
                for alternative, label in LessIntrusiveMeasure.choices
            ])
            services.decision_notice_not_possible(by=leader, decision_id=decision.pk, kind="acute_danger",
                                                  reason="Truet med å komme tilbake samme dag.")
            services.decision_mark_ready(by=leader, decision_id=decision.pk)
            services.decision_sign(by=leader, decision_id=decision.pk, written_delivery=WrittenDelivery.POST,
                                   told_orally_on=today, other_measures_acknowledged=True)
            letter_ids.append(decision.letters.get().pk)
    return letter_ids


def main() -> int:
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    from utestenging import letters, services
    from utestenging.models import LetterStatus

    log(f"database {os.environ['DATABASE_URL']}, media {os.environ['MEDIA_ROOT']}")
    call_command("migrate", verbosity=0)
    log(f"making {WARM_UP + ROUNDS} signed decisions with pending letters")
    letter_ids = make_cases(WARM_UP + ROUNDS)

    for letter_id in letter_ids[:WARM_UP]:  # fonts, templates, catalogues, connections
        services.letter_generate(letter_id=letter_id)
        letters.html_to_pdf(PLAIN)

    end_to_end, weasyprint, floor = [], [], []
    for letter_id in letter_ids[WARM_UP:]:
        start = time.perf_counter()
        letter = services.letter_generate(letter_id=letter_id)
        end_to_end.append(time.perf_counter() - start)
        assert letter.status == LetterStatus.READY, letter.error

        html = letters.render_html(letters.letter_for_rendering(letter_id))  # the same final HTML, untimed
        start = time.perf_counter()
        pdf = letters.html_to_pdf(html)
        weasyprint.append(time.perf_counter() - start)
        with default_storage.open(letter.file.name, "rb") as stored:
            archived = stored.read()
        assert pdf == archived and hashlib.sha256(pdf).hexdigest() == letter.sha256, "not the same final HTML"

        start = time.perf_counter()
        letters.html_to_pdf(PLAIN)
        floor.append(time.perf_counter() - start)

    e2e, wp, base = (statistics.median(values) for values in (end_to_end, weasyprint, floor))
    ratio = e2e / wp
    met = e2e <= TARGET_END_TO_END and ratio <= TARGET_RATIO
    log(f"{ROUNDS} rounds; letters of {len(archived) / 1024:.0f} KiB")
    log(f"end to end:       median {e2e:.3f} s, min {min(end_to_end):.3f} s, max {max(end_to_end):.3f} s")
    log(f"WeasyPrint alone: median {wp:.3f} s, min {min(weasyprint):.3f} s, max {max(weasyprint):.3f} s")
    log(f"floor (plain):    median {base:.3f} s")
    log(f"our overhead: {e2e - wp:.3f} s per letter (ratio {ratio:.2f})")
    log(f"targets (end to end ≤ {TARGET_END_TO_END} s, ratio ≤ {TARGET_RATIO}): {'met' if met else 'NOT MET'}")
    print(
        f"letters: end_to_end_median={e2e:.3f}s weasyprint_median={wp:.3f}s overhead_ratio={ratio:.2f} "
        f"floor={base:.3f}s",
        flush=True,
    )
    return 0 if met else 1


if __name__ == "__main__":
    try:
        code = main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)  # the temporary database and the letters it stored
    sys.exit(code)
