"""Issue 17, items 3, 8, 9 and 10: extensions, representatives' copies, late complaints and who signs.

As in test_other_paths_notice_and_delivery: every other path is tried (an extension, a later decision, the admin,
a copied text), and each refusal leaves no letter. Names say the guideline paragraph or Ombudsman criticism.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from nav_sikkerhet.core.models import Employer, Reminder, Role, RoleAssignment, UnitType
from utestenging import letters, scheduled, services
from utestenging.models import (
    ActingReason,
    Decision,
    EventKind,
    Letter,
    LetterKind,
    NoticeMethod,
    NoticeStatus,
    SignedAs,
    Status,
    WrittenDelivery,
)

from ..factories import UnitFactory
from .factories import ASSESSMENTS, ComplaintFactory, complete_decision, signed_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list} if hasattr(error, "error_list") else set()


def _sign(decision, by, **kwargs):
    return services.decision_sign(by=by, decision_id=decision.pk, other_measures_acknowledged=True,
                                  **{"written_delivery": WrittenDelivery.HANDED_OVER, **kwargs})


def _no_letter(decision, kind=None) -> None:
    letters_ = Letter.objects.filter(decision=decision)
    assert not (letters_.filter(kind=kind) if kind else letters_).exists()


# -- item 3: an extension is a decision near the end (§5, §9.3) -----------------------------------------------


@pytest.fixture
def running(unit, citizen, caseworker, leader, today):
    """A decision in force since a week, for 8 weeks: its last 21 days start in four weeks."""
    return signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                           valid_from=today - 7 * DAY, days=56)


def _extension_of(old, *, unit, citizen, caseworker, leader, **fields):
    """A ready extension made past decision_start_extension, as an import or a second form could."""
    start = old.valid_to + DAY
    return complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader,
                             extends=old, valid_from=start, valid_to=start + 27 * DAY, **fields)


def test_section_5_an_extension_at_the_start_of_the_decision_is_refused_to_start_and_to_sign(
    running, unit, citizen, caseworker, leader,
):
    with pytest.raises(ValidationError) as error:
        services.decision_start_extension(by=caseworker, decision_id=running.pk)
    assert error.value.code == "extension_too_early"
    extension = _extension_of(running, unit=unit, citizen=citizen, caseworker=caseworker, leader=leader)
    with pytest.raises(ValidationError) as error:
        _sign(extension, leader)
    assert error.value.code == "extension_too_early"
    _no_letter(extension)
    with freeze_time(running.valid_to - 20 * DAY):
        assert _sign(extension, leader).status == Status.SIGNED


def test_section_5_an_extension_of_a_decision_not_yet_started_is_refused(unit, citizen, caseworker, leader, today):
    future = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                             status=Status.SIGNED, valid_from=today + 3 * DAY, signed_on=today, days=10)
    extension = _extension_of(future, unit=unit, citizen=citizen, caseworker=caseworker, leader=leader)
    with pytest.raises(ValidationError) as error:
        _sign(extension, leader)
    assert error.value.code == "extension_too_early"
    _no_letter(extension)


@pytest.mark.parametrize("copy", ["same", "other_case_and_spacing"])
def test_section_5_an_extensions_assessment_copied_from_the_original_is_refused(
    running, unit, citizen, caseworker, leader, copy,
):
    text = ASSESSMENTS["risk_of_repetition"]
    copied = text if copy == "same" else f"  {text.upper().replace(' ', '   ').rstrip('.')} "
    extension = _extension_of(running, unit=unit, citizen=citizen, caseworker=caseworker, leader=leader,
                              extension_assessment=copied)
    with freeze_time(running.valid_to - 5 * DAY):
        with pytest.raises(ValidationError) as error:
            _sign(extension, leader)
        assert "extension_own_assessment" in _codes(error.value)
        _no_letter(extension)
        Decision.objects.filter(pk=extension.pk).update(
            extension_assessment="Du truet en ansatt på telefon 2. mars, etter at beslutningen ble fattet.")
        assert _sign(extension, leader).status == Status.SIGNED


def test_section_5_an_extension_gets_its_own_notice_or_a_listed_reason(running, caseworker):
    with freeze_time(running.valid_to - 5 * DAY):
        extension = services.decision_start_extension(by=caseworker, decision_id=running.pk)
    assert (extension.notice_status, extension.notice_sent_on) == (NoticeStatus.NOT_HANDLED, None)
    assert "notice" in [item.key for item in services.decision_checklist(extension) if not item.done]


def test_section_5_a_later_decision_cannot_stand_in_for_an_extension(running, unit, citizen, caseworker, leader):
    start = running.valid_to + DAY
    later = complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader,
                              valid_from=start, valid_to=start + 27 * DAY)
    with pytest.raises(ValidationError) as error:
        _sign(later, leader)
    assert error.value.code == "second_decision"
    assert running.case_number in error.value.messages[0]
    _no_letter(later)


def test_section_5_a_second_decision_alongside_the_first_is_refused_but_another_units_is_not(
    running, unit, citizen, caseworker, leader, staff_with_role, other_unit, today,
):
    alongside = complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader)
    with pytest.raises(ValidationError) as error:
        _sign(alongside, leader)
    assert error.value.code == "second_decision"
    other_leader = staff_with_role(Role.ENHETSLEDER, other_unit, username="leder_bergen_test")
    elsewhere = complete_decision(unit=other_unit, citizen=citizen, created_by=other_leader,
                                  responsible_leader=other_leader)
    assert _sign(elsewhere, other_leader).status == Status.ACTIVE


# -- item 8: representatives get every letter ---------------------------------------------------------------


REPRESENTATIVE = {"representative_name": "Advokat Hansen", "representative_address": "Storgata 1\n0155 Oslo"}
COPY = "Kopi til: Advokat Hansen (fullmektig), Storgata 1, 0155 Oslo"


def _html(decision, kind, by, complaint=None) -> str:
    letter = Letter(decision=decision, kind=kind, language="nb", complaint=complaint, created_by=by,
                    created_at=timezone.now())
    return re.sub(r"\s+", " ", letters.render_html(letter))


@pytest.mark.parametrize("kind", [LetterKind.NOTICE, LetterKind.DECISION, LetterKind.LIFTING])
def test_ombudsman_representatives_get_a_copy_of_every_letter(unit, citizen, caseworker, leader, today, kind):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               notice_status=NoticeStatus.SENT, notice_sent_on=today - 20 * DAY,
                               notice_method=NoticeMethod.LETTER, notice_deadline=today - 10 * DAY,
                               notice_not_possible_kind="", notice_not_possible_reason="", **REPRESENTATIVE)
    if kind == LetterKind.LIFTING:
        Decision.objects.filter(pk=decision.pk).update(status=Status.LIFTED, lifted_on=today, lift_reason="Ro.")
        decision.refresh_from_db()
    assert COPY in _html(decision, kind, leader)


def test_ombudsman_the_extension_letter_is_copied_to_the_representative_carried_over(running, caseworker, leader):
    Decision.objects.filter(pk=running.pk).update(**REPRESENTATIVE)
    with freeze_time(running.valid_to - 5 * DAY):
        extension = services.decision_start_extension(by=caseworker, decision_id=running.pk)
        Decision.objects.filter(pk=extension.pk).update(status=Status.SIGNED, signed_by=leader,
                                                        signed_at=timezone.now(),
                                                        valid_to=extension.valid_from + 20 * DAY)
        extension.refresh_from_db()
        assert COPY in _html(extension, LetterKind.EXTENSION, leader)


def test_ombudsman_a_complaint_from_the_citizen_is_answered_with_a_copy_to_the_representative(
    unit, citizen, caseworker, leader, today,
):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               **REPRESENTATIVE)
    complaint = ComplaintFactory(decision=decision, from_whom="Bruker selv", answered_on=today,
                                 answer_summary="Beslutningen står.", answered_by=leader)
    html = _html(decision, LetterKind.COMPLAINT_ANSWER, leader, complaint)
    address = html.split('class="address">')[1].split("</div>")[0]
    assert citizen.name in address
    assert COPY in html


def test_ombudsman_a_complaint_from_another_representative_copies_the_citizen_and_the_named_one(
    unit, citizen, caseworker, leader, today,
):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               **REPRESENTATIVE)
    complaint = ComplaintFactory(decision=decision, from_whom="Advokat Berg", representative_name="Advokat Berg",
                                 representative_address="Kirkegata 2\n0153 Oslo", answered_on=today,
                                 answer_summary="Beslutningen står.", answered_by=leader)
    html = _html(decision, LetterKind.COMPLAINT_ANSWER, leader, complaint)
    assert f"Kopi til: {citizen.name}; Advokat Hansen (fullmektig)" in html


# -- item 9: complaints are never forgotten ------------------------------------------------------------------


def test_ombudsman_a_complaint_registered_late_is_reminded_at_once(unit, citizen, caseworker, leader, today):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               valid_from=today - 30 * DAY, signed_on=today - 30 * DAY, days=60)
    complaint = services.complaint_register(by=caseworker, decision_id=decision.pk, received_on=today - 25 * DAY,
                                            from_whom="Bruker selv", summary="Mener beslutningen er urimelig.")
    reminder = Reminder.objects.get(kind=services.COMPLAINT_REMINDER_KIND)
    assert (reminder.recipient, reminder.due_on) == (leader, complaint.received_on + 14 * DAY)


def test_ombudsman_the_sweep_reminds_of_a_complaint_however_old(unit, citizen, caseworker, leader, today):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader)
    ComplaintFactory(decision=decision, received_on=today - 200 * DAY, registered_by=caseworker)
    scheduled.complaint_reminders(today)
    assert Reminder.objects.filter(kind=services.COMPLAINT_REMINDER_KIND, recipient=leader).count() == 1
    scheduled.complaint_reminders(today + DAY)
    assert Reminder.objects.filter(kind=services.COMPLAINT_REMINDER_KIND).count() == 1


# -- item 10: who signs, and why them (§4, §6, §9.2) ---------------------------------------------------------


@pytest.fixture
def ready(unit, citizen, caseworker, leader):
    return complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader)


def test_decided_by_someone_other_than_the_head_the_acting_head_must_say_why(ready, acting_leader):
    for kwargs, field in (({}, "acting_reason"), ({"acting_reason": "vacation"}, "acting_reason"),
                          ({"acting_reason": ActingReason.OTHER, "acting_reason_text": " "}, "acting_reason_text")):
        with pytest.raises(ValidationError) as error:
            _sign(ready, acting_leader, **kwargs)
        assert field in error.value.message_dict
        _no_letter(ready)
    decision = _sign(ready, acting_leader, acting_reason=ActingReason.OTHER,
                     acting_reason_text="Enhetsleder er inhabil og stedfortreder nr. 1 er syk.")
    assert (decision.signed_as, decision.acting_reason) == (SignedAs.ACTING, ActingReason.OTHER)
    event = decision.events.get(kind=EventKind.SIGNED)
    assert "Enhetsleder er inhabil og stedfortreder nr. 1 er syk." in event.text


def test_decided_by_the_acting_head_the_reason_shows_in_the_timeline_the_case_and_the_letter(
    client, ready, acting_leader,
):
    decision = _sign(ready, acting_leader, acting_reason=ActingReason.HEAD_DISQUALIFIED)
    with translation.override("nb"):
        label = str(ActingReason.HEAD_DISQUALIFIED.label)
    assert label in decision.events.get(kind=EventKind.SIGNED).text
    client.force_login(acting_leader)
    assert label in client.get(reverse("utestenging:detail", args=[decision.public_id])).content.decode()
    assert label in _html(decision, LetterKind.DECISION, acting_leader)


def test_the_head_of_unit_records_no_acting_reason(ready, leader):
    decision = _sign(ready, leader, acting_reason=ActingReason.HEAD_ABSENT)
    assert (decision.signed_as, decision.acting_reason) == (SignedAs.HEAD, "")


def test_the_sign_form_asks_the_acting_head_and_not_the_head(client, ready, leader, acting_leader):
    url = reverse("utestenging:sign", args=[ready.public_id])
    client.force_login(leader)
    assert "acting_reason" not in client.get(url).context["form"].fields
    client.force_login(acting_leader)
    response = client.post(url, {"written_delivery": WrittenDelivery.HANDED_OVER})
    assert response.status_code == 200
    assert "acting_reason" in response.context["form"].errors
    _no_letter(ready)


def test_section_6_a_nav_office_leader_without_a_recorded_employer_cannot_sign_and_is_told_where(ready, leader):
    RoleAssignment.objects.filter(user=leader).update(employer="")
    with pytest.raises(ValidationError) as error:
        _sign(ready, leader)
    assert error.value.code == "employer_unknown"
    _no_letter(ready)


def test_section_6_a_leader_outside_nav_offices_is_a_state_employee(staff_with_role, citizen, caseworker):
    centre = UnitFactory(number="4153", unit_type=UnitType.KONTAKTSENTER, result_area="NAV Kontaktsenter")
    head = staff_with_role(Role.ENHETSLEDER, centre, username="leder_ks_test")
    RoleAssignment.objects.filter(user=head).update(employer="")
    decision = complete_decision(unit=centre, citizen=citizen, created_by=head, responsible_leader=head,
                                 kind="TFUS")
    assert _sign(decision, head).signed_employer == Employer.STATE


def test_section_6_the_municipal_leaders_letter_names_one_complaint_route(ready, leader):
    RoleAssignment.objects.filter(user=leader).update(employer=Employer.MUNICIPALITY)
    decision = _sign(ready, leader)
    assert decision.signed_employer == Employer.MUNICIPALITY
    html = _html(decision, LetterKind.DECISION, leader)
    assert "via nav.no" not in html.split("Dine rettigheter")[1]
    assert decision.unit.municipality_name in html.split("Dine rettigheter")[1]


def test_section_6_the_admin_records_the_employer_and_refuses_a_municipal_one_outside_nav_offices(
    client, superuser, leader, unit,
):
    assignment = RoleAssignment.objects.get(user=leader)
    client.force_login(superuser)
    url = reverse("admin:core_roleassignment_change", args=[assignment.pk])
    client.post(url, {"unit": unit.pk, "role": Role.ENHETSLEDER, "employer": Employer.MUNICIPALITY})
    assignment.refresh_from_db()
    assert assignment.employer == Employer.MUNICIPALITY
    centre = UnitFactory(number="4155", unit_type=UnitType.KONTAKTSENTER, result_area="NAV Kontaktsenter")
    response = client.post(url, {"unit": centre.pk, "role": Role.ENHETSLEDER, "employer": Employer.MUNICIPALITY})
    assert response.status_code == 200 and "employer" in response.context["adminform"].form.errors
    assignment.refresh_from_db()
    assert assignment.unit == unit
