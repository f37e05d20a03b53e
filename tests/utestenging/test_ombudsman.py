"""Each criticism the Parliamentary Ombudsman made of NAV's exclusions is blocked or flagged by the app.

One test per criticism the Ombudsman made, and per guideline paragraph of issue 11, named after it.
"""

import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from hendelser.models import CitizenWarning, WarningLetter
from nav_sikkerhet.core.models import AuditLogEntry, Role, UnitType, User
from utestenging import letters, selectors, services
from utestenging.models import (
    ActingReason,
    AlternativeAssessment,
    ChannelKind,
    Decision,
    Fact,
    Kind,
    Letter,
    LetterKind,
    NoticeImpossibleReason,
    NoticeMethod,
    NoticeStatus,
    RegistrationKind,
    RiskCheck,
    Scope,
    ShortDeadlineReason,
    SignedAs,
    StatementStatus,
    Status,
    WrittenDelivery,
)

from ..factories import UnitFactory
from .factories import (
    CHANNEL_PHONE,
    ChannelFactory,
    ComplaintFactory,
    WarningFactory,
    complete_decision,
    signed_decision,
)
from .letter_builders import pdf_text

pytestmark = pytest.mark.django_db


def _codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list} if hasattr(error, "error_list") else {error.code}


def test_handwritten_note_a_month_later_signing_requires_how_the_citizen_gets_it_in_writing(ready, leader):
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="")
    assert "written_delivery" in error.value.message_dict
    ready.refresh_from_db()
    assert ready.status == Status.READY


def test_handwritten_note_a_month_later_the_decision_cannot_start_before_it_is_signed(ready, leader, today):
    ready.valid_from, ready.valid_to = today - datetime.timedelta(days=30), today + datetime.timedelta(days=20)
    ready.save()
    with pytest.raises(ValidationError):
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")


def test_no_advance_notice_blocks_signing_until_notice_is_handled(ready, leader):
    ready.notice_status, ready.notice_not_possible_reason = NoticeStatus.NOT_HANDLED, ""
    ready.save()
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert "notice" in _codes(error.value)


def test_unclear_notice_cannot_be_sent_without_grounds_facts_and_period(draft, caseworker, today):
    with pytest.raises(ValidationError) as error:
        services.decision_send_notice(by=caseworker, decision_id=draft.pk, sent_on=today, method="letter",
                                      deadline=today + datetime.timedelta(days=14))
    assert {"grounds", "facts", "period"} <= _codes(error.value)


@pytest.mark.parametrize("field", ["duration_assessment", "proportionality"])
def test_less_intrusive_measures_and_length_not_assessed_blocks_signing(ready, leader, field):
    setattr(ready, field, "")
    ready.save()
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert field in _codes(error.value)


def test_less_intrusive_measures_not_assessed_one_by_one_blocks_signing(ready, leader):
    ready.alternative_assessments.filter(alternative="change_of_caseworker").delete()
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert "alternatives" in _codes(error.value)


def test_three_months_instead_of_twelve_weeks_is_refused(ready, caseworker, today):
    with pytest.raises(ValidationError) as error:
        services.decision_update(by=caseworker, decision_id=ready.pk, valid_from=today,
                                 valid_to=today + datetime.timedelta(days=90))
    assert "valid_to" in error.value.message_dict


@pytest.mark.parametrize("role", [Role.SAKSBEHANDLER, Role.HMS, Role.MOTTAK])
def test_decided_by_someone_other_than_the_unit_leader_is_refused(ready, staff_with_role, unit, role):
    with pytest.raises(PermissionDenied):
        services.decision_sign(by=staff_with_role(role, unit), decision_id=ready.pk, written_delivery="handed_over")


def test_decided_by_a_leader_of_another_unit_is_refused(ready, other_leader):
    with pytest.raises(PermissionDenied):
        services.decision_sign(by=other_leader, decision_id=ready.pk, written_delivery="handed_over")


def test_no_copy_archived_shows_as_missing_until_registered(active, leader, today):
    assert RegistrationKind.ARCHIVE in selectors.missing_registrations(active)
    assert active in selectors.overview(user=leader).missing_registrations
    services.registration_record(by=leader, decision_id=active.pk, kind=RegistrationKind.ARCHIVE, done_on=today,
                                 reference="2026/4711-3")
    assert RegistrationKind.ARCHIVE not in selectors.missing_registrations(active)


def test_complaint_from_a_representative_never_answered_stays_visible_until_answered_in_writing(active, leader, today):
    complaint = ComplaintFactory(decision=active, from_whom="Advokat Hansen (fullmektig)")
    assert complaint in selectors.overview(user=leader).unanswered_complaints
    with pytest.raises(ValidationError):
        services.complaint_answer(by=leader, complaint_id=complaint.pk, answered_on=today, answer_summary="")
    services.complaint_answer(by=leader, complaint_id=complaint.pk, answered_on=today,
                              answer_summary="Skriftlig svar: klagen er vurdert, beslutningen står.")
    assert complaint not in selectors.overview(user=leader).unanswered_complaints


def test_lack_of_overview_every_state_change_is_on_the_timeline_with_who(ready, leader):
    services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    ready.refresh_from_db()
    kinds = list(ready.events.values_list("kind", "actor"))
    assert ("signed", leader.pk) in kinds
    assert ready.history.first().history_user == leader


def test_lack_of_overview_the_leader_sees_the_citizens_other_measures_before_signing(ready, leader, other_unit):
    signed_decision(unit=other_unit, citizen=ready.citizen, created_by=leader, signed_by=leader)
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert "other_measures" in _codes(error.value)
    services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over",
                           other_measures_acknowledged=True)


def test_signed_decisions_are_never_edited(active, leader):
    with pytest.raises(ValidationError):
        services.decision_update(by=leader, decision_id=active.pk, valid_to=active.valid_to)


# -- issue 11: decisions that hold up before the Ombudsman --------------------------------------------------

DAY = datetime.timedelta(days=1)


def _render(decision, kind=LetterKind.DECISION, language="nb", complaint=None, by=None) -> str:
    letter = Letter(decision=decision, kind=kind, language=language, complaint=complaint,
                    created_by=by or decision.signed_by or decision.created_by, created_at=timezone.now())
    return re.sub(r"\s+", " ", letters.render_html(letter))


@pytest.fixture
def contact_centre(db):
    return UnitFactory(number="4153", name="NAV Kontaktsenter Oslo", unit_type=UnitType.KONTAKTSENTER,
                       result_area="NAV Kontaktsenter")


# 1. The alternative channel must work (§4 last paragraph, §5 third paragraph, §9.2–9.3).


@pytest.mark.parametrize("number", ["55 55 33 33", "+47 55553333", "0047 55 55 33 33"])
def test_section_5_navs_general_number_is_never_a_contact_persons_number_in_a_channel(ready, caseworker, number):
    with pytest.raises(ValidationError) as error:
        services.decision_update(by=caseworker, decision_id=ready.pk, channels=[
            {"channel": ChannelKind.PHONE, "person_name": "Kari Leder", "phone": number, "times": "Tirsdager 10–12"},
        ])
    assert "channels" in error.value.message_dict
    assert ready.channels.get().phone == CHANNEL_PHONE


def test_section_5_navs_general_number_is_never_a_contact_persons_number_in_the_letter(ready, leader):
    leader.phone = "55 55 33 33"
    leader.save()
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert "contact_phone" in _codes(error.value)
    letter = Letter(decision=ready, kind=LetterKind.DECISION, language="nb", created_by=leader,
                    created_at=timezone.now())
    with translation.override("nb"):
        assert letters.context(letter)["contact"].phone == ""  # no number rather than the general one


def test_section_5_an_exclusion_cannot_offer_a_meeting_in_the_excluded_premises(ready, caseworker, unit):
    ready.covered_units.set([unit])
    with pytest.raises(ValidationError) as error:
        services.decision_update(by=caseworker, decision_id=ready.pk, channels=[
            {"channel": ChannelKind.MEETING, "place": "Møterom 1", "times": "Mandager 9", "unit": unit},
        ])
    assert "channels" in error.value.message_dict
    services.decision_update(by=caseworker, decision_id=ready.pk, channels=[
        {"channel": ChannelKind.MEETING, "place": "Biblioteket, Grünerløkka", "address": "Schleppegrells gate 1",
         "times": "Mandager 9"},
    ])


def test_section_4_coordination_signing_refused_when_no_channel_stays_open_across_the_citizens_measures(
    ready, leader, staff_with_role, contact_centre,
):
    contact_leader = staff_with_role(Role.ENHETSLEDER, contact_centre, username="leder_ks")
    phone = signed_decision(unit=contact_centre, citizen=ready.citizen, created_by=contact_leader,
                            signed_by=contact_leader, kind=Kind.TFUS, scope=Scope.RESULT_AREA)
    phone.covered_units.set([contact_centre])
    ready.channels.update(unit=contact_centre)
    states = services.channel_states(ready)
    assert [(state.open, state.shut_by) for state in states] == [(False, phone.case_number)]
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over",
                               other_measures_acknowledged=True)
    assert "channels_open" in _codes(error.value)
    ChannelFactory(decision=ready, channel=ChannelKind.WRITTEN, address="Postboks 4, 0130 Oslo", phone="",
                   person_name="", times="")
    services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over",
                           other_measures_acknowledged=True)


# 2. A real advance notice (§4, §9.1).


@pytest.fixture
def prepared(unit, citizen, caseworker, leader):
    return complete_decision(status=Status.DRAFT, unit=unit, citizen=citizen, created_by=caseworker,
                             responsible_leader=leader, notice_status=NoticeStatus.NOT_HANDLED,
                             notice_not_possible_kind="", notice_not_possible_reason="")


def test_section_4_notice_cannot_be_sent_before_the_system_produced_the_letter(prepared, caseworker, today):
    with pytest.raises(ValidationError) as error:
        services.decision_send_notice(by=caseworker, decision_id=prepared.pk, sent_on=today - DAY,
                                      method=NoticeMethod.LETTER, deadline=today + 14 * DAY)
    assert "notice_sent_on" in error.value.message_dict
    assert not Letter.objects.filter(decision=prepared).exists()
    services.decision_send_notice(by=caseworker, decision_id=prepared.pk, sent_on=today,
                                  method=NoticeMethod.LETTER, deadline=today + 14 * DAY)
    letter = Letter.objects.get(decision=prepared, kind=LetterKind.NOTICE)
    assert letters.letter_date(letter) == timezone.localdate(letter.created_at) == today


def test_section_4_a_backdated_notice_gets_a_clear_error_on_its_field_in_the_page(client, prepared, caseworker, today):
    client.force_login(caseworker)
    response = client.post(reverse("utestenging:notice", args=[prepared.public_id]), {
        "action": "sent", "sent-sent_on": (today - DAY).isoformat(), "sent-method": NoticeMethod.LETTER,
        "sent-deadline": (today + 3 * DAY).isoformat(),
    })
    assert response.status_code == 200
    form = response.context["sent_form"]
    assert set(form.errors) >= {"sent_on"}
    prepared.refresh_from_db()
    assert prepared.status == Status.DRAFT and prepared.notice_sent_on is None


def test_section_4_the_citizen_gets_at_least_seven_days_unless_a_shorter_deadline_is_explained(
    prepared, caseworker, today,
):
    with pytest.raises(ValidationError) as error:
        services.decision_send_notice(by=caseworker, decision_id=prepared.pk, sent_on=today,
                                      method=NoticeMethod.LETTER, deadline=today + 6 * DAY)
    assert "notice_deadline" in error.value.message_dict
    services.decision_send_notice(by=caseworker, decision_id=prepared.pk, sent_on=today,
                                  method=NoticeMethod.IN_PERSON, deadline=today + 2 * DAY,
                                  short_deadline_kind=ShortDeadlineReason.ACUTE_DANGER,
                                  short_deadline_reason="Ny trussel i går; ansatte må beskyttes før helgen.")


def test_section_4_no_statement_can_be_recorded_only_after_the_deadline(prepared, caseworker, today):
    services.decision_send_notice(by=caseworker, decision_id=prepared.pk, sent_on=today,
                                  method=NoticeMethod.LETTER, deadline=today + 7 * DAY)
    with pytest.raises(ValidationError) as error:
        services.decision_record_statement(by=caseworker, decision_id=prepared.pk, received=False)
    assert error.value.code == "deadline_not_passed"


def test_section_4_notice_not_possible_takes_a_reason_from_the_list_and_an_explanation(prepared, caseworker):
    with pytest.raises(ValidationError) as error:
        services.decision_notice_not_possible(by=caseworker, decision_id=prepared.pk, kind="",
                                              reason="Det passet ikke.")
    assert "notice_not_possible_kind" in error.value.message_dict
    services.decision_notice_not_possible(by=caseworker, decision_id=prepared.pk,
                                          kind=NoticeImpossibleReason.ACUTE_DANGER,
                                          reason="Du truet en ansatt med kniv i går.")
    prepared.refresh_from_db()
    assert prepared.notice_not_possible_kind == NoticeImpossibleReason.ACUTE_DANGER


def test_section_4_a_citizen_who_cannot_be_reached_is_not_sent_the_decision_by_post_without_a_note(
    ready, leader, today,
):
    Decision.objects.filter(pk=ready.pk).update(notice_not_possible_kind=NoticeImpossibleReason.UNREACHABLE,
                                                valid_from=today + 3 * DAY)
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery=WrittenDelivery.POST)
    assert "written_delivery_note" in error.value.message_dict
    services.decision_sign(by=leader, decision_id=ready.pk, written_delivery=WrittenDelivery.POST,
                           written_delivery_note="Ny adresse fra folkeregisteret i dag; sendes dit og til fastlegen.")


# 3. The statement is weighed (§3–4).


def test_section_3_4_the_citizens_statement_is_weighed_in_writing_before_signing_and_in_the_letter(
    ready, leader, caseworker, today,
):
    Decision.objects.filter(pk=ready.pk).update(
        notice_status=NoticeStatus.SENT, notice_sent_on=today - 10 * DAY, notice_deadline=today - 3 * DAY,
        notice_method=NoticeMethod.LETTER, statement_status=StatementStatus.RECEIVED,
        statement="Jeg var sint på grunn av utbetalingen.", statement_received_on=today - 5 * DAY,
    )
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert "statement_assessment" in _codes(error.value)
    services.decision_update(by=caseworker, decision_id=ready.pk,
                             statement_assessment="Sinne over utbetalingen forklarer, men unnskylder ikke truslene.")
    decision = services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    html = _render(decision)
    assert "Jeg var sint på grunn av utbetalingen." in html
    assert "Sinne over utbetalingen forklarer, men unnskylder ikke truslene." in html


# 4. A warning before a decision on repeated incidents (§3).


def test_section_3_repeated_incidents_need_a_warning_before_the_last_one_or_a_reason(ready, leader, caseworker, today):
    Fact.objects.filter(decision=ready).update(serious=False, occurred_on=today - 10 * DAY)
    WarningFactory(decision=ready, given_on=today - 5 * DAY)  # after the last incident: does not count
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert "warning" in _codes(error.value)
    WarningFactory(decision=ready, given_on=today - 20 * DAY)
    services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")


def test_section_3_a_written_reason_stands_in_for_the_missing_warning(ready, leader, today):
    Fact.objects.filter(decision=ready).update(serious=False)
    assert "warning" in [i.key for i in services.decision_checklist(ready) if not i.done]
    Decision.objects.filter(pk=ready.pk).update(no_warning_reason="Du var ikke mulig å nå mellom hendelsene.")
    ready.refresh_from_db()
    assert "warning" not in [i.key for i in services.decision_checklist(ready) if not i.done]


# 5. Who decided (§4, §9.2).


def test_section_4_decided_by_the_acting_leader_is_recorded_and_written_as_such(ready, acting_leader, leader):
    acting_leader.title = "Enhetsleder"  # the profile's title never speaks for the capacity
    acting_leader.save()
    Decision.objects.filter(pk=ready.pk).update(contact_person=acting_leader)  # the head is named nowhere
    decision = services.decision_sign(by=acting_leader, decision_id=ready.pk, written_delivery="handed_over",
                                      acting_reason=ActingReason.HEAD_ABSENT)
    assert decision.signed_as == SignedAs.ACTING
    event = decision.events.get(kind="signed")
    with translation.override("nb"):
        assert str(services.signed_as_text(SignedAs.ACTING)) in event.text
    nb, en = _render(decision, language="nb"), _render(decision, language="en")
    assert "Fungerende enhetsleder" in nb and not re.search(r"\bEnhetsleder\b", nb)
    assert "Acting head of unit" in en and "Enhetsleder" not in en


def test_section_4_a_staff_members_title_in_the_letter_is_in_the_letters_language(ready, leader):
    leader.title = "Enhetsleder"
    leader.save()
    decision = services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert decision.signed_as == SignedAs.HEAD
    assert "Head of unit" in _render(decision, language="en")
    assert "Enhetsleder" not in _render(decision, language="en")


# 6. Representatives (fullmektig).


def test_complaint_from_a_representative_is_answered_to_them_with_a_copy_to_the_citizen(active, leader, caseworker,
                                                                                      today):
    complaint = services.complaint_register(
        by=caseworker, decision_id=active.pk, received_on=today, from_whom="Advokat Hansen",
        summary="Klager på vegne av bruker.", representative_name="Advokat Hansen",
        representative_address="Storgata 1\n0155 Oslo",
    )
    services.complaint_answer(by=leader, complaint_id=complaint.pk, answered_on=today,
                              answer_summary="Vi har vurdert klagen, og beslutningen opprettholdes.")
    html = _render(active, kind=LetterKind.COMPLAINT_ANSWER, complaint=complaint, by=leader)
    address = html.split('class="address">')[1].split("</div>")[0]
    assert "Advokat Hansen" in address and "Storgata 1" in address and active.citizen.name not in address
    assert f"Kopi til: {active.citizen.name}" in html


def test_a_representative_without_an_address_is_refused_and_the_decision_letter_is_copied_to_them(ready, caseworker,
                                                                                                leader):
    with pytest.raises(ValidationError) as error:
        services.decision_update(by=caseworker, decision_id=ready.pk, representative_name="Advokat Hansen")
    assert "representative_address" in error.value.message_dict
    services.decision_update(by=caseworker, decision_id=ready.pk, representative_name="Advokat Hansen",
                             representative_address="Storgata 1\n0155 Oslo")
    decision = services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    assert "Kopi til: Advokat Hansen (fullmektig), Storgata 1, 0155 Oslo" in _render(decision)


# 7. How the citizen was told (§6).


def test_section_6_a_decision_sent_only_by_post_cannot_apply_from_the_day_it_is_signed(ready, leader, today):
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery=WrittenDelivery.POST)
    assert "told_orally_on" in error.value.message_dict
    decision = services.decision_sign(by=leader, decision_id=ready.pk, written_delivery=WrittenDelivery.POST,
                                      told_orally_on=today, written_delivered_on=today)
    assert (decision.told_orally_on, decision.written_delivered_on) == (today, today)


def test_section_6_the_written_decision_cannot_be_sent_before_it_is_signed(ready, leader, today):
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery=WrittenDelivery.HANDED_OVER,
                               written_delivered_on=today - DAY)
    assert "written_delivered_on" in error.value.message_dict


# 8. Start and period.


def test_a_start_date_in_the_past_is_refused_when_the_period_is_saved(draft, caseworker, today):
    with pytest.raises(ValidationError) as error:
        services.decision_update(by=caseworker, decision_id=draft.pk, valid_from=today - DAY,
                                 valid_to=today + 20 * DAY)
    assert "valid_from" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.valid_from is None


def test_an_extension_starts_the_day_after_the_decision_it_extends_ends(active, leader):
    with freeze_time(active.valid_to - 3 * DAY):
        extension = services.decision_start_extension(by=leader, decision_id=active.pk)
    assert extension.valid_from == active.valid_to + DAY
    with pytest.raises(ValidationError) as error:
        services.decision_update(by=leader, decision_id=extension.pk, valid_from=active.valid_to + 2 * DAY,
                                 valid_to=active.valid_to + 20 * DAY)
    assert "valid_from" in error.value.message_dict


# 10. Registration duties that fit the unit (§7).


def test_section_7_the_municipal_deviation_system_is_asked_only_of_a_nav_office(
    active, staff_with_role, contact_centre, citizen,
):
    assert RegistrationKind.MUNICIPAL in selectors.missing_registrations(active)
    contact_leader = staff_with_role(Role.ENHETSLEDER, contact_centre, username="leder_ks")
    state_only = signed_decision(unit=contact_centre, citizen=citizen, created_by=contact_leader,
                                 signed_by=contact_leader, kind=Kind.TFUS)
    assert RegistrationKind.MUNICIPAL not in selectors.missing_registrations(state_only)
    assert RegistrationKind.ASYS in selectors.missing_registrations(state_only)


# 9. What the citizen reads is what the leader signs.


def test_what_the_citizen_reads_is_what_the_leader_signs_a_draft_pdf_in_their_language(client, ready, leader):
    Decision.objects.filter(pk=ready.pk).update(letter_language="nn")
    client.force_login(leader)
    response = client.get(reverse("utestenging:sign_preview", args=[ready.public_id]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    with translation.override("nn"):
        assert translation.gettext("DRAFT") in text
        assert "Vedtak" not in text  # a decision (beslutning), never a vedtak
    assert ready.facts.get().description.split(":")[0] in text
    assert AuditLogEntry.objects.filter(action="letter.preview").count() == 1
    ready.refresh_from_db()
    assert ready.status == Status.READY and not Letter.objects.filter(decision=ready).exists()


def test_what_the_citizen_reads_the_preview_makes_plain_when_texts_are_not_written_to_them(client, ready, leader):
    client.force_login(leader)
    assert client.get(reverse("utestenging:sign", args=[ready.public_id])).context["not_to_citizen"] == []
    Decision.objects.filter(pk=ready.pk).update(risk_of_repetition="Bruker har truet ansatte flere ganger.")
    page = client.get(reverse("utestenging:sign", args=[ready.public_id]))
    assert [str(label) for label in page.context["not_to_citizen"]] == [
        str(Decision._meta.get_field("risk_of_repetition").verbose_name)
    ]


# Demo data: every demo decision passes the new rules, and one shows each rule refusing.


def test_demo_decisions_pass_the_new_rules_and_show_each_one_refusing(settings):
    call_command("demo_data", stdout=io.StringIO())
    signed = Decision.objects.filter(status__in=[Status.SIGNED, Status.ACTIVE, Status.EXPIRED, Status.LIFTED])
    assert signed.exists()
    for decision in signed:
        assert decision.written_delivered_on and decision.signed_as
        assert all(not c.phone or c.phone.replace(" ", "") != "55553333" for c in decision.channels.all())
    assert signed.filter(signed_as=SignedAs.ACTING).exists()
    assert signed.exclude(representative_name="").exists()
    gaps = {item.key for decision in Decision.objects.filter(status=Status.DRAFT)
            for item in services.decision_checklist(decision) if not item.done}
    assert {"warning", "channels_open", "contact_phone"} <= gaps
    ready = {d.citizen.name: d for d in Decision.objects.filter(status=Status.READY)}
    assert any(d.statement_assessment for d in ready.values())
    unreachable = next(d for d in ready.values() if d.notice_not_possible_kind == NoticeImpossibleReason.UNREACHABLE)
    with pytest.raises(ValidationError) as error:
        services.decision_sign(by=User.objects.get(username="leder"), decision_id=unreachable.pk,
                               written_delivery=WrittenDelivery.POST, other_measures_acknowledged=True)
    assert {"told_orally_on"} <= set(error.value.message_dict)
    contact_centre_decision = signed.filter(unit__unit_type=UnitType.KONTAKTSENTER).first()
    assert selectors.missing_registrations(contact_centre_decision) == []
    # One of each kind on the ladder, and an exclusion whose assessment cites the two staff and the warning tried.
    assert set(signed.filter(status=Status.ACTIVE).values_list("kind", flat=True)) == set(Kind.values)
    cited = AlternativeAssessment.objects.filter(measure__kind=Kind.TOAN).select_related("decision").get()
    assert cited.decision.kind == Kind.FYUS and cited.decision.status in (Status.DRAFT, Status.READY)
    assert cited.decision.alternative_assessments.filter(warning__isnull=False).exists()
    assert "alternatives" not in {i.key for i in services.decision_checklist(cited.decision) if not i.done}


def test_every_demo_row_holds_as_if_it_were_written_today(settings):
    """No demo decision leans on the grace old rows get: each text and number passes clean() as if typed now."""
    call_command("demo_data", stdout=io.StringIO())
    rows = [*Decision.objects.all()]
    for decision in list(rows):
        rows += [*decision.facts.all(), *decision.channels.all(), *decision.alternative_assessments.all(),
                 *decision.complaints.all()]
    # The ladder's demo: the warnings, their archived letters and the risk checks.
    risk_checks, warnings, warning_letters = (RiskCheck.objects.all(), CitizenWarning.objects.all(),
                                              WarningLetter.objects.all())
    assert risk_checks.count() >= 2 and warnings.exists()
    # Rendered after commit (never inside this test's transaction): each letter is at least due.
    assert warning_letters.exists()
    rows += [*risk_checks, *warnings, *warning_letters]
    failures = {}
    for row in rows:
        row._loaded_values = {}
        try:
            row.full_clean()
        except ValidationError as error:
            failures[f"{type(row).__name__} {row.pk}"] = error.message_dict
    assert failures == {}

