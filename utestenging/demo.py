"""Demo decisions in every state, made through the services so every rule holds.

Decisions that began in the past are made with the clock set back (freezegun, a development
dependency), so their signatures, timelines and periods read as they would have happened.
"""

import contextlib
import datetime

from django.utils import timezone

from hendelser import selectors as incident_selectors
from hendelser.models import WarningForm
from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core.models import Citizen, Unit, User

from . import rules, services
from .models import (
    ActingReason,
    AlternativeOutcome,
    ChannelKind,
    ContactKind,
    ContactPlace,
    Decision,
    DigitalChannel,
    Ground,
    Kind,
    LessIntrusiveMeasure,
    NoticeImpossibleReason,
    NoticeMethod,
    Scope,
    SignedAs,
    WrittenDelivery,
)

# The texts the letter quotes are written to the citizen («du»), as the forms ask.
ASSESSMENTS = {
    "case_informed": "Hendelsene er beskrevet av to ansatte og vekter, og du har fått uttale deg.",
    "risk_of_repetition": "Du har gjentatt truslene etter muntlig og skriftlig advarsel; det er fare for gjentakelse.",
    "clear_need": "Ansatte i mottaket opplever situasjonen som utrygg; det er et klart behov for tiltaket.",
    "proportionality": "Truslene dine er alvorlige og gjentatte; 12 uker med en annen kontaktmåte er forholdsmessig.",
    "other_measures": "Vi har sjekket registeret: du har ingen andre aktive sikkerhetstiltak.",
    "whole_situation": "Du mottar arbeidsavklaringspenger og har fast kontaktperson; rettighetene dine sikres.",
    "other_units_views": "NAV-kontoret du hører til er kontaktet og støtter restriksjonen.",
    "duration_assessment": "Trusselbildet tilsier at du trenger en full periode på 12 uker for å vise at det er over.",
}
# Each less intrusive alternative the guideline names (§3), weighed with a reason of its own. The warnings are
# tried: the written one points at the warning registered with the case, the oral one has its date.
ALTERNATIVES = {
    LessIntrusiveMeasure.ASKED_TO_LEAVE: (AlternativeOutcome.TRIED,
                                          "Du ble bedt om å forlate kontoret, men kom tilbake og truet igjen."),
    LessIntrusiveMeasure.ORAL_WARNING: (AlternativeOutcome.TRIED,
                                        "Du fikk muntlig advarsel i mottaket, og truslene fortsatte etterpå."),
    LessIntrusiveMeasure.WRITTEN_WARNING: (AlternativeOutcome.TRIED,
                                           "Du fikk skriftlig advarsel, men truet saksbehandleren etter det."),
    LessIntrusiveMeasure.TWO_STAFF: (AlternativeOutcome.TRIED,
                                     "Vi har hatt to ansatte i samtalene dine, og truslene kom likevel."),
    LessIntrusiveMeasure.REGULATED_APPOINTMENTS: (AlternativeOutcome.NOT_ENOUGH,
                                                  "Truslene kom i mottaket også når du hadde avtalt time."),
    LessIntrusiveMeasure.CHANGE_OF_CASEWORKER: (AlternativeOutcome.NOT_RELEVANT,
                                                "Truslene gjaldt flere ansatte, ikke én bestemt saksbehandler."),
    LessIntrusiveMeasure.PROTECTIVE_MEASURES: (AlternativeOutcome.NOT_ENOUGH,
                                               "Kontoret har vekter og alarm, og ansatte ble likevel truet."),
    LessIntrusiveMeasure.PHONE_OR_DIGITAL_ONLY: (AlternativeOutcome.NOT_ENOUGH,
                                                 "Du møtte opp på kontoret selv om vi ba deg ringe eller skrive."),
}
# The same reasons as a caseworker might first write them: about the citizen, not to them (the preview warns).
THIRD_PERSON = {
    "risk_of_repetition": "Bruker har ringt og kjeftet flere ganger; han kan komme til å gjøre det igjen.",
    "duration_assessment": "Fire uker bør være nok til at bruker roer seg.",
}
# Direct numbers of the demo leaders: a letter names the contact person with one, never NAV's general number.
DIRECT_PHONES = {"leder": "21 07 10 01", "stedfortreder": "21 07 10 02", "leder.kontaktsenter": "21 07 40 01",
                 "leder.bergen": "55 21 12 01", "leder.grorud": "21 07 20 01"}


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


def _prepared(*, by, citizen, unit, kind, start, weeks=12, scope=Scope.UNIT, channel="phone", notice="not_possible",
              contact=None, warned=True, **fields):
    """A case with a complete checklist, as a caseworker would leave it before the leader signs.

    ``contact`` is the named person of a phone channel (the responsible leader by default).
    """
    decision = services.decision_create(by=by, citizen=citizen, unit=unit, kind=kind)
    contact = contact or (by if by.phone else None) or _leader_of(unit)
    happened = min(start, timezone.localdate())
    grounds = [Ground.PHONE_THREATS] if kind == Kind.TFUS else [Ground.THREATS, Ground.HARASSMENT]
    assessments = (
        dict(ASSESSMENTS) if Kind(kind).phone else {k: v for k, v in ASSESSMENTS.items() if k != "other_units_views"}
    )
    channels = {
        "phone": {
            "channel": ChannelKind.PHONE,
            "person_name": contact.get_full_name(),
            "phone": contact.phone,
            "times": "Tirsdager kl. 10–12",
        },
        "written": {"channel": ChannelKind.WRITTEN, "address": f"{unit.name}, Postboks 4, 0130 Oslo"},
        "meeting_grorud": {"channel": ChannelKind.MEETING, "unit": Unit.objects.filter(number="0328").first(),
                           "place": "Møterom 1 ved siden av mottaket", "times": "Tirsdager kl. 10–12"},
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
                "description": "Du truet saksbehandleren i mottaket: «Jeg vet hvor du bor.»",
                "serious": True,
            },
            {
                "occurred_on": happened - datetime.timedelta(days=30),
                "description": "Du slo i skranken og kalte ansatte nedsettende ting.",
            },
        ],
        new_warnings=[
            {
                "given_on": happened - datetime.timedelta(days=25),
                "form": WarningForm.WRITTEN,
                "note": "Skriftlig advarsel om at gjentakelse kan føre til utestenging.",
            }
        ] if warned else [],
        channels=[channels],
        **{**assessments, **fields},
    )
    if Kind(kind).exclusion:
        services.decision_update(by=by, decision_id=decision.pk,
                                 alternative_assessments=_alternatives(decision, happened, warned))
    if notice == "not_possible":
        services.decision_notice_not_possible(
            by=by,
            decision_id=decision.pk,
            kind=NoticeImpossibleReason.ACUTE_DANGER,
            reason="Du truet med å komme tilbake samme dag; ansatte måtte beskyttes straks.",
        )
    return decision


def _alternatives(decision, happened, warned) -> list[dict]:
    """The eight alternatives as assessed for this case: the written warning is the one registered, if any."""
    warning = next((w for w in incident_selectors.warnings_of(citizen_id=decision.citizen_id) if w.form == "written"),
                   None) if warned else None
    rows = []
    for alternative, (outcome, reason) in ALTERNATIVES.items():
        if alternative == LessIntrusiveMeasure.WRITTEN_WARNING and warning is None:
            outcome, reason = (AlternativeOutcome.NOT_ENOUGH,
                               "En skriftlig advarsel ville kommet for sent etter en så alvorlig trussel.")
        row = {"alternative": alternative, "outcome": outcome, "reason": reason}
        if outcome == AlternativeOutcome.TRIED:
            row |= ({"warning_id": warning.pk} if alternative == LessIntrusiveMeasure.WRITTEN_WARNING
                    else {"tried_on": happened - datetime.timedelta(days=28)})
        rows.append(row)
    return rows


def _leader_of(unit):
    return User.objects.filter(role_assignments__unit=unit, role_assignments__role="enhetsleder").first()


def _signed(*, by, start, signer=None, delivered=True, **kwargs):
    """Prepared and signed, the citizen told orally first and the letter posted the same day (recorded as
    delivered unless ``delivered`` is False). An acting head signs because the head of unit is away."""
    decision = _prepared(by=by, start=start, **kwargs)
    services.decision_mark_ready(by=by, decision_id=decision.pk)
    signer = signer or by
    acting = services.capacity_of(signer, decision.unit) == SignedAs.ACTING
    decision = services.decision_sign(
        by=signer, decision_id=decision.pk, written_delivery=WrittenDelivery.POST,
        told_orally_on=min(start, timezone.localdate() + datetime.timedelta(days=1)), other_measures_acknowledged=True,
        acting_reason=ActingReason.HEAD_ABSENT if acting else "",
    )
    if delivered:
        services.decision_record_delivery(by=by, decision_id=decision.pk, delivered_on=timezone.localdate(),
                                          how=WrittenDelivery.POST)
    return decision


def _register_all(decision, by, day, reference):
    """Every registration the unit is asked for (§7): the municipal system only at a NAV office."""
    for kind in rules.required_registrations(decision.unit):
        services.registration_record(by=by, decision_id=decision.pk, kind=kind, done_on=day, reference=reference)


def load() -> int:
    """Create the demo decisions once, and the cases due for a reminder; returns how many were made."""
    for username, phone in DIRECT_PHONES.items():
        User.objects.filter(username=username, phone="").update(phone=phone)
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
        services.registration_record(by=leader, decision_id=active.pk, kind="gosys", done_on=today - days(20))
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
        # A contact centre is state-only: no municipal deviation system is asked for (§7).
        _register_all(phone, contact_leader, today - days(70), "2026/1234")
    with _clock(today - days(100)):
        # The citizen has a representative: the decision letter is copied to them.
        expired = _signed(by=leader, citizen=people[2], unit=office, kind=Kind.FYUS, start=today - days(100), weeks=12,
                          representative_name="Advokat Hansen", representative_address="Storgata 1\n0155 Oslo")
    with _clock(today - days(10)):
        services.decision_refresh_status(decision_id=expired.pk)
        services.complaint_register(
            by=caseworker,
            decision_id=expired.pk,
            received_on=today - days(10),
            from_whom="Advokat Hansen (fullmektig)",
            summary="Mener utestengingen var urimelig lang.",
            representative_name="Advokat Hansen",
            representative_address="Storgata 1\n0155 Oslo",
        )
    # The complaint may go on to the Ombudsman: the leader keeps the case past its retention period for a year
    # (the decision's page shows the hold, the admin lists it).
    core_services.retention_hold_place(by=leader, record=expired, until=today + days(365),
                                       reason="Klagen kan bli sendt videre til Sivilombudsmannen.")
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

    # Signed by the acting head of unit (a municipal leader, head absent): the letter, the timeline and the case
    # say so, and the letter names the municipality's complaint route. Its delivery is not recorded yet: the
    # leader's overview lists it with the day it is due.
    _signed(by=leader, signer=User.objects.get(username="stedfortreder"), citizen=people[5], unit=office,
            kind=Kind.FYUS, start=today + days(3), weeks=6, delivered=False)
    # Ready, starting today, notice not possible because the citizen cannot be reached: signing with the letter
    # by post alone is refused (they would not know in time, and the post may not reach them).
    ready = _prepared(by=caseworker, citizen=people[6], unit=office, kind=Kind.FTUS, start=today, notice="")
    services.decision_notice_not_possible(
        by=caseworker, decision_id=ready.pk, kind=NoticeImpossibleReason.UNREACHABLE,
        reason="Du har ingen kjent adresse og svarer ikke på telefon.",
    )
    services.decision_update(by=caseworker, decision_id=ready.pk, responsible_leader=leader)
    services.decision_mark_ready(by=caseworker, decision_id=ready.pk)
    _statement_case(caseworker, leader, people[11], office, today)
    with _clock(today - days(2)):
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
    _refused_cases(caseworker, leader, people, office, contact_centre, today)
    # Citizens 18–22: the first 12 are the lifecycle above, 13–17 the reminders demo below.
    _load_ladder(leader, caseworker, office, list(Citizen.objects.order_by("pk")[17:22]), today)
    return Decision.objects.count()


LADDER_KINDS = [Kind.TOAN, Kind.DIUS, Kind.REGULATED_APPOINTMENTS, Kind.CHANGE_OF_CASEWORKER,
                Kind.PROTECTIVE_MEASURES]


def _load_ladder(leader, caseworker, office, people, today):
    """One measure of each kind below exclusion, in force; the first citizen was warned in writing before their
    two staff in every meeting, and now has a draft exclusion whose assessment cites both (§3)."""
    days = datetime.timedelta
    measures = {}
    with _clock(today - days(30)):
        for citizen, kind in zip(people, LADDER_KINDS, strict=False):
            closed = [DigitalChannel.CHAT, DigitalChannel.WRITE_TO_US]
            digital = {"digital_channels": closed} if kind == Kind.DIUS else {}
            measures[kind] = _signed(by=leader, citizen=citizen, unit=office, kind=kind, start=today - days(30),
                                     notice="", warned=kind == Kind.TOAN,
                                     channel="written" if kind == Kind.DIUS else "phone", **digital)
    toan = measures.get(Kind.TOAN)
    if toan is None:
        return
    exclusion = _prepared(by=caseworker, citizen=toan.citizen, unit=office, kind=Kind.FYUS, start=today + days(1),
                          weeks=8, warned=False)
    rows = _alternatives(exclusion, today, warned=True)
    for row in rows:
        if row["alternative"] == LessIntrusiveMeasure.TWO_STAFF:
            row.pop("tried_on", None)
            row["measure_id"] = toan.pk
    services.decision_update(by=caseworker, decision_id=exclusion.pk, alternative_assessments=rows,
                             responsible_leader=leader)
    _risk_checks(caseworker, toan.citizen, measures.get(Kind.PROTECTIVE_MEASURES), office, today)


def _risk_checks(caseworker, warned, protected, office, today):
    """Two checks before planned contacts: a home visit to the warned citizen with two staff in every meeting (the
    check says meet at the office), and a meeting at the office with the protected citizen."""
    days = datetime.timedelta
    services.risk_check_record(by=caseworker, citizen_id=warned.pk, unit=office, planned_on=today + days(3),
                               kind=ContactKind.HOME_VISIT, place=ContactPlace.HOME, companions=1,
                               alarm_available=False, police_informed=False)
    if protected is not None:
        services.risk_check_record(by=caseworker, citizen_id=protected.citizen_id, unit=office,
                                   planned_on=today + days(1), kind=ContactKind.MEETING, place=ContactPlace.OFFICE,
                                   companions=1, alarm_available=True, police_informed=False)


def _statement_case(caseworker, leader, citizen, office, today):
    """Ready for the leader: the citizen answered the notice, and NAV weighed what they said (§3–4)."""
    days = datetime.timedelta
    with _clock(today - days(10)):
        decision = _prepared(by=caseworker, citizen=citizen, unit=office, kind=Kind.FYUS, start=today + days(2),
                             notice="send", weeks=8)
        services.decision_send_notice(by=caseworker, decision_id=decision.pk, sent_on=today - days(10),
                                      method=NoticeMethod.LETTER, deadline=today - days(3))
    with _clock(today - days(5)):
        services.decision_record_statement(
            by=caseworker, decision_id=decision.pk, received=True, received_on=today - days(5),
            statement="Jeg var sint fordi utbetalingen var forsinket. Jeg mente ikke å true noen.",
        )
    services.decision_update(
        by=caseworker, decision_id=decision.pk, responsible_leader=leader,
        statement_assessment=(
            "Du forklarer at du var sint over en forsinket utbetaling. Vi forstår at det var vanskelig, men "
            "truslene gikk ut over ansatte som ikke kunne gjøre noe med det. Vi har derfor kortet ned perioden "
            "til 8 uker, men tiltaket er fortsatt nødvendig."
        ),
    )
    services.decision_mark_ready(by=caseworker, decision_id=decision.pk)


def _refused_cases(caseworker, leader, people, office, contact_centre, today):
    """Drafts whose checklist shows the new rules refusing, for a demo of each."""
    days = datetime.timedelta
    # Repeated milder incidents, none serious on its own, no warning before the last one; reasons written about
    # the citizen instead of to them. The statement is not yet weighed either.
    mild = _prepared(by=caseworker, citizen=people[10], unit=office, kind=Kind.TFUS, start=today + days(5),
                     weeks=4, notice="send", warned=False, **THIRD_PERSON)
    services.decision_update(
        by=caseworker, decision_id=mild.pk,
        facts=[
            {"occurred_on": today - days(12), "description": "Bruker ringte og kjeftet på veilederen."},
            {"occurred_on": today - days(4), "description": "Bruker ringte igjen og var nedsettende."},
        ],
        grounds=[Ground.PHONE_HARASSMENT],
    )
    # A phone channel through the contact centre, where the citizen's phone restriction applies: shut. The
    # contact person named for the letter has no direct number.
    shut = _prepared(by=caseworker, citizen=people[1], unit=office, kind=Kind.FYUS, start=today + days(1), weeks=4)
    services.decision_update(
        by=caseworker, decision_id=shut.pk, contact_person=caseworker,
        channels=[{"channel": ChannelKind.PHONE, "person_name": "Kari Kontaktsenter", "phone": "21 07 40 05",
                   "times": "Hverdager 9–11", "unit": contact_centre}],
    )
    # In force: the citizen's only channel is a meeting at NAV Grorud. A new case covering every office in Oslo
    # (Grorud too) is ready, but signing it is refused, naming the case whose meeting it would shut (§4).
    with _clock(today - days(7)):
        _signed(by=leader, citizen=people[9], unit=office, kind=Kind.FYUS, start=today - days(7), weeks=8,
                channel="meeting_grorud")
    wider = _prepared(by=caseworker, citizen=people[9], unit=office, kind=Kind.FYUS, start=today + days(1), weeks=6,
                      scope=Scope.MUNICIPALITY, notice="")
    services.decision_notice_not_possible(
        by=caseworker, decision_id=wider.pk, kind=NoticeImpossibleReason.ACUTE_DANGER,
        reason="Du truet ansatte ved flere kontorer i Oslo samme uke, og faren var akutt.",
    )
    services.decision_update(by=caseworker, decision_id=wider.pk, responsible_leader=leader)
    services.decision_mark_ready(by=caseworker, decision_id=wider.pk)


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
            _register_all(decision, leader, start, "2026/2001")
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
        services.registration_record(by=leader, decision_id=fresh.pk, kind="gosys", done_on=today - days(3))
    return Decision.objects.count() - before
