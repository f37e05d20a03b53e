"""Every kind of measure through the daily sweep: reminders before the end of its period, then expiry.

Each kind on the ladder has a maximum period (KIND_RULES), so each gets the same three reminders as an
exclusion, named by its own kind, and expires the day after its last day; a lifted one gets none.
"""

import datetime

import pytest
from django.utils import timezone, translation
from freezegun import freeze_time

from nav_sikkerhet.core import scheduling
from nav_sikkerhet.core.models import Reminder
from utestenging import lookup, services
from utestenging.models import KIND_RULES, DigitalChannel, Kind, RegistrationKind, Status

from .factories import RegistrationFactory, signed_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
END = datetime.date(2026, 6, 30)
START = END - 120 * DAY
EXPIRY = ["decision.expiry_21", "decision.expiry_7", "decision.expiry_0"]


def local(day: datetime.date, hour: int = 6) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 5)))


def sweep(day: datetime.date) -> None:
    with freeze_time(local(day)):
        scheduling.run_sweep()


@pytest.fixture(autouse=True)
def _clock_at_setup():
    with freeze_time(local(START, 10)):
        yield


def _ending(kind, *, unit, citizen, caseworker, leader, days=28):
    """A measure of ``kind`` in force whose last day is END, its registrations done."""
    decision = signed_decision(
        unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, kind=kind,
        valid_from=END - (days - 1) * DAY, days=days, signed_on=min(START, END - (days - 1) * DAY),
        **({"digital_channels": [DigitalChannel.CHAT]} if kind == Kind.DIUS else {}),
    )
    decision.covered_units.set([unit])
    for registration in RegistrationKind:
        RegistrationFactory(decision=decision, kind=registration, done_on=START, done_by=leader, reference="2026/1")
    return decision


@pytest.mark.parametrize("kind", list(Kind))
def test_each_kind_is_reminded_21_and_7_days_before_and_on_its_last_day_then_expires(
    kind, unit, citizen, caseworker, leader, mailoutbox,
):
    decision = _ending(kind, unit=unit, citizen=citizen, caseworker=caseworker, leader=leader)
    # The days around each reminder, and the days after the last: a second run the same day sends nothing new.
    for offset in (-22, -21, -21, -20, -8, -7, -6, -1, 0, 0, 1, 2):
        sweep(END + offset * DAY)

    sent = Reminder.objects.filter(sent_at__isnull=False).order_by("sent_at", "pk")
    assert [(r.kind, r.due_on) for r in sent] == [
        (EXPIRY[0], END - 21 * DAY), (EXPIRY[1], END - 7 * DAY), (EXPIRY[2], END),
    ]
    decision.refresh_from_db()
    assert decision.status == Status.EXPIRED
    with freeze_time(local(END + DAY)):
        assert lookup.measures_in_force(citizen_id=citizen.pk) == []
    # Nothing is left to assess once it has expired: the start page's tasks are closed.
    assert not Reminder.objects.filter(done_at__isnull=True).exists()
    assert len(mailoutbox) == 3


@pytest.mark.parametrize("kind", list(Kind))
def test_a_measure_of_the_longest_period_its_kind_allows_is_reminded_and_expires_at_its_end(
    kind, unit, citizen, caseworker, leader,
):
    """The reminders count back from the kind's own end (a change of caseworker runs up to 52 weeks)."""
    days = KIND_RULES[kind].max_days
    decision = _ending(kind, unit=unit, citizen=citizen, caseworker=caseworker, leader=leader, days=days)
    decision.full_clean()  # the period is allowed for this kind
    sweep(END - 22 * DAY)
    assert not Reminder.objects.exists()
    sweep(END - 21 * DAY)
    assert list(Reminder.objects.values_list("kind", flat=True)) == [EXPIRY[0]]
    sweep(END + DAY)
    decision.refresh_from_db()
    assert decision.status == Status.EXPIRED


@pytest.mark.parametrize("kind", [Kind.TOAN, Kind.DIUS, Kind.CHANGE_OF_CASEWORKER])
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_reminder_names_the_kind_of_measure_in_the_leaders_language(
    kind, language, unit, citizen, caseworker, leader, mailoutbox,
):
    leader.language = language
    leader.save()
    decision = _ending(kind, unit=unit, citizen=citizen, caseworker=caseworker, leader=leader)
    for offset in (21, 0):
        mailoutbox.clear()
        sweep(END - offset * DAY)
        assert len(mailoutbox) == 1
        with translation.override(language):
            assert str(Kind(kind).label) in mailoutbox[0].body
        assert decision.case_number in mailoutbox[0].body
        # Not the exclusion's wording: a measure on the ladder does not "give back ordinary access".
        assert "ordinary access" not in mailoutbox[0].body
        assert citizen.name not in mailoutbox[0].body


@pytest.mark.parametrize("kind", [Kind.TOAN, Kind.DIUS, Kind.REGULATED_APPOINTMENTS, Kind.CHANGE_OF_CASEWORKER,
                                  Kind.PROTECTIVE_MEASURES])
def test_a_lifted_measure_gets_no_expiry_reminders_and_stays_lifted(kind, unit, citizen, caseworker, leader,
                                                                     mailoutbox):
    decision = _ending(kind, unit=unit, citizen=citizen, caseworker=caseworker, leader=leader)
    with freeze_time(local(END - 25 * DAY)):
        services.decision_lift(by=leader, decision_id=decision.pk, lifted_on=END - 25 * DAY,
                               reason="Brukeren har fått ny veileder og situasjonen er rolig.")
    mailoutbox.clear()
    for offset in (21, 7, 0, -1):
        sweep(END - offset * DAY)
    assert not Reminder.objects.filter(kind__in=EXPIRY).exists()
    decision.refresh_from_db()
    assert decision.status == Status.LIFTED
