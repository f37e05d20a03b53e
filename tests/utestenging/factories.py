"""Factories for the utestenging app, and builders for decisions in a given stage.

The builders write rows directly, without the services, so a test sets up exactly the state
it needs; the behaviour under test then goes through the service or view.
"""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from hendelser.models import CitizenWarning, WarningForm
from nav_sikkerhet.core.models import Employer
from utestenging.models import (
    AlternativeAssessment,
    AlternativeChannel,
    AlternativeOutcome,
    ChannelKind,
    Decision,
    DigitalChannel,
    Fact,
    Ground,
    Kind,
    LessIntrusiveMeasure,
    NoticeImpossibleReason,
    NoticeStatus,
    Registration,
    RegistrationKind,
    ServiceComplaint,
    Status,
)

from ..factories import CitizenFactory, UnitFactory, UserFactory

# Every written assessment a complete checklist needs, with a plausible text: each a real sentence of its own.
ASSESSMENTS = {
    "case_informed": "Hendelsene er beskrevet av to ansatte og vekter.",
    "risk_of_repetition": "Du har gjentatt truslene på telefon etter hendelsen.",
    "clear_need": "Ansatte føler seg utrygge når du kommer; vekter må tilkalles.",
    "proportionality": "Truslene dine veier tyngre enn ulempen for deg med skriftlig kontakt.",
    "other_measures": "Vi har sjekket, og du har ingen andre sikkerhetstiltak registrert.",
    "whole_situation": "Du får ytelser behandlet skriftlig og kan ringe kontaktpersonen din.",
    "duration_assessment": "Fire uker gir deg tid til å vise at truslene opphører.",
}
PHONE_ASSESSMENT = {"other_units_views": "NAV Grünerløkka er spurt og har ingen innvendinger mot tiltaket."}
EXTENSION_ASSESSMENT = {"extension_assessment": "Ny trussel 3. mars viser at risikoen for gjentakelse består."}
# A direct line that is no unit's switchboard and not NAV's general number.
CHANNEL_PHONE = "41 23 45 67"
# Each less intrusive alternative the guideline names, assessed with a reason of its own (§3).
ALTERNATIVE_REASONS = {
    LessIntrusiveMeasure.ASKED_TO_LEAVE: "Du ble bedt om å gå, men kom tilbake samme dag og truet igjen.",
    LessIntrusiveMeasure.ORAL_WARNING: "Du fikk muntlig advarsel i mottaket, og truslene fortsatte etterpå.",
    LessIntrusiveMeasure.WRITTEN_WARNING: "En skriftlig advarsel ville komme for sent når truslene er så alvorlige.",
    LessIntrusiveMeasure.TWO_STAFF: "To ansatte i samtalen hindrer ikke trusler i mottaket før samtalen.",
    LessIntrusiveMeasure.REGULATED_APPOINTMENTS: "Du truet ansatte selv om du hadde avtalt time på forhånd.",
    LessIntrusiveMeasure.CHANGE_OF_CASEWORKER: "Truslene gjaldt alle ansatte i mottaket, ikke én saksbehandler.",
    LessIntrusiveMeasure.PROTECTIVE_MEASURES: "Kontoret har allerede vekter og alarm, og truslene skjedde likevel.",
    LessIntrusiveMeasure.PHONE_OR_DIGITAL_ONLY: "Kontakt bare på telefon og digitalt er nettopp det tiltaket gir deg.",
}


class DecisionFactory(DjangoModelFactory):
    """A bare draft: nothing assessed yet."""

    class Meta:
        model = Decision

    kind = Kind.FYUS
    citizen = factory.SubFactory(CitizenFactory)
    unit = factory.SubFactory(UnitFactory)
    created_by = factory.SubFactory(UserFactory)


class FactFactory(DjangoModelFactory):
    class Meta:
        model = Fact

    decision = factory.SubFactory(DecisionFactory)
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    description = "Du slo i skranken og truet saksbehandleren: «Jeg vet hvor du bor»."


class WarningFactory(DjangoModelFactory):
    """A warning the citizen was given (kept in hendelser), recorded by the decision's unit."""

    class Meta:
        model = CitizenWarning
        exclude = ["decision"]

    decision = factory.SubFactory(DecisionFactory)
    citizen = factory.LazyAttribute(lambda o: o.decision.citizen)
    unit = factory.LazyAttribute(lambda o: o.decision.unit)
    registered_by = factory.LazyAttribute(lambda o: o.decision.created_by)
    given_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    form = WarningForm.WRITTEN
    note = "Skriftlig advarsel sendt i posten."


class ChannelFactory(DjangoModelFactory):
    class Meta:
        model = AlternativeChannel

    decision = factory.SubFactory(DecisionFactory)
    channel = ChannelKind.PHONE
    person_name = "Kari Leder"
    phone = CHANNEL_PHONE
    times = "Tirsdager 10–12"


class AlternativeAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = AlternativeAssessment

    decision = factory.SubFactory(DecisionFactory)
    alternative = LessIntrusiveMeasure.TWO_STAFF
    outcome = AlternativeOutcome.NOT_ENOUGH
    reason = factory.LazyAttribute(lambda o: ALTERNATIVE_REASONS[o.alternative])


def assess_alternatives(decision) -> list[AlternativeAssessment]:
    """Every alternative assessed: asked to leave and the oral warning tried (dated), the rest weighed."""
    tried_on = timezone.localdate() - datetime.timedelta(days=20)
    return [
        AlternativeAssessmentFactory(
            decision=decision, alternative=alternative,
            outcome=AlternativeOutcome.TRIED if alternative in TRIED_ALTERNATIVES else AlternativeOutcome.NOT_ENOUGH,
            tried_on=tried_on if alternative in TRIED_ALTERNATIVES else None,
        )
        for alternative in LessIntrusiveMeasure.values
    ]


TRIED_ALTERNATIVES = {LessIntrusiveMeasure.ASKED_TO_LEAVE, LessIntrusiveMeasure.ORAL_WARNING}


def alternative_rows() -> list[dict]:
    """The same assessment as rows for decision_update (alternative_assessments=...)."""
    tried_on = timezone.localdate() - datetime.timedelta(days=20)
    return [
        {"alternative": alternative, "reason": ALTERNATIVE_REASONS[alternative],
         "outcome": AlternativeOutcome.TRIED if alternative in TRIED_ALTERNATIVES else AlternativeOutcome.NOT_ENOUGH,
         "tried_on": tried_on if alternative in TRIED_ALTERNATIVES else None}
        for alternative in LessIntrusiveMeasure.values
    ]


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    decision = factory.SubFactory(DecisionFactory)
    kind = RegistrationKind.GOSYS
    done_on = factory.LazyFunction(timezone.localdate)
    done_by = factory.SubFactory(UserFactory)


class ComplaintFactory(DjangoModelFactory):
    class Meta:
        model = ServiceComplaint

    decision = factory.SubFactory(DecisionFactory)
    received_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=2))
    from_whom = "Advokat Hansen, på vegne av bruker"
    summary = "Bruker fikk ikke forhåndsvarsel."
    registered_by = factory.SubFactory(UserFactory)


def complete_fields(kind: str = Kind.FYUS, *, today: datetime.date | None = None, extension: bool = False) -> dict:
    """The decision fields a complete checklist needs (facts and channels are rows of their own).

    An extension's assessments are its own (§5): written anew, not the texts of the decision it extends.
    """
    today = today or timezone.localdate()
    kind = Kind(kind)
    grounds = [Ground.PHONE_THREATS] if kind == Kind.TFUS else [Ground.THREATS]
    assessments = {**ASSESSMENTS, **(PHONE_ASSESSMENT if kind.phone else {})}
    if extension:
        assessments = {name: f"Vurdert på nytt før forlengelsen: {text}" for name, text in assessments.items()}
    return {
        "kind": kind,
        "grounds": grounds,
        **({"digital_channels": [DigitalChannel.CHAT, DigitalChannel.WRITE_TO_US]} if kind == Kind.DIUS else {}),
        **assessments,
        **(EXTENSION_ASSESSMENT if extension else {}),
        "notice_status": NoticeStatus.NOT_POSSIBLE,
        "notice_not_possible_kind": NoticeImpossibleReason.ACUTE_DANGER,
        "notice_not_possible_reason": "Du truet med å komme tilbake samme dag med kniv.",
        "valid_from": today,
        "valid_to": today + datetime.timedelta(days=27),
    }


def complete_decision(*, status: str = Status.READY, kind: str = Kind.FYUS, **kwargs) -> Decision:
    """A decision whose checklist is complete: ready for the leader to sign unless told otherwise.

    Pass ``responsible_leader`` (a leader of ``unit``) as the checklist requires one.
    """
    fields = {**complete_fields(kind, extension=kwargs.get("extends") is not None), **kwargs}
    decision = DecisionFactory(status=status, **fields)
    # A threat serious enough on its own (§3): no earlier warning needed.
    FactFactory(decision=decision, serious=True)
    ChannelFactory(decision=decision)
    assess_alternatives(decision)
    return decision


def signed_decision(
    *,
    signed_by,
    status: str = Status.ACTIVE,
    valid_from: datetime.date | None = None,
    days: int = 28,
    signed_on: datetime.date | None = None,
    **kwargs,
) -> Decision:
    """A signed decision (ACTIVE by default) running ``days`` days from ``valid_from`` (today by default)."""
    valid_from = valid_from or timezone.localdate()
    signed_on = signed_on or min(valid_from, timezone.localdate())
    signed_at = timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(9, 0)))
    return complete_decision(
        status=status,
        signed_by=signed_by,
        signed_at=signed_at,
        responsible_leader=kwargs.pop("responsible_leader", signed_by),
        valid_from=valid_from,
        valid_to=valid_from + datetime.timedelta(days=days - 1),
        written_delivery="post",
        signed_employer=kwargs.pop("signed_employer", Employer.STATE),
        **kwargs,
    )
