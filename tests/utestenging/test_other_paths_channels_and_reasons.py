"""Every other path to a hollow decision, tried as a careful adversary would (issue 17, items 4, 5, 6 and 11).

Each test takes a side path — a second form, one request with two parts, an extension, a later decision, the
admin, a placeholder text, a phone number spelled differently — and asserts the refusal and that no letter
was produced. Names say the guideline paragraph (§) or the Ombudsman's criticism the test guards.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from nav_sikkerhet.core.models import Role
from utestenging import letters, services
from utestenging.models import (
    AlternativeAssessment,
    AlternativeChannel,
    AlternativeOutcome,
    ChannelKind,
    Decision,
    Fact,
    Kind,
    LessIntrusiveMeasure,
    Letter,
    LetterKind,
    NoticeImpossibleReason,
    NoticeStatus,
    Scope,
    ServiceComplaint,
    Status,
    WrittenDelivery,
)

from ..factories import UnitFactory, staff_member
from .factories import (
    ALTERNATIVE_REASONS,
    ChannelFactory,
    ComplaintFactory,
    DecisionFactory,
    WarningFactory,
    alternative_rows,
    complete_decision,
    signed_decision,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _sign(decision, by, **overrides):
    return services.decision_sign(by=by, decision_id=decision.pk,
                                  **{"written_delivery": WrittenDelivery.HANDED_OVER, **overrides})


def _no_letter(decision) -> None:
    assert not Letter.objects.filter(decision=decision).exists()


def _nb(message, **args) -> str:
    with translation.override("nb"):
        return gettext(message) % args if args else gettext(message)


@pytest.fixture
def active(unit, citizen, caseworker, leader, today):
    """A decision in force since ten days and ending in 18: in its last 21 days, when an extension is assessed."""
    return signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                           valid_from=today - 10 * DAY)


@pytest.fixture
def grorud(db):
    """Another NAV office in the same municipality as ``unit`` (NAV Sagene, Oslo), with its own switchboard."""
    return UnitFactory(number="0328", name="NAV Grorud", municipality_number="0301", municipality_name="Oslo",
                       postal_address="Postboks 83 Grorud", postal_code="0905", postal_city="OSLO",
                       phone="21 07 03 28")


def _meeting_at(decision, unit):
    """Make the decision's only channel a meeting at the given NAV unit."""
    AlternativeChannel.objects.filter(decision=decision).delete()
    return ChannelFactory(decision=decision, channel=ChannelKind.MEETING, person_name="", phone="", unit=unit,
                          place="Møterom 1", times="Tirsdager 10–12")


# -- item 4: channels stay open across all of a citizen's measures (§4–5) ------------------------------------


def test_guideline_4_a_later_decision_cannot_shut_an_earlier_decisions_only_meeting_channel(
    unit, citizen, caseworker, leader, grorud, today,
):
    earlier = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, days=60)
    _meeting_at(earlier, grorud)
    later = complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader,
                              scope=Scope.MUNICIPALITY)
    later.covered_units.set([unit, grorud])

    with pytest.raises(ValidationError) as info:
        _sign(later, leader, other_measures_acknowledged=True)

    assert [e.code for e in info.value.error_list] == ["shuts_other_channel"]
    assert earlier.case_number in info.value.messages[0]
    later.refresh_from_db()
    assert later.status == Status.READY
    _no_letter(later)


def test_guideline_4_the_later_decision_signs_once_it_leaves_the_earlier_channel_open(
    unit, citizen, caseworker, leader, grorud, today,
):
    earlier = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, days=60)
    _meeting_at(earlier, grorud)
    # Another office's decision (the unit's own would be an extension, not a later decision), covering only itself.
    alna = UnitFactory(number="0330", name="NAV Alna", municipality_number="0301", municipality_name="Oslo")
    alna_leader = staff_member(Role.ENHETSLEDER, alna)
    later = complete_decision(unit=alna, citizen=citizen, created_by=staff_member(Role.SAKSBEHANDLER, alna),
                              responsible_leader=alna_leader)

    decision = _sign(later, alna_leader, other_measures_acknowledged=True)

    assert decision.status == Status.ACTIVE
    assert set(decision.covered_units.all()) == {alna}


def test_guideline_4_an_earlier_phone_restriction_shuts_a_new_decisions_phone_channel(
    unit, citizen, caseworker, leader, today,
):
    signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, kind=Kind.TFUS, days=60)
    later = complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader)

    with pytest.raises(ValidationError) as info:
        _sign(later, leader, other_measures_acknowledged=True)

    assert "channels_open" in [e.code for e in info.value.error_list]
    _no_letter(later)


def test_guideline_5_one_request_saving_scope_and_a_meeting_cannot_put_the_meeting_in_excluded_premises(
    client, unit, caseworker, leader, grorud, draft,
):
    client.force_login(caseworker)
    response = client.post(reverse("utestenging:edit", args=[draft.public_id, "omfang"]), {
        "scope": Scope.MUNICIPALITY, "responsible_leader": leader.pk, "contact_person": "",
        "channels-TOTAL_FORMS": "1", "channels-INITIAL_FORMS": "0", "channels-MIN_NUM_FORMS": "0",
        "channels-MAX_NUM_FORMS": "1000",
        "channels-0-channel": ChannelKind.MEETING, "channels-0-unit": grorud.pk, "channels-0-place": "Møterom 1",
        "channels-0-times": "Tirsdager 10–12", "save": "",
    })

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any(grorud.name in error for error in errors)
    draft.refresh_from_db()
    assert draft.scope == Scope.UNIT
    assert not draft.channels.exists()
    _no_letter(draft)


def test_guideline_5_widening_the_scope_alone_is_refused_when_an_existing_meeting_would_be_excluded(
    unit, caseworker, grorud, draft,
):
    _meeting_at(draft, grorud)

    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, scope=Scope.MUNICIPALITY)

    assert "channels" in info.value.message_dict
    draft.refresh_from_db()
    assert draft.scope == Scope.UNIT
    assert grorud not in draft.covered_units.all()


def test_guideline_5_a_meeting_outside_nav_cannot_name_an_excluded_office_in_the_free_text(
    unit, caseworker, grorud, draft,
):
    row = {"channel": ChannelKind.MEETING, "place": "Kantina hos NAV Grorud", "address": "Ammerudveien 22",
           "times": "Tirsdager 10–12"}
    services.decision_update(by=caseworker, decision_id=draft.pk, channels=[row])  # Grorud not covered yet

    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, scope=Scope.MUNICIPALITY, channels=[row])

    assert _nb("The meeting place names %(unit)s, which the decision excludes the citizen from: give a place "
               "outside the units the decision covers.", unit=grorud.name) in info.value.message_dict["channels"]


def test_guideline_5_a_meeting_names_a_nav_unit_from_the_list_or_an_address_outside_nav(draft):
    meeting = AlternativeChannel(decision=draft, channel=ChannelKind.MEETING, place="Biblioteket",
                                 times="Tirsdager 10–12")
    with pytest.raises(ValidationError) as info:
        meeting.full_clean()
    assert list(info.value.message_dict) == ["address"]
    meeting.address = "Tøyengata 2, 0190 Oslo"
    meeting.full_clean()


def test_guideline_4_an_extension_is_refused_when_another_measure_has_shut_its_only_channel(
    unit, citizen, caseworker, leader, today,
):
    old = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                          valid_from=today - 10 * DAY, days=28)
    extension = services.decision_start_extension(by=caseworker, decision_id=old.pk)
    # A phone restriction from the same unit through the extension's period shuts its carried-over phone line.
    signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, kind=Kind.TFUS,
                    valid_from=extension.valid_from, days=28, signed_on=today)

    items = {item.key: item for item in services.decision_checklist(extension)}

    assert not items["channels_open"].done
    with pytest.raises(ValidationError):
        services.decision_mark_ready(by=caseworker, decision_id=extension.pk)
    _no_letter(extension)


def test_overview_lists_a_measure_in_force_whose_only_channel_another_measure_shuts(
    client, unit, citizen, caseworker, leader, grorud, django_assert_max_num_queries,
):
    """Data from before both directions were checked: the leader sees it and can act."""
    earlier = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, days=60)
    _meeting_at(earlier, grorud)
    wider = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, days=28,
                            scope=Scope.MUNICIPALITY)
    wider.covered_units.set([unit, grorud])
    client.force_login(leader)

    response = client.get(reverse("utestenging:overview"), {"vis": "channel_shut"})

    assert [d.pk for d in response.context["overview"].channel_shut] == [earlier.pk]
    assert earlier.case_number in response.content.decode()
    # More cases in force do not cost more queries.
    for _ in range(3):
        signed_decision(unit=unit, created_by=caseworker, signed_by=leader, days=28)
    with django_assert_max_num_queries(40) as captured:
        client.get(reverse("utestenging:overview"))
    few = len(captured)
    for _ in range(5):
        signed_decision(unit=unit, created_by=caseworker, signed_by=leader, days=28)
    with django_assert_max_num_queries(few):
        client.get(reverse("utestenging:overview"))


# -- item 5: real phone numbers ------------------------------------------------------------------------------

GENERAL_NUMBER_SPELLINGS = ["55 55 33 33", "55553333", "+47 55 55 33 33", "+4755553333", "0047 55 55 33 33",
                            "+47 (0) 55 55 33 33", "(+47) 555 53 333", "55-55-33-33"]


@pytest.mark.parametrize("spelling", GENERAL_NUMBER_SPELLINGS)
def test_ombudsman_contact_must_be_reachable_navs_general_number_is_refused_in_every_spelling(
    caseworker, draft, spelling,
):
    row = {"channel": ChannelKind.PHONE, "person_name": "Kari Leder", "phone": spelling, "times": "Tirsdager 10–12"}
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, channels=[row])
    assert [e.code for e in info.value.error_dict["channels"]] == ["blocked_number"]
    assert not draft.channels.exists()
    # The channel form meets the same rule in the model, on the phone field.
    with pytest.raises(ValidationError) as info:
        AlternativeChannel(decision=draft, **row).full_clean()
    assert list(info.value.message_dict) == ["phone"]


@pytest.mark.parametrize("spelling", ["21 07 03 28", "+47 21070328", "0047 (0)21 07 03 28"])
def test_guideline_9_a_covered_units_switchboard_is_no_direct_line_in_any_spelling(
    unit, caseworker, grorud, draft, spelling,
):
    services.decision_update(by=caseworker, decision_id=draft.pk, scope=Scope.MUNICIPALITY)
    row = {"channel": ChannelKind.PHONE, "person_name": "Kari Leder", "phone": spelling, "times": "Tirsdager 10–12"}

    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, channels=[row])

    assert [e.code for e in info.value.error_dict["channels"]] == ["blocked_number"]
    assert not draft.channels.exists()


def test_a_channel_number_is_stored_in_one_spelling_and_a_non_number_refused(caseworker, draft):
    row = {"channel": ChannelKind.PHONE, "person_name": "Kari Leder", "times": "Tirsdager 10–12"}
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, channels=[{**row, "phone": "12 34"}])
    assert info.value.message_dict["phone"] == [
        _nb("Enter a valid phone number, e.g. 21 07 00 00 or +46 8 123 456 78.")
    ]
    services.decision_update(by=caseworker, decision_id=draft.pk, channels=[{**row, "phone": "+4741234567"}])
    assert draft.channels.get().phone == "41 23 45 67"


def test_guideline_9_signing_refused_while_the_contact_persons_number_is_a_covered_switchboard(
    ready, leader, unit,
):
    unit.phone = "21 07 03 14"
    unit.save()
    leader.phone = "+47 21 07 03 14"
    leader.save()

    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)

    assert "contact_phone" in [e.code for e in info.value.error_list]
    _no_letter(ready)


def test_a_staff_members_number_is_validated_and_normalised_but_an_old_one_never_stops_a_sign_in(leader):
    leader.phone = "not a number"
    with pytest.raises(ValidationError):
        leader.full_clean()
    leader.phone = "+47 412 34 567"
    leader.full_clean()
    assert leader.phone == "41 23 45 67"
    leader.phone = "old junk"
    leader.full_clean(exclude=["phone", "password"])  # a sign-in refreshes other fields only


def test_guideline_9_a_phone_restriction_letter_prints_no_number_the_citizen_may_not_call(
    unit, citizen, caseworker, leader,
):
    unit.phone = "21 07 03 14"
    unit.save()
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               kind=Kind.TFUS)
    decision.covered_units.set([unit])
    # A channel typed before numbers were checked, with the unit's switchboard.
    ChannelFactory(decision=decision, phone="21070314")
    letter = Letter(decision=decision, kind=LetterKind.DECISION, language="nb", created_by=leader,
                    created_at=timezone.now())

    html = letters.render_html(letter)

    for number in ("21 07 03 14", "21070314", "55 55 33 33"):
        assert number not in html
    assert "41 23 45 67" in html  # the direct line the citizen may call


def test_a_physical_exclusion_letter_keeps_the_units_number_in_the_footer(unit, citizen, caseworker, leader):
    unit.phone = "21 07 03 14"
    unit.save()
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader)
    letter = Letter(decision=decision, kind=LetterKind.DECISION, language="nb", created_by=leader,
                    created_at=timezone.now())
    assert "21 07 03 14" in letters.render_html(letter)


def test_an_old_unparseable_channel_number_never_stops_the_daily_job_or_an_extension(active, caseworker, today):
    AlternativeChannel.objects.filter(decision=active).update(phone="ring sentralbordet")

    services.decision_refresh_status(decision_id=active.pk, today=today + 40 * DAY)
    active.refresh_from_db()
    assert active.status == Status.EXPIRED


def test_an_extension_carries_an_old_number_over_and_the_checklist_asks_for_a_real_one(active, caseworker):
    AlternativeChannel.objects.filter(decision=active).update(phone="ring sentralbordet")

    extension = services.decision_start_extension(by=caseworker, decision_id=active.pk)

    assert extension.channels.get().phone == "ring sentralbordet"
    items = {item.key: item for item in services.decision_checklist(extension)}
    assert not items["channels"].done


# -- item 6: reasons, not placeholders -----------------------------------------------------------------------

PLACEHOLDERS = ["x", "-", "ok", "OK.", "se over", "Se over!", "ingen", "tbd", "...", " x ", "Ikke aktuelt"]


@pytest.mark.parametrize("text", PLACEHOLDERS)
def test_ombudsman_less_intrusive_measures_not_assessed_a_placeholder_is_no_assessment(caseworker, draft, text):
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, proportionality=text)
    assert list(info.value.message_dict) == ["proportionality"]
    draft.refresh_from_db()
    assert draft.proportionality == ""


def test_guideline_3_an_assessment_needs_enough_words_and_a_fact_fewer(caseworker, draft, today, settings):
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, clear_need="Ansatte er redde.")
    assert info.value.message_dict["clear_need"] == [
        _nb("Write at least %(needed)d words, as a whole sentence (now %(count)d).", needed=6, count=3)
    ]
    services.decision_update(by=caseworker, decision_id=draft.pk, facts=[
        {"occurred_on": today - DAY, "description": "Du slo en ansatt i mottaket."}
    ])
    settings.REASON_MIN_WORDS = {**settings.REASON_MIN_WORDS, "fact": 8}
    with pytest.raises(ValidationError):
        services.decision_update(by=caseworker, decision_id=draft.pk, facts=[
            {"occurred_on": today - DAY, "description": "Du slo en ansatt i mottaket."}
        ])


def test_guideline_3_an_assessment_copied_from_another_is_no_reasoning_of_its_own(caseworker, draft):
    text = "Du har truet ansatte flere ganger, og det er fare for nye trusler."
    services.decision_update(by=caseworker, decision_id=draft.pk, risk_of_repetition=text)
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, clear_need=f" {text.upper()} ")
    assert list(info.value.message_dict) == ["clear_need"]


def test_ombudsman_notice_not_possible_other_x_is_refused_on_the_notice_page(client, caseworker, draft):
    client.force_login(caseworker)
    response = client.post(reverse("utestenging:notice", args=[draft.public_id]), {
        "action": "not_possible", "np-kind": NoticeImpossibleReason.OTHER, "np-reason": "x",
    })
    assert response.status_code == 200
    assert response.context["not_possible_form"].errors["reason"]
    draft.refresh_from_db()
    assert draft.notice_status == NoticeStatus.NOT_HANDLED
    _no_letter(draft)


def test_ombudsman_placeholder_written_before_this_rule_keeps_mark_ready_and_signing_refused(
    ready, caseworker, leader,
):
    Decision.objects.filter(pk=ready.pk).update(notice_not_possible_reason="x", status=Status.DRAFT)

    with pytest.raises(ValidationError) as info:
        services.decision_mark_ready(by=caseworker, decision_id=ready.pk)
    assert "notice" in [e.code for e in info.value.error_list]

    Decision.objects.filter(pk=ready.pk).update(status=Status.READY)
    with pytest.raises(ValidationError):
        _sign(ready, leader)
    ready.refresh_from_db()
    assert ready.status == Status.READY
    _no_letter(ready)


def test_old_placeholders_never_stop_the_daily_job(active, today):
    Decision.objects.filter(pk=active.pk).update(risk_of_repetition="x", proportionality="se over")
    services.decision_refresh_status(decision_id=active.pk, today=today + 40 * DAY)
    active.refresh_from_db()
    assert active.status == Status.EXPIRED


def test_guideline_5_an_extensions_assessment_cannot_be_a_placeholder(active, caseworker):
    extension = services.decision_start_extension(by=caseworker, decision_id=active.pk)
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=extension.pk, extension_assessment="Som før.")
    assert list(info.value.message_dict) == ["extension_assessment"]


def test_guideline_3_a_placeholder_fact_is_refused_on_the_grounds_step(client, caseworker, draft, today):
    client.force_login(caseworker)
    response = client.post(reverse("utestenging:edit", args=[draft.public_id, "grunnlag"]), {
        "kind": Kind.FYUS, "grounds": ["threats"],
        "facts-TOTAL_FORMS": "1", "facts-INITIAL_FORMS": "0", "facts-MIN_NUM_FORMS": "0",
        "facts-MAX_NUM_FORMS": "1000", "facts-0-occurred_on": (today - DAY).isoformat(), "facts-0-description": "-",
        "warnings-TOTAL_FORMS": "0", "warnings-INITIAL_FORMS": "0", "warnings-MIN_NUM_FORMS": "0",
        "warnings-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200
    assert response.context["facts"].forms[0].errors["description"]
    assert not Fact.objects.filter(decision=draft).exists()


def test_ombudsman_complaint_from_representative_answered_in_writing_not_with_ok(active, leader, caseworker):
    complaint = ComplaintFactory(decision=active, registered_by=caseworker)
    with pytest.raises(ValidationError) as info:
        services.complaint_answer(by=leader, complaint_id=complaint.pk, answered_on=timezone.localdate(),
                                  answer_summary="Ok.")
    assert list(info.value.message_dict) == ["answer_summary"]
    complaint.refresh_from_db()
    assert complaint.answered_on is None
    assert not Letter.objects.filter(kind=LetterKind.COMPLAINT_ANSWER).exists()
    assert ServiceComplaint.objects.get(pk=complaint.pk).answer_summary == ""


def test_a_lifting_letter_gives_a_real_reason(active, leader, today):
    with pytest.raises(ValidationError) as info:
        services.decision_lift(by=leader, decision_id=active.pk, lifted_on=today, reason="tbd")
    assert list(info.value.message_dict) == ["lift_reason"]
    active.refresh_from_db()
    assert active.status == Status.ACTIVE
    _no_letter(active)


# -- item 6: the less intrusive alternatives, one by one (§3) ------------------------------------------------


def test_guideline_3_signing_refused_until_every_alternative_is_assessed(ready, leader):
    AlternativeAssessment.objects.filter(decision=ready, alternative=LessIntrusiveMeasure.TWO_STAFF).delete()

    with pytest.raises(ValidationError) as info:
        _sign(ready, leader)

    assert [e.code for e in info.value.error_list] == ["alternatives"]
    assert str(LessIntrusiveMeasure.TWO_STAFF.label) in info.value.messages[0]
    _no_letter(ready)


def test_guideline_3_a_tried_alternative_needs_its_date_or_the_registered_warning(caseworker, draft):
    rows = alternative_rows()
    rows[0] = {**rows[0], "tried_on": None}
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, alternative_assessments=rows)
    assert "tried_on" in info.value.message_dict
    assert not draft.alternative_assessments.exists()


def test_guideline_3_a_tried_warning_refers_to_the_citizens_own_registered_warning(caseworker, draft, citizen):
    others = WarningFactory(decision=DecisionFactory(unit=draft.unit, created_by=caseworker), form="written")
    own = WarningFactory(decision=draft, form="written")
    rows = [row for row in alternative_rows() if row["alternative"] != LessIntrusiveMeasure.WRITTEN_WARNING]
    tried = {"alternative": LessIntrusiveMeasure.WRITTEN_WARNING, "outcome": AlternativeOutcome.TRIED,
             "reason": ALTERNATIVE_REASONS[LessIntrusiveMeasure.WRITTEN_WARNING]}

    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk,
                                 alternative_assessments=[*rows, {**tried, "warning_id": others.pk}])
    assert "alternative_assessments" in info.value.message_dict

    services.decision_update(by=caseworker, decision_id=draft.pk,
                             alternative_assessments=[*rows, {**tried, "warning_id": own.pk}])
    assert draft.alternative_assessments.get(alternative=LessIntrusiveMeasure.WRITTEN_WARNING).warning == own


def test_guideline_3_each_alternative_needs_its_own_reason(caseworker, draft):
    rows = alternative_rows()
    rows[1] = {**rows[1], "reason": rows[0]["reason"]}
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, alternative_assessments=rows)
    assert "alternative_assessments" in info.value.message_dict


def test_the_letter_explains_each_alternative_and_an_old_decision_keeps_its_free_text(active, leader):
    letter = Letter(decision=active, kind=LetterKind.DECISION, language="nb", created_by=leader,
                    created_at=timezone.now())
    html = letters.render_html(letter)
    for reason in ALTERNATIVE_REASONS.values():
        assert reason in html

    AlternativeAssessment.objects.filter(decision=active).delete()
    Decision.objects.filter(pk=active.pk).update(alternatives="Du har fått muntlig og skriftlig advarsel før.")
    active.refresh_from_db()
    assert "Du har fått muntlig og skriftlig advarsel før." in letters.render_html(letter)


def test_the_assessments_step_saves_the_alternatives_and_shows_a_rows_error_where_it_is(
    client, caseworker, draft,
):
    client.force_login(caseworker)
    url = reverse("utestenging:edit", args=[draft.public_id, "vurderinger"])
    page = client.get(url)
    alternatives = page.context["alternatives"]
    assert [form.initial["alternative"] for form in alternatives] == LessIntrusiveMeasure.values
    data = {"alternatives-TOTAL_FORMS": "8", "alternatives-INITIAL_FORMS": "8", "alternatives-MIN_NUM_FORMS": "8",
            "alternatives-MAX_NUM_FORMS": "8", "save": ""}
    for index, row in enumerate(alternative_rows()):
        data |= {f"alternatives-{index}-alternative": row["alternative"],
                 f"alternatives-{index}-outcome": row["outcome"],
                 f"alternatives-{index}-tried_on": row["tried_on"].isoformat() if row["tried_on"] else "",
                 f"alternatives-{index}-reason": row["reason"]}

    refused = client.post(url, {**data, "alternatives-2-reason": "se over"})
    assert refused.status_code == 200
    assert refused.context["alternatives"].forms[2].errors["reason"]
    assert not draft.alternative_assessments.exists()

    assert client.post(url, data).status_code == 302
    assert draft.alternative_assessments.count() == 8


# -- item 11: the admin cannot rewrite what was decided ------------------------------------------------------


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


def _unchanged(decision, before) -> None:
    decision.refresh_from_db()
    assert (decision.status, decision.risk_of_repetition, decision.valid_to) == before


def _state(decision):
    return decision.status, decision.risk_of_repetition, decision.valid_to


def test_ombudsman_no_copy_archived_admin_shows_a_signed_decision_read_only(admin_client_, active):
    response = admin_client_.get(reverse("admin:utestenging_decision_change", args=[active.pk]))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_change_permission
    assert 'name="_save"' not in response.content.decode()


def test_admin_post_to_a_signed_decision_changes_nothing(admin_client_, active):
    before = _state(active)
    response = admin_client_.post(reverse("admin:utestenging_decision_change", args=[active.pk]), {
        "kind": Kind.FYUS, "status": Status.DRAFT, "risk_of_repetition": "x", "valid_to": "2099-01-01",
        "channels-TOTAL_FORMS": "1", "channels-INITIAL_FORMS": "0", "channels-0-channel": ChannelKind.PROXY,
        "channels-0-person_name": "Noen andre",
    })
    assert response.status_code == 403
    _unchanged(active, before)
    assert active.channels.count() == 1


def test_admin_cannot_delete_a_signed_decision(admin_client_, active):
    url = reverse("admin:utestenging_decision_delete", args=[active.pk])
    assert admin_client_.get(url).status_code == 403
    assert admin_client_.post(url, {"post": "yes"}).status_code == 403
    assert Decision.objects.filter(pk=active.pk).exists()


def test_admin_cannot_revert_a_signed_decision_to_an_earlier_version(admin_client_, active):
    before = _state(active)
    record = active.history.order_by("history_id").first()
    url = reverse("admin:utestenging_decision_simple_history", args=[active.pk, record.history_id])
    form = admin_client_.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}

    response = admin_client_.post(url, {**data, "status": Status.DRAFT, "risk_of_repetition": "x"})

    assert response.status_code == 403
    _unchanged(active, before)


def test_admin_has_no_page_of_its_own_for_facts_channels_alternatives_or_letters(admin_client_):
    for model in ("fact", "alternativechannel", "alternativeassessment", "letter", "servicecomplaint"):
        assert admin_client_.get(f"/admin/utestenging/{model}/").status_code == 404, model


def test_staff_in_the_admin_with_only_a_role_see_nothing(client, staff_with_role, unit, active):
    head = staff_with_role(Role.ENHETSLEDER, unit, username="leder_admin_test", is_staff=True)
    client.force_login(head)
    response = client.post(reverse("admin:utestenging_decision_change", args=[active.pk]), {"status": "draft"})
    assert response.status_code in (302, 403)
    active.refresh_from_db()
    assert active.status == Status.ACTIVE


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_letter_names_each_alternative_and_how_it_was_weighed_in_the_citizens_language(active, leader, language):
    letter = Letter(decision=active, kind=LetterKind.DECISION, language=language, created_by=leader,
                    created_at=timezone.now())
    html = letters.render_html(letter)
    with translation.override(language):
        tried = gettext("Tried on %(date)s, and it was not enough") % {
            "date": active.alternative_assessments.get(alternative=LessIntrusiveMeasure.ORAL_WARNING)
            .tried_on.strftime("%d.%m.%Y")}
        expected = [str(LessIntrusiveMeasure.CHANGE_OF_CASEWORKER.label), str(AlternativeOutcome.NOT_ENOUGH.label),
                    tried]
    for text in expected:
        assert text in html, text
