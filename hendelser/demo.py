"""Demo incidents: two years across the demo units so the statistics show something, and this week's work
for NAV Grünerløkka (unreviewed incidents, one under review, an open follow-up, a known person).

The two years are checked with full_clean (every model rule holds) and saved in bulk rather than through the
services, which would remind the leaders of hundreds of old incidents; this week's are made through the
services, as staff would make them.
"""

import datetime
import random

from django.utils import timezone

from nav_sikkerhet.core.models import Citizen, Unit, UnitType, User

from . import counts, services
from .models import (
    Bht,
    Category,
    Channel,
    Employer,
    ExposedPerson,
    Incident,
    Injury,
    Measure,
    MeasureKind,
    Perpetrator,
    PoliceOutcome,
    ProposalKind,
    Status,
)

# Roughly the shares of NAV's note (2021): threats move to phone (43 %) and digital channels (24 %).
CHANNEL_WEIGHTS = {
    Channel.PHONE: 43, Channel.DIGITAL: 10, Channel.EMAIL: 8, Channel.SMS: 3, Channel.SOCIAL_MEDIA: 3,
    Channel.RECEPTION: 18, Channel.INTERVIEW_ROOM: 6, Channel.LETTER: 4, Channel.HOME_VISIT: 2,
    Channel.OUTSIDE_OFFICE: 2, Channel.OTHER: 1,
}
CATEGORY_WEIGHTS = {
    Category.THREAT: 34, Category.VERBAL: 26, Category.HARASSMENT: 14, Category.HATE_SPEECH: 10,
    Category.SELF_HARM: 8, Category.VANDALISM: 4, Category.ASSAULT: 4,
}
# Incidents a year per unit type; the contact centres take most by phone.
YEARLY = {UnitType.NAV_KONTOR: 26, UnitType.KONTAKTSENTER: 60}
DESCRIPTIONS = {
    Category.THREAT: "Innringer sa «jeg vet hvor du bor» da søknaden ble avslått.",
    Category.VERBAL: "Brukeren ropte og kalte veilederen nedsettende ting i skranken.",
    Category.HARASSMENT: "Gjentatte meldinger med nedsettende omtale av saksbehandleren.",
    Category.HATE_SPEECH: "Anonym melding via nav.no med hets mot NAV-ansatte.",
    Category.SELF_HARM: "Bruker truet med å skade seg selv hvis pengene ikke kom.",
    Category.VANDALISM: "Bruker sparket i stykker publikums-PC-en.",
    Category.ASSAULT: "Bruker dyttet veilederen mot veggen i samtalerommet.",
}
ARSTAD = "1203"  # NAV Årstad, whose ROS analysis is the demo's (risiko/demo.py)
# The days before today of NAV Årstad's social-media incidents: all within the ROS page's 12 months, all closed.
SOCIAL_MEDIA_DAYS_AGO = tuple(25 + 30 * n for n in range(12))
SOCIAL_MEDIA_DESCRIPTIONS = {
    Category.HARASSMENT: "Nedsettende innlegg om veilederen i en åpen Facebook-gruppe.",
    Category.THREAT: "Kommentar på Facebook om å «ta» saksbehandleren etter jobb.",
}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _history(units: list[Unit], registrant: User, rng: random.Random, today: datetime.date) -> int:
    """Two years of closed (and, lately, open) incidents, checked by the models' rules and saved in bulk."""
    start = today.replace(year=today.year - 1, month=1, day=1)
    days = (today - start).days
    incidents, people = [], []
    for unit in units:
        count = int(YEARLY.get(unit.unit_type, 10) * days / 365 * rng.uniform(0.6, 1.4))
        for _ in range(count):
            day = start + datetime.timedelta(days=rng.randrange(days))
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 15),
                                                                                      rng.randrange(60))))
            category = _pick(rng, CATEGORY_WEIGHTS)
            channel = Channel.PHONE if unit.unit_type == UnitType.KONTAKTSENTER and rng.random() < .7 else (
                _pick(rng, CHANNEL_WEIGHTS))
            if channel == Channel.SOCIAL_MEDIA and unit.number == ARSTAD:
                # NAV Årstad's social-media incidents are the story's own (_social_media_at_arstad), counted exactly.
                channel = Channel.DIGITAL
            injury = Injury.NO_SICK_LEAVE if category == Category.ASSAULT and rng.random() < .5 else Injury.NONE
            asys_reference = f"ASYS-{day:%Y}-{rng.randint(1000, 9999)}" if rng.random() < .8 else ""
            municipal = unit.unit_type == UnitType.NAV_KONTOR and rng.random() < .45
            incident, person = _past_incident(
                unit=unit, moment=moment, channel=channel, category=category, description=DESCRIPTIONS[category],
                injury=injury, asys_reference=asys_reference, municipal=municipal, registrant=registrant, today=today,
            )
            incidents.append(incident)
            people.append(person)
    _save_past(incidents, people, registrant)
    return len(incidents)


def _past_incident(*, unit: Unit, moment: datetime.datetime, channel: str, category: str, description: str,
                   injury: str, asys_reference: str, municipal: bool, registrant: User,
                   today: datetime.date) -> tuple[Incident, ExposedPerson]:
    """One incident of the past and its exposed employee, checked by the models' rules, not yet saved."""
    day = timezone.localdate(moment)
    old = (today - day).days > 21
    incident = Incident(
        unit=unit, occurred_at=moment, channel=channel, category=category, description=description, injury=injury,
        perpetrator=Perpetrator.ANONYMOUS if category == Category.HATE_SPEECH else Perpetrator.UNKNOWN,
        status=Status.CLOSED if old else Status.REGISTERED, registered_by=registrant,
        lessons_learned="Gjennomgått på ukemøtet; rutinene ble fulgt." if old else "",
        asys_reference=asys_reference, closed_at=moment + datetime.timedelta(days=10) if old else None,
    )
    # The database checks its own constraints on insert; clean() and the fields are checked here.
    incident.full_clean(exclude=["unit", "registered_by"], validate_unique=False, validate_constraints=False)
    person = ExposedPerson(
        name="Veileder", employer=Employer.MUNICIPAL if municipal else Employer.STATE,
        debrief_offered_on=day if old else None, bht=Bht.NOT_NEEDED if old else Bht.NOT_ASSESSED,
        follow_up_done_on=day + datetime.timedelta(days=7) if old else None,
    )
    person.full_clean(exclude=["incident"], validate_constraints=False)
    incident.exposed_state, incident.exposed_municipal = (0, 1) if municipal else (1, 0)
    return incident, person


def _save_past(incidents: list[Incident], people: list[ExposedPerson], registrant: User) -> None:
    """Saved in bulk, each closed one with the measure it was closed on."""
    Incident.objects.bulk_create(incidents)
    for incident, person in zip(incidents, people, strict=True):
        person.incident = incident
    ExposedPerson.objects.bulk_create(people)
    Measure.objects.bulk_create([
        Measure(incident=incident, kind=MeasureKind.NONE, decided_on=timezone.localdate(incident.occurred_at),
                description="Enkeltstående hendelse.", decided_by=registrant)
        for incident in incidents if incident.status == Status.CLOSED
    ])


def _this_week(today: datetime.date) -> int:
    """NAV Grünerløkka's open work, made through the services as staff would; and one closed threat whose police
    outcome was updated after closing."""
    office = Unit.objects.get(number="0315")
    caseworker, reception, hms = (User.objects.get(username=name) for name in ("saksbehandler", "mottak", "hms"))
    leader = User.objects.get(username="leder")
    known = Citizen.objects.order_by("name").first()
    now = timezone.now()

    def register(by, hours_ago, **fields):
        return services.incident_register(
            by=by, unit=office, occurred_at=now - datetime.timedelta(hours=hours_ago),
            exposed=[{"user": by, "name": by.get_full_name(), "employer": Employer.MUNICIPAL}], **fields,
        )

    register(caseworker, 5, channel=Channel.PHONE, category=Category.THREAT, perpetrator=Perpetrator.UNKNOWN,
             description="Innringer sa at han skulle «ta» veilederen etter jobb.")
    register(reception, 28, channel=Channel.RECEPTION, category=Category.VERBAL, perpetrator=Perpetrator.CITIZEN,
             citizen=known, description="Bruker ropte og slo i skranken, roet seg etter en stund.")
    reviewed = register(caseworker, 75, channel=Channel.INTERVIEW_ROOM, category=Category.ASSAULT,
                        perpetrator=Perpetrator.CITIZEN, citizen=known, injury=Injury.SICK_LEAVE, sick_leave=True,
                        description="Bruker dyttet veilederen over en stol i samtalerommet.")
    # Reported to the police by the unit three weeks ago; closed once handled, and the police's outcome came later.
    reported = register(caseworker, 24 * 21, channel=Channel.PHONE, category=Category.THREAT,
                        perpetrator=Perpetrator.UNKNOWN, description="Innringer truet med å sette fyr på kontoret.",
                        police_reported=True, police_reported_on=today - datetime.timedelta(days=20),
                        police_reported_by_unit=True, police_reference="23456789")
    services.review_meeting_record(by=hms, unit=office, held_on=timezone.localdate(),
                                   attendees="Lene Leder, Hanne Hms, Vidar Verneombud",
                                   notes="Alvorlig: vurdere utestenging.", incident_ids=[reviewed.pk, reported.pk])
    services.measure_add(by=leader, incident_id=reviewed.pk, kind=MeasureKind.WARNING_WRITTEN,
                         decided_on=timezone.localdate(), description="Skriftlig advarsel sendt i posten.")
    # The review proposes two staff in every meeting: followed until a TOAN decision made from it is signed or dropped.
    services.proposal_create(by=hms, incident_id=reviewed.pk, kind=ProposalKind.TWO_IN_MEETING,
                             description="To ansatte i alle samtaler til saken er avklart.")
    services.measure_add(by=hms, incident_id=reported.pk, kind=MeasureKind.NONE, decided_on=timezone.localdate(),
                         description="Ukjent innringer; politiet etterforsker.")
    services.follow_up_record(by=hms, exposed_id=reported.exposed.get().pk,
                              debrief_offered_on=today - datetime.timedelta(days=20), bht=Bht.NOT_NEEDED,
                              sick_leave=False, done=True)
    services.incident_close(by=hms, incident_id=reported.pk,
                            lessons_learned="Trusler på telefon meldes straks til leder og politiet.")
    services.police_outcome_update(by=hms, incident_id=reported.pk, police_outcome=PoliceOutcome.UNDER_INVESTIGATION)
    services.police_outcome_update(by=leader, incident_id=reported.pk, police_outcome=PoliceOutcome.CHARGED)
    return 4


def _social_media_at_arstad(today: datetime.date, registrant: User) -> int:
    """Twelve harassments and threats on social media at NAV Årstad in the last year, at fixed days before today:
    more than the Årstad ROS analysis' «yearly» for that event, so the ROS page marks it (risiko/demo.py)."""
    unit = Unit.objects.filter(number=ARSTAD).first()
    if unit is None:
        return 0
    incidents, people = [], []
    for number, days_ago in enumerate(SOCIAL_MEDIA_DAYS_AGO):
        category = (Category.HARASSMENT, Category.THREAT)[number % 2]
        moment = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days_ago),
                                                               datetime.time(9 + number % 6, 15)))
        incident, person = _past_incident(
            unit=unit, moment=moment, channel=Channel.SOCIAL_MEDIA, category=category,
            description=SOCIAL_MEDIA_DESCRIPTIONS[category], injury=Injury.NONE, asys_reference="",
            municipal=number % 3 == 0, registrant=registrant, today=today,
        )
        incidents.append(incident)
        people.append(person)
    _save_past(incidents, people, registrant)
    return len(incidents)


def load() -> int:
    """Idempotent: nothing is added once incidents exist."""
    if Incident.objects.exists():
        return 0
    rng = random.Random(2021)  # noqa: S311 – demo figures, not security
    today = timezone.localdate()
    registrant = User.objects.get(username="admin")
    units = list(Unit.objects.filter(is_active=True).order_by("number"))
    made = _history(units, registrant, rng, today) + _this_week(today) + _social_media_at_arstad(today, registrant)
    counts.rebuild()  # the history was saved in bulk, past the services that count each month
    return made
