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
    AlternativeChannel,
    ChannelKind,
    Decision,
    Fact,
    Ground,
    Kind,
    NoticeImpossibleReason,
    NoticeStatus,
    Registration,
    RegistrationKind,
    ServiceComplaint,
    Status,
)

from ..factories import CitizenFactory, UnitFactory, UserFactory

# Every written assessment a complete checklist needs, with a plausible text.
ASSESSMENTS = {
    "case_informed": "Hendelsene er beskrevet av to ansatte og vekter.",
    "risk_of_repetition": "Du har gjentatt truslene på telefon etter hendelsen.",
    "clear_need": "Ansatte føler seg utrygge når du kommer; vekter må tilkalles.",
    "alternatives": "Du har fått muntlig og skriftlig advarsel uten virkning.",
    "proportionality": "Truslene dine veier tyngre enn ulempen for deg med skriftlig kontakt.",
    "other_measures": "Ingen andre sikkerhetstiltak registrert.",
    "whole_situation": "Du får ytelser behandlet skriftlig og kan ringe kontaktpersonen din.",
    "duration_assessment": "Fire uker gir deg tid til å vise at truslene opphører.",
}
PHONE_ASSESSMENT = {"other_units_views": "NAV Grünerløkka har ingen innvendinger."}
EXTENSION_ASSESSMENT = {"extension_assessment": "Ny trussel 3. mars viser at risikoen består."}


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
    phone = "22 33 44 55"
    times = "Tirsdager 10–12"


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
