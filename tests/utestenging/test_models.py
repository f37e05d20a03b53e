"""Rules about an object's own fields (clean()), and the database's own check constraints."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from freezegun import freeze_time

from utestenging.models import (
    AlternativeChannel,
    ChannelKind,
    Decision,
    Fact,
    Ground,
    Kind,
    Registration,
    RegistrationKind,
    ServiceComplaint,
    Status,
)

from .factories import DecisionFactory, RegistrationFactory, signed_decision

START = datetime.date(2025, 3, 10)
DAY = datetime.timedelta(days=1)
OSLO = timezone.get_fixed_timezone(60)  # Oslo's offset in March (CET)


def _deadline_after_sending() -> str:
    return gettext("The deadline must be after the day the notice is sent: the citizen needs time to answer.")


def _errors(instance) -> dict[str, list[str]]:
    """The field errors clean() raises, or {} when it passes."""
    try:
        instance.clean()
    except ValidationError as error:
        return error.message_dict
    return {}


# -- Decision.clean() ------------------------------------------------------------------------------


def test_a_period_of_twelve_weeks_is_allowed():
    assert _errors(Decision(kind=Kind.FYUS, valid_from=START, valid_to=START + 83 * DAY)) == {}


def test_a_period_of_twelve_weeks_and_one_day_is_refused_naming_the_last_allowed_day():
    decision = Decision(kind=Kind.FYUS, valid_from=START, valid_to=START + 84 * DAY)
    with translation.override("nb"):
        errors = _errors(decision)
        expected = gettext("The period may be at most 12 weeks: the last day can be no later than %(last)s.") % {
            "last": "01.06.2025"
        }
    assert errors == {"valid_to": [expected]}
    assert "01.06.2025" in expected and datetime.date(2025, 6, 1) == (START + 83 * DAY)


def test_a_period_ending_before_it_starts_is_refused():
    errors = _errors(Decision(kind=Kind.FYUS, valid_from=START, valid_to=START - DAY))
    assert errors == {"valid_to": [gettext("The end date cannot be before the start date.")]}


def test_a_one_day_period_is_allowed():
    assert _errors(Decision(kind=Kind.FYUS, valid_from=START, valid_to=START)) == {}


def test_a_decision_cannot_start_before_the_day_it_is_signed():
    signed_at = datetime.datetime(2025, 3, 10, 14, 0, tzinfo=OSLO)
    decision = Decision(kind=Kind.FYUS, signed_at=signed_at, valid_from=START - DAY, valid_to=START + 10 * DAY)
    assert _errors(decision) == {"valid_from": [gettext("A decision cannot start before the day it is signed.")]}
    decision.valid_from = START
    assert _errors(decision) == {}


def test_the_signing_day_is_the_day_in_oslo_not_in_utc():
    # 23:30 in Oslo is still 10 March there, though it is 22:30 UTC; the day after midnight UTC is 11 March.
    late_evening = datetime.datetime(2025, 3, 10, 23, 30, tzinfo=OSLO)
    decision = Decision(kind=Kind.FYUS, signed_at=late_evening, valid_from=START, valid_to=START + DAY)
    assert _errors(decision) == {}


@pytest.mark.parametrize(
    ("kind", "grounds"),
    [
        (Kind.FYUS, [Ground.PHONE_THREATS]),
        (Kind.FYUS, [Ground.THREATS, Ground.PHONE_HARASSMENT]),
        (Kind.TFUS, [Ground.VIOLENCE]),
        (Kind.FTUS, ["not-a-ground"]),
        (Kind.FYUS, "threats"),
    ],
    ids=["phone-ground-on-fyus", "mixed-on-fyus", "physical-ground-on-tfus", "unknown", "not-a-list"],
)
def test_grounds_must_fit_the_kind_of_measure(kind, grounds):
    assert _errors(Decision(kind=kind, grounds=grounds)) == {
        "grounds": [gettext("Choose only grounds that fit the kind of measure.")]
    }


@pytest.mark.parametrize(
    ("kind", "grounds"),
    [
        (Kind.FYUS, [Ground.VIOLENCE, Ground.THREATS, Ground.HARASSMENT, Ground.DAMAGE]),
        (Kind.TFUS, [Ground.PHONE_THREATS, Ground.PHONE_HARASSMENT, Ground.PHONE_SYSTEMATIC]),
        (Kind.FTUS, [Ground.THREATS, Ground.PHONE_THREATS]),
    ],
    ids=["fyus", "tfus", "ftus-both"],
)
def test_grounds_that_fit_the_kind_are_accepted(kind, grounds):
    assert _errors(Decision(kind=kind, grounds=grounds)) == {}


def test_notice_deadline_before_the_notice_was_sent_is_refused():
    decision = Decision(kind=Kind.FYUS, notice_sent_on=START, notice_deadline=START - DAY)
    assert _errors(decision) == {"notice_deadline": [_deadline_after_sending()]}
    decision.notice_deadline = START + 7 * DAY
    assert _errors(decision) == {}


def _signed(**fields):
    return Decision(
        kind=Kind.FYUS,
        signed_at=datetime.datetime(2025, 3, 10, 9, 0, tzinfo=OSLO),
        valid_from=START + 7 * DAY,
        valid_to=START + 34 * DAY,
        **fields,
    )


@pytest.mark.parametrize(
    "lifted_on", [START, START + 3 * DAY, START + 7 * DAY, START + 34 * DAY], ids=["signing-day", "before-start",
                                                                                  "first-day", "last-day"]
)
def test_lifting_date_between_signing_and_end_is_accepted(lifted_on):
    assert _errors(_signed(lifted_on=lifted_on)) == {}


@pytest.mark.parametrize("lifted_on", [START - DAY, START + 35 * DAY], ids=["before-signing", "after-end"])
def test_lifting_date_outside_signing_and_end_is_refused(lifted_on):
    assert _errors(_signed(lifted_on=lifted_on)) == {
        "lifted_on": [gettext("The lifting date must lie between the signing date and the end of the period.")]
    }


def test_an_unsigned_decision_cannot_carry_a_lifting_date():
    decision = Decision(kind=Kind.FYUS, valid_from=START, valid_to=START + DAY, lifted_on=START)
    assert "lifted_on" in _errors(decision)


def test_ends_on_is_the_lifting_day_when_lifted_early():
    decision = _signed()
    assert decision.ends_on == START + 34 * DAY
    decision.lifted_on = START + 10 * DAY
    assert decision.ends_on == START + 10 * DAY


@pytest.mark.parametrize(
    ("status", "day", "expected"),
    [
        (Status.SIGNED, START + 6 * DAY, False),
        (Status.SIGNED, START + 7 * DAY, True),
        (Status.ACTIVE, START + 34 * DAY, True),
        (Status.ACTIVE, START + 35 * DAY, False),
        (Status.LIFTED, START + 10 * DAY, False),
        (Status.READY, START + 10 * DAY, False),
    ],
    ids=["before-start", "first-day", "last-day", "day-after", "lifted", "not-signed"],
)
def test_in_force_on_follows_the_dates_and_the_status(status, day, expected):
    assert _signed(status=status).in_force_on(day) is expected


# -- the other models' clean() ---------------------------------------------------------------------

CHANNEL_FIELDS = ["person_name", "phone", "times", "address", "place"]


@pytest.mark.parametrize(
    ("channel", "required"),
    [
        (ChannelKind.WRITTEN, {"address"}),
        (ChannelKind.PHONE, {"person_name", "phone", "times"}),
        (ChannelKind.PROXY, {"person_name"}),
        (ChannelKind.MEETING, {"address", "times"}),
    ],
)
def test_each_channel_requires_its_own_details(channel, required):
    empty = AlternativeChannel(channel=channel, **dict.fromkeys(CHANNEL_FIELDS, "  "))
    assert set(_errors(empty)) == required
    assert _errors(empty)[sorted(required)[-1]] == [gettext("Fill in this detail for the chosen channel.")]
    filled = AlternativeChannel(channel=channel, **dict.fromkeys(required, "Utfylt"))
    filled.phone = "41 23 45 67" if "phone" in required else ""
    assert _errors(filled) == {}


@pytest.mark.parametrize("kind", [RegistrationKind.ARCHIVE, RegistrationKind.ASYS, RegistrationKind.MUNICIPAL])
def test_registration_needs_a_reference_for_archive_asys_and_municipal_system(kind):
    registration = Registration(kind=kind, done_on=timezone.localdate(), reference=" ")
    assert _errors(registration) == {"reference": [gettext("Give the reference (case or document number).")]}
    registration.reference = "2025/1234-5"
    assert _errors(registration) == {}


def test_gosys_registration_needs_no_reference():
    assert _errors(Registration(kind=RegistrationKind.GOSYS, done_on=timezone.localdate())) == {}


def test_registration_cannot_be_dated_in_the_future():
    tomorrow = timezone.localdate() + DAY
    assert _errors(Registration(kind=RegistrationKind.GOSYS, done_on=tomorrow)) == {
        "done_on": [gettext("The date cannot be in the future.")]
    }


def _complaint(**fields):
    return ServiceComplaint(received_on=START, from_whom="Bruker", summary="Klage", **fields)


@freeze_time("2025-03-20 12:00")
def test_an_unanswered_complaint_is_valid():
    assert _errors(_complaint()) == {}


@freeze_time("2025-03-20 12:00")
def test_a_complaint_answer_needs_the_written_answer():
    assert _errors(_complaint(answered_on=START + DAY, answer_summary=" ")) == {
        "answer_summary": [gettext("Describe the written answer that was sent.")]
    }
    assert _errors(_complaint(answered_on=START + DAY, answer_summary="Vi har vurdert klagen og svart i posten.")) == {}


@freeze_time("2025-03-20 12:00")
def test_a_complaint_cannot_be_answered_before_it_was_received():
    assert _errors(_complaint(answered_on=START - DAY, answer_summary="Vi har vurdert klagen og svart i posten.")) == {
        "answered_on": [gettext("The answer cannot be dated before the complaint was received.")]
    }


@freeze_time("2025-03-20 12:00")
def test_complaint_dates_cannot_be_in_the_future():
    future = datetime.date(2025, 3, 21)
    assert _errors(ServiceComplaint(received_on=future, from_whom="Bruker", summary="Klage")) == {
        "received_on": [gettext("The date cannot be in the future.")]
    }
    assert _errors(_complaint(answered_on=future, answer_summary="Vi har vurdert klagen og svart i posten.")) == {
        "answered_on": [gettext("The date cannot be in the future.")]
    }


def test_a_fact_cannot_be_dated_in_the_future():
    today = timezone.localdate()
    assert _errors(Fact(occurred_on=today + DAY, description="Du truet en ansatt.")) == {
        "occurred_on": [gettext("An incident cannot be dated in the future.")]
    }
    assert _errors(Fact(occurred_on=today, description="Du truet en ansatt.")) == {}


# -- the database's own guards ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.SIGNED, Status.ACTIVE, Status.EXPIRED, Status.LIFTED])
def test_database_refuses_a_decided_status_without_signature(status, unit, citizen, leader):
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(unit=unit, citizen=citizen, created_by=leader, status=status, valid_from=today,
                        valid_to=today + 10 * DAY)
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_database_refuses_a_decided_status_without_a_period(unit, citizen, leader):
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(unit=unit, citizen=citizen, created_by=leader, status=Status.SIGNED, signed_by=leader,
                        signed_at=timezone.now())
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_database_refuses_a_period_that_ends_before_it_starts(unit, citizen, leader):
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(unit=unit, citizen=citizen, created_by=leader, valid_from=today, valid_to=today - DAY)
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_database_refuses_a_second_registration_of_the_same_kind(unit, citizen, leader):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=leader, signed_by=leader)
    RegistrationFactory(decision=decision, done_by=leader)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(decision=decision, kind=RegistrationKind.GOSYS, done_on=timezone.localdate(),
                                    done_by=leader)
    assert decision.registrations.count() == 1


@pytest.mark.django_db
def test_a_signed_decision_with_signature_and_period_is_stored(unit, citizen, leader):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=leader, signed_by=leader)
    decision.refresh_from_db()
    assert (decision.status, decision.signed_by) == (Status.ACTIVE, leader)
    assert decision.case_number == f"US-{decision.created_at:%Y}-{decision.pk:05d}"
    assert str(decision) == f"{decision.case_number} {decision.get_kind_display()}"
