"""Demo decisions in every state, made through the services so every rule holds.

Decisions that began in the past are made with the clock set back (freezegun, a development
dependency), so their signatures, timelines and periods read as they would have happened.
"""

import contextlib
import datetime

from django.utils import timezone

from hendelser.models import WarningForm
from nav_sikkerhet.core.models import Citizen, Unit, User

from . import services
from .models import ChannelKind, Decision, Ground, Kind, NoticeMethod, RegistrationKind, Scope

ASSESSMENTS = {
    "case_informed": "Hendelsene er beskrevet av to ansatte og vekter, og bruker har fått uttale seg.",
    "risk_of_repetition": "Bruker har gjentatt truslene etter muntlig og skriftlig advarsel; fare for gjentakelse.",
    "clear_need": "Ansatte i mottaket opplever situasjonen som utrygg; det er et klart behov for tiltaket.",
    "alternatives": "Muntlig og skriftlig advarsel og «to i samtale» er prøvd uten at atferden endret seg.",
    "proportionality": "Truslene er alvorlige og gjentatte; 12 uker med alternativ kanal er forholdsmessig.",
    "other_measures": "Sjekket: ingen andre aktive sikkerhetstiltak på bruker.",
    "whole_situation": "Bruker mottar arbeidsavklaringspenger og har fast kontaktperson; rettighetene sikres.",
    "other_units_views": "NAV-kontoret bruker tilhører er kontaktet og støtter restriksjonen.",
    "duration_assessment": "Trusselbildet tilsier full periode på 12 uker.",
}


@contextlib.contextmanager
def _clock(day: datetime.date):
    """Run as if it were 10 o'clock on the given day."""
    try:
        from freezegun import freeze_time
    except ImportError:  # production image: no freezegun, and no demo data there either
        yield False
        return
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    with freeze_time(moment):
        yield True


def _prepared(*, by, citizen, unit, kind, start, weeks=12, scope=Scope.UNIT, channel="phone", notice="not_possible"):
    """A case with a complete checklist, as a caseworker would leave it before the leader signs."""
    decision = services.decision_create(by=by, citizen=citizen, unit=unit, kind=kind)
    happened = min(start, timezone.localdate())
    grounds = [Ground.PHONE_THREATS] if kind == Kind.TFUS else [Ground.THREATS, Ground.HARASSMENT]
    assessments = (
        dict(ASSESSMENTS) if Kind(kind).phone else {k: v for k, v in ASSESSMENTS.items() if k != "other_units_views"}
    )
    channels = {
        "phone": {
            "channel": ChannelKind.PHONE,
            "person_name": by.get_full_name(),
            "phone": "55 55 33 33",
            "times": "Tirsdager kl. 10–12",
        },
        "written": {"channel": ChannelKind.WRITTEN, "address": f"{unit.name}, Postboks 4, 0130 Oslo"},
    }[channel]
    services.decision_update(
        by=by,
        decision_id=decision.pk,
        grounds=grounds,
        scope=scope,
        valid_from=start,
        valid_to=start + datetime.timedelta(days=7 * weeks - 1),
        letter_language=citizen.preferred_language,
        facts=[
            {
                "occurred_on": happened - datetime.timedelta(days=9),
                "description": "Bruker truet saksbehandler i mottaket: «Jeg vet hvor du bor.»",
            },
            {
                "occurred_on": happened - datetime.timedelta(days=30),
                "description": "Bruker slo i skranken og kalte ansatte nedsettende ting.",
            },
        ],
        new_warnings=[
            {
                "given_on": happened - datetime.timedelta(days=25),
                "form": WarningForm.WRITTEN,
                "note": "Skriftlig advarsel om at gjentakelse kan føre til utestenging.",
            }
        ],
        channels=[channels],
        **assessments,
    )
    if notice == "not_possible":
        services.decision_notice_not_possible(
            by=by,
            decision_id=decision.pk,
            reason="Bruker har ingen kjent adresse; varsel kunne ikke gis.",
        )
    return decision


def _signed(*, by, start, **kwargs):
    decision = _prepared(by=by, start=start, **kwargs)
    services.decision_mark_ready(by=by, decision_id=decision.pk)
    return services.decision_sign(
        by=by, decision_id=decision.pk, written_delivery="post", told_orally_on=start, other_measures_acknowledged=True
    )


def load() -> int:
    """Create the demo decisions once, and the cases due for a reminder; returns how many were made."""
    made = 0 if Decision.objects.exists() else _load_lifecycle()
    return made + _load_due_for_reminders()


def _load_lifecycle() -> int:
    """Decisions in every state."""
    leader = User.objects.get(username="leder")
    caseworker = User.objects.get(username="saksbehandler")
    contact_leader = User.objects.get(username="leder.kontaktsenter")
    bergen_leader = User.objects.get(username="leder.bergen")
    office, contact_centre, bergen = (Unit.objects.get(number=n) for n in ("0315", "4153", "1203"))
    people = list(Citizen.objects.order_by("pk")[:12])
    today = timezone.localdate()
    days = datetime.timedelta

    with _clock(today - days(20)) as clock_ok:
        if not clock_ok:
            return 0
        active = _signed(
            by=leader, citizen=people[0], unit=office, kind=Kind.FYUS, start=today - days(20), scope=Scope.MUNICIPALITY
        )
        services.registration_record(
            by=leader, decision_id=active.pk, kind=RegistrationKind.GOSYS, done_on=today - days(20)
        )
    with _clock(today - days(70)):
        phone = _signed(
            by=contact_leader,
            citizen=people[1],
            unit=contact_centre,
            kind=Kind.TFUS,
            start=today - days(70),
            scope=Scope.RESULT_AREA,
            channel="written",
        )
        for kind in RegistrationKind:
            services.registration_record(
                by=contact_leader, decision_id=phone.pk, kind=kind, done_on=today - days(70), reference="2026/1234"
            )
    with _clock(today - days(100)):
        expired = _signed(by=leader, citizen=people[2], unit=office, kind=Kind.FYUS, start=today - days(100), weeks=12)
    with _clock(today - days(10)):
        services.decision_refresh_status(decision_id=expired.pk)
        services.complaint_register(
            by=caseworker,
            decision_id=expired.pk,
            received_on=today - days(10),
            from_whom="Advokat Hansen (fullmektig)",
            summary="Mener utestengingen var urimelig lang.",
        )
    with _clock(today - days(40)):
        lifted = _signed(by=leader, citizen=people[3], unit=office, kind=Kind.FYUS, start=today - days(40), weeks=8)
    with _clock(today - days(12)):
        services.decision_lift(
            by=leader,
            decision_id=lifted.pk,
            lifted_on=today - days(12),
            reason="Bruker har fått ny saksbehandler og beklaget hendelsen skriftlig.",
        )
    with _clock(today - days(30)):
        _signed(by=bergen_leader, citizen=people[4], unit=bergen, kind=Kind.FTUS, start=today - days(30))

    _signed(by=leader, citizen=people[5], unit=office, kind=Kind.FYUS, start=today + days(3), weeks=6)
    ready = _prepared(by=caseworker, citizen=people[6], unit=office, kind=Kind.FTUS, start=today + days(1))
    services.decision_update(by=caseworker, decision_id=ready.pk, responsible_leader=leader)
    services.decision_mark_ready(by=caseworker, decision_id=ready.pk)
    noticed = _prepared(
        by=caseworker, citizen=people[7], unit=office, kind=Kind.FYUS, start=today + days(14), notice="send"
    )
    services.decision_send_notice(
        by=caseworker,
        decision_id=noticed.pk,
        sent_on=today - days(2),
        method=NoticeMethod.LETTER,
        deadline=today + days(12),
    )
    services.decision_create(by=caseworker, citizen=people[8], unit=office, kind=Kind.FYUS)
    dropped = _prepared(by=caseworker, citizen=people[9], unit=office, kind=Kind.FYUS, start=today + days(7))
    services.decision_drop(
        by=leader, decision_id=dropped.pk, reason="Bruker har beklaget; muntlig advarsel vurderes som tilstrekkelig."
    )
    services.decision_start_extension(by=contact_leader, decision_id=phone.pk)
    return Decision.objects.count()


def _load_due_for_reminders() -> int:
    """Cases of NAV Grünerløkka due for each kind of reminder to `leder` on the day they are loaded.

    So `manage.py run_scheduled_jobs` right after `demo_data` e-mails each reminder once, and a
    second run sends nothing. Made once, for citizens 13–17 (the lifecycle above uses the first 12).
    """
    people = list(Citizen.objects.order_by("pk")[12:17])
    if len(people) < 5 or Decision.objects.filter(citizen__in=people).exists():
        return 0
    leader = User.objects.get(username="leder")
    caseworker = User.objects.get(username="saksbehandler")
    office = Unit.objects.get(number="0315")
    today = timezone.localdate()
    days = datetime.timedelta
    before = Decision.objects.count()

    # Full 12-week decisions ending in 21 days, in 7 days and today: "assess extension" and "expires today".
    ending = []
    for citizen, days_left in zip(people[:3], (21, 7, 0), strict=True):
        start = today + days(days_left) - days(83)
        with _clock(start) as clock_ok:
            if not clock_ok:
                return 0
            decision = _signed(by=leader, citizen=citizen, unit=office, kind=Kind.FYUS, start=start)
            for kind in RegistrationKind:
                services.registration_record(
                    by=leader, decision_id=decision.pk, kind=kind, done_on=start, reference="2026/2001"
                )
        ending.append(decision)
    # A service complaint received 14 days ago and not yet answered.
    with _clock(today - days(14)):
        services.complaint_register(
            by=caseworker,
            decision_id=ending[0].pk,
            received_on=today - days(14),
            from_whom="Bruker selv",
            summary="Mener telefontiden i det alternative tilbudet er for kort.",
        )
    # Advance notice sent two weeks ago; the citizen's deadline was yesterday.
    with _clock(today - days(15)):
        noticed = _prepared(
            by=caseworker, citizen=people[3], unit=office, kind=Kind.FYUS, start=today + days(7), notice="send"
        )
        services.decision_update(by=caseworker, decision_id=noticed.pk, responsible_leader=leader)
        services.decision_send_notice(
            by=caseworker,
            decision_id=noticed.pk,
            sent_on=today - days(15),
            method=NoticeMethod.LETTER,
            deadline=today - days(1),
        )
    # Signed three days ago; only the Gosys flag registered since.
    with _clock(today - days(3)):
        fresh = _signed(by=leader, citizen=people[4], unit=office, kind=Kind.TFUS, start=today - days(3), weeks=8)
        services.registration_record(
            by=leader, decision_id=fresh.pk, kind=RegistrationKind.GOSYS, done_on=today - days(3)
        )
    return Decision.objects.count() - before
