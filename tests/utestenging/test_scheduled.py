"""The decisions' scheduled jobs, by time travel: status from the dates, and each reminder once.

Every test runs the whole sweep (``scheduling.run_sweep``) at a frozen local time, the way beat or
cron would, with tasks eager and e-mail in ``mailoutbox``. Dates are fixed so the daylight-saving
changes in Europe/Oslo (2026-10-25 and 2027-03-28) can be aimed at.
"""

import datetime
import smtplib

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from freezegun import freeze_time

from nav_sikkerhet.core import scheduling
from nav_sikkerhet.core.models import Reminder, Role
from utestenging import lookup, scheduled, services
from utestenging.models import (
    Decision,
    NoticeStatus,
    RegistrationKind,
    StatementStatus,
    Status,
)

from .factories import ComplaintFactory, RegistrationFactory, complete_decision, signed_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# A summer date far from any daylight-saving change; the DST tests pick their own.
END = datetime.date(2026, 6, 30)
START = END - 90 * DAY
EXPIRY_21, EXPIRY_7, EXPIRY_0 = "decision.expiry_21", "decision.expiry_7", "decision.expiry_0"
NOTICE, COMPLAINT, REGISTRATIONS = (
    "decision.notice_deadline", "decision.complaint_unanswered", "decision.registrations_missing",
)


def local(day: datetime.date, hour: int = 6, minute: int = 5) -> datetime.datetime:
    """An aware moment on the wall clock in Oslo."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def sweep(day: datetime.date, hour: int = 6, minute: int = 5) -> scheduling.SweepResult:
    """Run the sweep as beat would on that local day and time (default 06:05)."""
    with freeze_time(local(day, hour, minute)):
        return scheduling.run_sweep()


def sent() -> list[tuple[str, datetime.date, datetime.date]]:
    """(kind, local day the e-mail went out, due date) of every reminder e-mailed, oldest first."""
    return [
        (r.kind, timezone.localdate(r.sent_at), r.due_on)
        for r in Reminder.objects.filter(sent_at__isnull=False).order_by("sent_at", "pk")
    ]


def sent_kinds() -> list[str]:
    return [kind for kind, _day, _due in sent()]


@pytest.fixture(autouse=True)
def _clock_at_setup():
    """Fixtures are made as if on START; each sweep or service call then sets its own moment."""
    with freeze_time(local(START, 10)):
        yield


@pytest.fixture
def ending(unit, citizen, caseworker, leader):
    """An active decision whose last day is END (the full 12 weeks), signed a week before it began."""
    return signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                           valid_from=END - 83 * DAY, days=84, signed_on=END - 90 * DAY)


def _all_registrations(decision, by):
    for kind in RegistrationKind:
        RegistrationFactory(decision=decision, kind=kind, done_on=decision.valid_from, done_by=by, reference="2026/1")


# -- expiry: 21 and 7 days before, and on the last day ---------------------------------------------------------


def test_expiry_reminders_go_out_21_and_7_days_before_and_on_the_last_day_each_once(ending, leader, mailoutbox):
    _all_registrations(ending, leader)
    for day in (END + offset * DAY for offset in range(-23, 2)):
        sweep(day, 0, 5)
        sweep(day, 23, 5)  # a second run the same day sends nothing new

    assert sent() == [(EXPIRY_21, END - 21 * DAY, END - 21 * DAY), (EXPIRY_7, END - 7 * DAY, END - 7 * DAY),
                      (EXPIRY_0, END, END)]
    assert len(mailoutbox) == 3
    assert {m.to[0] for m in mailoutbox} == {leader.email}
    ending.refresh_from_db()
    assert ending.status == Status.EXPIRED
    # Once the decision has expired there is nothing left to assess: the start-page tasks close.
    assert not Reminder.objects.filter(done_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("stage", "days_late", "expected"),
    [
        (21, -1, []), (21, 0, [EXPIRY_21]), (21, 1, [EXPIRY_21]), (21, 3, [EXPIRY_21]), (21, 4, []),
        (7, -1, []), (7, 0, [EXPIRY_7]), (7, 1, [EXPIRY_7]), (7, 3, [EXPIRY_7]), (7, 4, []),
        (0, -1, []), (0, 0, [EXPIRY_0]),
    ],
)
def test_a_missed_expiry_reminder_is_caught_up_within_three_days_and_not_after(ending, stage, days_late, expected):
    """The sweep did not run on the reminder's day (server down); the first run after catches up."""
    day = END - stage * DAY + days_late * DAY
    sweep(day)
    assert sent_kinds() == expected
    assert [r.due_on for r in Reminder.objects.all()] == [END - stage * DAY] * len(expected)


def test_a_missed_last_day_expires_the_decision_without_a_late_expires_today_mail(ending, mailoutbox):
    sweep(END + DAY)
    ending.refresh_from_db()
    assert ending.status == Status.EXPIRED
    assert mailoutbox == []


def test_after_a_long_outage_only_the_reminder_still_due_goes_out(ending):
    """Down from day 21 to day 8: the 21-day reminder is too late to catch up; the 7-day one comes."""
    sweep(END - 8 * DAY)
    assert sent_kinds() == []
    sweep(END - 7 * DAY)
    assert sent_kinds() == [EXPIRY_7]


def test_a_signed_extension_stops_the_expiry_reminders_and_closes_the_open_one(ending, leader, caseworker):
    sweep(END - 21 * DAY)
    assert sent_kinds() == [EXPIRY_21]
    extension = signed_decision(unit=ending.unit, citizen=ending.citizen, created_by=caseworker, signed_by=leader,
                                status=Status.SIGNED, extends=ending, valid_from=END + DAY, signed_on=END - 10 * DAY)
    _all_registrations(extension, leader)
    sweep(END - 7 * DAY)
    sweep(END)
    assert sent_kinds() == [EXPIRY_21]
    assert Reminder.objects.get(kind=EXPIRY_21).done_at is not None


def test_an_extension_still_in_draft_does_not_stop_the_reminders(ending, caseworker):
    with freeze_time(local(END - 10 * DAY)):
        services.decision_start_extension(by=caseworker, decision_id=ending.pk)
    sweep(END - 7 * DAY)
    assert sent_kinds() == [EXPIRY_7]


def test_a_lifted_decision_gets_no_expiry_reminders(ending, leader, mailoutbox):
    with freeze_time(local(END - 25 * DAY)):
        services.decision_lift(by=leader, decision_id=ending.pk, lifted_on=END - 25 * DAY,
            reason="Bruker beklaget og fikk ny veileder.")
    for offset in (21, 7, 0):
        sweep(END - offset * DAY)
    assert mailoutbox == []


def test_a_decision_signed_to_start_later_is_reminded_before_it_has_even_started(unit, citizen, caseworker, leader):
    """A short decision: the 21-day mark falls before its start date, while it is only signed."""
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               status=Status.SIGNED, valid_from=END - 14 * DAY, days=15, signed_on=END - 30 * DAY)
    sweep(END - 21 * DAY)
    decision.refresh_from_db()
    assert (decision.status, sent_kinds()) == (Status.SIGNED, [EXPIRY_21])


# -- activation and expiry, across the daylight-saving changes --------------------------------------------------

# The local days of the changes: clocks back one hour (CEST → CET), and forward one hour (CET → CEST).
DST_DAYS = [datetime.date(2026, 10, 25), datetime.date(2027, 3, 28)]


@pytest.mark.parametrize("change", DST_DAYS, ids=str)
def test_a_decision_starting_on_the_dst_day_becomes_active_at_its_first_local_hour(unit, citizen, caseworker,
                                                                                    leader, change):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               status=Status.SIGNED, valid_from=change, signed_on=change - 5 * DAY)
    sweep(change - DAY, 23, 30)
    decision.refresh_from_db()
    assert decision.status == Status.SIGNED
    # 00:30 local is still the day before in UTC: the job must go by the local date.
    with freeze_time(local(change, 0, 30)):
        assert timezone.now().date() == change - DAY
        # Before the job has run, the look-up already answers from the dates (and the local date).
        assert decision.in_force_on(timezone.localdate())
        assert [m.decision_id for m in lookup.measures_in_force(citizen_id=decision.citizen_id)] == [decision.pk]
        scheduling.run_sweep()
    decision.refresh_from_db()
    assert decision.status == Status.ACTIVE


@pytest.mark.parametrize("change", DST_DAYS, ids=str)
def test_a_decision_ending_on_the_dst_day_is_active_all_that_day_and_expired_at_00_30_the_next(
    unit, citizen, caseworker, leader, change, mailoutbox,
):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               valid_from=change - 27 * DAY, days=28, signed_on=change - 30 * DAY)
    assert decision.valid_to == change
    sweep(change, 0, 30)
    sweep(change, 23, 30)
    decision.refresh_from_db()
    assert decision.status == Status.ACTIVE
    assert sent() == [(EXPIRY_0, change, change)]

    with freeze_time(local(change + DAY, 0, 30)):
        assert timezone.now().date() == change  # UTC has not reached the next day yet
        # Before the job has run, the look-up already answers from the dates (and the local date).
        assert not decision.in_force_on(timezone.localdate())
        assert lookup.measures_in_force(citizen_id=decision.citizen_id) == []
        scheduling.run_sweep()
    decision.refresh_from_db()
    assert decision.status == Status.EXPIRED
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("change", DST_DAYS, ids=str)
def test_the_21_and_7_day_reminders_count_calendar_days_across_the_dst_change(ending, change):
    """A decision whose 21-day mark is the DST day, and whose 7-day mark is two weeks after it."""
    ending.valid_to = change + 21 * DAY
    ending.valid_from = ending.valid_to - 83 * DAY
    ending.save()
    sweep(change - DAY, 23, 30)
    sweep(change, 0, 30)
    sweep(change + 13 * DAY, 23, 30)
    sweep(change + 14 * DAY, 0, 30)
    assert sent() == [(EXPIRY_21, change, change), (EXPIRY_7, change + 14 * DAY, change + 14 * DAY)]


@pytest.mark.parametrize("change", DST_DAYS, ids=str)
def test_registration_reminders_go_by_the_local_signing_date_across_the_dst_change(unit, citizen, caseworker,
                                                                                    leader, change):
    """Two decisions signed an hour apart around midnight, the same UTC date but different local dates."""
    signed_on = change - 3 * DAY
    late_evening = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                                   valid_from=signed_on + DAY, signed_on=signed_on)
    just_after_midnight = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                                          valid_from=signed_on + DAY, signed_on=signed_on)
    Decision.objects.filter(pk=late_evening.pk).update(signed_at=local(signed_on, 23, 30))
    Decision.objects.filter(pk=just_after_midnight.pk).update(signed_at=local(signed_on + DAY, 0, 30))
    assert local(signed_on, 23, 30).astimezone(datetime.UTC).date() == signed_on
    assert local(signed_on + DAY, 0, 30).astimezone(datetime.UTC).date() == signed_on

    sweep(change, 0, 30)
    assert list(Reminder.objects.filter(kind=REGISTRATIONS).values_list("case_number", "due_on")) == [
        (late_evening.case_number, change)]
    sweep(change + DAY, 0, 30)
    assert sorted(Reminder.objects.filter(kind=REGISTRATIONS).values_list("case_number", "due_on")) == sorted([
        (late_evening.case_number, change), (just_after_midnight.case_number, change + DAY)])


# -- advance notice: the citizen's deadline has passed ----------------------------------------------------------


@pytest.fixture
def noticed(unit, citizen, caseworker, leader):
    """Advance notice sent; the citizen's deadline is END, the decision would start a week later."""
    return complete_decision(
        unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader, status=Status.NOTICE_SENT,
        notice_status=NoticeStatus.SENT, notice_sent_on=END - 14 * DAY, notice_deadline=END,
        notice_method="letter", statement_status=StatementStatus.AWAITING, notice_not_possible_reason="",
        valid_from=END + 7 * DAY, valid_to=END + 34 * DAY,
    )


def test_the_leader_is_told_once_the_day_after_the_citizens_deadline(noticed, leader, mailoutbox):
    for offset in range(-1, 7):
        sweep(END + offset * DAY)
    assert sent() == [(NOTICE, END + DAY, END + DAY)]
    assert mailoutbox[0].to == [leader.email]


@pytest.mark.parametrize(("days_late", "expected"), [(0, [NOTICE]), (3, [NOTICE]), (4, [])])
def test_a_missed_deadline_reminder_is_caught_up_within_three_days(noticed, days_late, expected):
    sweep(END + DAY + days_late * DAY)
    assert sent_kinds() == expected


def test_the_deadline_reminder_closes_when_the_case_moves_on(noticed, caseworker):
    sweep(END + DAY)
    with freeze_time(local(END + 2 * DAY)):
        services.decision_record_statement(by=caseworker, decision_id=noticed.pk, received=False)
        services.decision_mark_ready(by=caseworker, decision_id=noticed.pk)
    assert Reminder.objects.get(kind=NOTICE).done_at is None
    sweep(END + 2 * DAY, 7)
    assert Reminder.objects.get(kind=NOTICE).done_at is not None


def test_no_deadline_reminder_when_the_case_moved_on_before_the_deadline(noticed, caseworker, mailoutbox):
    with freeze_time(local(END - DAY)):
        services.decision_record_statement(by=caseworker, decision_id=noticed.pk, received=True,
                                           statement="Bruker beklager.", received_on=END - DAY)
        services.decision_update(by=caseworker, decision_id=noticed.pk,
                                 statement_assessment="Du beklager, men truslene var alvorlige.")
        services.decision_mark_ready(by=caseworker, decision_id=noticed.pk)
    sweep(END + DAY)
    assert mailoutbox == []


# -- a service complaint unanswered after 14 days ---------------------------------------------------------------


@pytest.fixture
def complaint(ending, caseworker):
    return ComplaintFactory(decision=ending, received_on=END - 30 * DAY, registered_by=caseworker)


def test_an_unanswered_complaint_is_reminded_once_14_days_after_it_was_received(complaint, mailoutbox):
    received = complaint.received_on
    for offset in range(12, 20):
        sweep(received + offset * DAY)
    assert [(k, day) for k, day, _due in sent() if k == COMPLAINT] == [(COMPLAINT, received + 14 * DAY)]
    assert Reminder.objects.get(kind=COMPLAINT).due_on == received + 14 * DAY


@pytest.mark.parametrize(("days_after", "expected"),
                         [(13, []), (14, [COMPLAINT]), (17, [COMPLAINT]), (18, [COMPLAINT]), (60, [COMPLAINT])])
def test_the_complaint_reminder_is_due_from_day_14_however_late_the_sweep_first_runs(complaint, days_after, expected):
    sweep(complaint.received_on + days_after * DAY)
    assert [k for k in sent_kinds() if k == COMPLAINT] == expected


def test_an_answered_complaint_is_not_reminded_and_an_open_reminder_closes(ending, complaint, caseworker, leader):
    answered_in_time = ComplaintFactory(decision=ending, received_on=complaint.received_on, registered_by=caseworker)
    with freeze_time(local(complaint.received_on + 10 * DAY)):
        services.complaint_answer(by=leader, complaint_id=answered_in_time.pk,
                                  answered_on=complaint.received_on + 10 * DAY,
                                      answer_summary="Klagen er vurdert og besvart skriftlig.")
    sweep(complaint.received_on + 14 * DAY)
    reminder = Reminder.objects.get(kind=COMPLAINT)
    assert reminder.key.split(":")[1] == str(complaint.pk)  # only the one still unanswered

    with freeze_time(local(complaint.received_on + 15 * DAY)):
        services.complaint_answer(by=leader, complaint_id=complaint.pk,
                                  answered_on=complaint.received_on + 15 * DAY,
                                      answer_summary="Klagen er vurdert og besvart skriftlig.")
    sweep(complaint.received_on + 15 * DAY, 7)
    reminder.refresh_from_db()
    assert reminder.done_at is not None


def test_two_unanswered_complaints_on_one_decision_are_two_reminders(ending, complaint, caseworker, mailoutbox):
    ComplaintFactory(decision=ending, received_on=complaint.received_on, registered_by=caseworker)
    sweep(complaint.received_on + 14 * DAY)
    assert sent_kinds().count(COMPLAINT) == 2


# -- registration duties still missing 3 days after signing -----------------------------------------------------


@pytest.fixture
def just_signed(unit, citizen, caseworker, leader):
    """Signed at 09:00 on END, in force from the same day for 12 weeks."""
    return signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, valid_from=END,
                           days=84, signed_on=END)


def test_missing_registrations_are_reminded_once_three_days_after_signing(just_signed, leader, mailoutbox):
    RegistrationFactory(decision=just_signed, kind=RegistrationKind.GOSYS, done_on=END, done_by=leader)
    for offset in range(0, 9):
        sweep(END + offset * DAY)
    assert sent() == [(REGISTRATIONS, END + 3 * DAY, END + 3 * DAY)]


@pytest.mark.parametrize(("days_after", "expected"), [(2, []), (3, [REGISTRATIONS]), (6, [REGISTRATIONS]), (7, [])])
def test_the_registration_reminder_is_caught_up_within_three_days(just_signed, days_after, expected):
    sweep(END + days_after * DAY)
    assert sent_kinds() == expected


def test_no_registration_reminder_when_all_four_are_done(just_signed, leader, mailoutbox):
    _all_registrations(just_signed, leader)
    sweep(END + 3 * DAY)
    assert mailoutbox == []


def test_the_registration_reminder_closes_when_the_last_registration_is_recorded(just_signed, leader):
    sweep(END + 3 * DAY)
    with freeze_time(local(END + 4 * DAY)):
        for kind in RegistrationKind:
            services.registration_record(by=leader, decision_id=just_signed.pk, kind=kind, done_on=END + 4 * DAY,
                                         reference="2026/77")
    sweep(END + 4 * DAY)
    assert Reminder.objects.get(kind=REGISTRATIONS).done_at is not None


def test_a_moot_reminder_whose_e_mail_has_not_gone_out_yet_is_not_sent(just_signed, leader, settings, mailoutbox):
    """The mail server was down on the day; by the next sweep the registrations are done."""
    settings.EMAIL_BACKEND = "tests.utestenging.test_scheduled.BrokenSMTPBackend"
    sweep(END + 3 * DAY)
    reminder = Reminder.objects.get(kind=REGISTRATIONS)
    assert (reminder.sent_at, reminder.attempts) == (None, 1)  # left for the next sweep
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _all_registrations(just_signed, leader)
    sweep(END + 3 * DAY, 7)
    reminder.refresh_from_db()
    assert reminder.done_at is not None and reminder.sent_at is None
    assert mailoutbox == []


class BrokenSMTPBackend:
    """An e-mail backend whose server always refuses."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


# -- who gets the reminder, and what it says -------------------------------------------------------------------


def test_without_an_active_responsible_leader_the_units_leaders_are_reminded(ending, leader, staff_with_role, unit,
                                                                              mailoutbox):
    acting = staff_with_role(Role.STEDFORTREDER, unit, username="stedfortreder_sched")
    staff_with_role(Role.SAKSBEHANDLER, unit, username="saksbehandler_sched")
    leader.is_active = False
    leader.save()
    sweep(END - 21 * DAY)
    assert sorted(m.to[0] for m in mailoutbox) == [acting.email]


SUBJECTS = {
    EXPIRY_21: "Case %(case)s: 21 days left – assess extension",
    EXPIRY_7: "Case %(case)s: 7 days left – assess extension",
    EXPIRY_0: "Case %(case)s: the decision expires today",
    NOTICE: "Case %(case)s: the citizen's deadline has passed – ready to decide",
    COMPLAINT: "Case %(case)s: service complaint unanswered for 14 days",
    REGISTRATIONS: "Case %(case)s: registrations still missing",
}


@pytest.fixture
def one_of_each(ending, noticed, complaint, just_signed):
    """Every kind of reminder due on one sweep day or another; returns {kind: (decision, sweep day)}."""
    return {  # in the order of the sweep days
        EXPIRY_21: (ending, END - 21 * DAY), COMPLAINT: (ending, complaint.received_on + 14 * DAY),
        EXPIRY_7: (ending, END - 7 * DAY), EXPIRY_0: (ending, END), NOTICE: (noticed, END + DAY),
        REGISTRATIONS: (just_signed, END + 3 * DAY),
    }


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_reminders_are_written_in_the_recipients_language_with_link_and_case_number_only(
    one_of_each, leader, language, mailoutbox,
):
    leader.language = language
    leader.save()
    for kind, (decision, day) in one_of_each.items():
        mailoutbox.clear()
        sweep(day)
        assert len(mailoutbox) == 1, kind
        mail = mailoutbox[0]
        assert mail.subject == _translated(SUBJECTS[kind], language, decision)
        assert mail.to == [leader.email]
        assert mail.from_email == settings.DEFAULT_FROM_EMAIL
        link = settings.SITE_URL.rstrip("/") + reverse("utestenging:detail", args=[decision.public_id])
        assert link in mail.body
        assert decision.case_number in mail.body
        for secret in (decision.citizen.name, decision.citizen.personident, decision.citizen.address):
            assert secret not in mail.subject and secret not in mail.body
        if language != "en":
            english = SUBJECTS[kind] % {"case": decision.case_number}
            assert mail.subject != english, f"{kind}: the {language} catalogue has no translation"


def _translated(msgid: str, language: str, decision) -> str:
    with translation.override(language):
        return gettext(msgid) % {"case": decision.case_number}


def test_bokmal_and_nynorsk_reminders_differ():
    for kind in scheduled.REMINDER_KINDS:
        with translation.override("nb"):
            nb = (str(kind.subject), str(kind.body))
        with translation.override("nn"):
            nn = (str(kind.subject), str(kind.body))
        with translation.override("en"):
            en = (str(kind.subject), str(kind.body))
        assert nb[1] != en[1] and nn[1] != en[1], f"{kind.kind}: body not translated"
        assert nb != nn, f"{kind.kind}: the nynorsk text is a copy of the bokmål"
        for text in (*nb, *nn):
            assert "%(case)s" in text


def test_the_stored_reminder_holds_no_citizen_data(one_of_each):
    for _decision, day in one_of_each.values():
        sweep(day)
    decisions = {decision.case_number: decision for decision, _day in one_of_each.values()}
    reminders = list(Reminder.objects.all())
    assert sorted(r.kind for r in reminders) == sorted(one_of_each)
    for reminder in reminders:
        decision = decisions[reminder.case_number]
        assert reminder.path == reverse("utestenging:detail", args=[decision.public_id])
        stored = " ".join([reminder.key, reminder.kind, reminder.case_number, reminder.path])
        assert decision.citizen.name not in stored and decision.citizen.personident not in stored


# -- the start page shows them as tasks -------------------------------------------------------------------------


def test_the_reminder_is_a_task_on_the_leaders_start_page_until_ticked_off(ending, leader, client):
    sweep(END - 21 * DAY)
    reminder = Reminder.objects.get()
    client.force_login(leader)
    with translation.override("nb"):
        subject = gettext(SUBJECTS[EXPIRY_21]) % {"case": ending.case_number}
    page = client.get(reverse("core:start")).content.decode()
    assert ending.case_number in page and subject.split(": ", 1)[1] in page

    response = client.post(reverse("core:reminder_done", args=[reminder.pk]))
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.done_at is not None
    assert ending.case_number not in client.get(reverse("core:start")).content.decode()
