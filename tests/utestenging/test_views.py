"""The pages, through the Django test client: lists, audit lines, forms, errors in bokmål, and 404 for others."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from nav_sikkerhet.core.identity import generate_synthetic
from nav_sikkerhet.core.models import AuditLogEntry, Citizen, Role
from utestenging.models import (
    ChannelKind,
    Decision,
    EventKind,
    Ground,
    Kind,
    NoticeMethod,
    NoticeStatus,
    Scope,
    StatementStatus,
    Status,
)

from ..factories import CitizenFactory
from .factories import (
    ComplaintFactory,
    DecisionFactory,
    FactFactory,
    RegistrationFactory,
    complete_decision,
    signed_decision,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _url(name, decision, **kwargs):
    return reverse(f"utestenging:{name}", kwargs={"public_id": decision.public_id, **kwargs})


def _nb(msgid, **args):
    """The bokmål text of a message, as the user sees it."""
    with translation.override("nb"):
        text = gettext(msgid)
        return text % args if args else text


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# -- the overview and the start page ---------------------------------------------------------------


def test_overview_lists_the_units_cases_by_stage(client, leader, draft, ready, other_leader, other_unit):
    elsewhere = DecisionFactory(unit=other_unit, created_by=other_leader)
    client.force_login(leader)
    response = client.get(reverse("utestenging:overview"))
    content = response.content.decode()
    overview = response.context["overview"]
    assert response.status_code == 200
    assert (overview.drafts, overview.ready) == ([draft], [ready])
    assert draft.case_number in content and draft.citizen.name in content
    assert elsewhere.citizen.name not in content


def test_overview_lists_names_only_and_writes_no_audit_line(client, leader, ready):
    client.force_login(leader)
    client.get(reverse("utestenging:overview"))
    assert not AuditLogEntry.objects.exists()


STAGES = ["draft", "notice_sent", "ready", "active", "signed", "expired", "lifted"]


def _populate(unit, by, first: int, count: int) -> None:
    """``count`` decisions spread over every stage, with registrations and complaints on those in force."""
    today = timezone.localdate()
    for number in range(first, first + count):
        stage = STAGES[number % len(STAGES)]
        common = {"unit": unit, "citizen": CitizenFactory(), "created_by": by}
        if stage == "draft":
            DecisionFactory(**common)
        elif stage in ("notice_sent", "ready"):
            complete_decision(status=stage, responsible_leader=by, **common)
        elif stage == "active":
            decision = signed_decision(signed_by=by, valid_from=today - 10 * DAY, **common)
            RegistrationFactory(decision=decision, done_by=by)
            ComplaintFactory(decision=decision, registered_by=by)
        elif stage == "signed":
            signed_decision(signed_by=by, status=Status.SIGNED, valid_from=today + 5 * DAY, signed_on=today, **common)
        elif stage == "expired":
            signed_decision(signed_by=by, status=Status.EXPIRED, valid_from=today - 40 * DAY, **common)
        else:
            signed_decision(signed_by=by, status=Status.LIFTED, valid_from=today - 10 * DAY,
                            lifted_on=today - DAY, lift_reason="Ro", **common)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# With the filter's leaders, the breaches, when the leader last looked, and the three that find measures in force
# left without an open channel.
OVERVIEW_MAX_QUERIES = 16
START_PAGE_MAX_QUERIES = 22  # every app adds a panel (incidents: proposals with no outcome); rows add none


@pytest.mark.parametrize(
    ("url_name", "bound"),
    [("utestenging:overview", OVERVIEW_MAX_QUERIES), ("core:start", START_PAGE_MAX_QUERIES)],
)
def test_query_count_does_not_grow_with_the_number_of_cases(
    client, leader, unit, url_name, bound, django_assert_max_num_queries
):
    client.force_login(leader)
    url = reverse(url_name)
    client.get(url)  # warm the per-process caches (content types, permissions) before counting
    _populate(unit, leader, 0, 5)
    with_five = _queries(client, url)
    _populate(unit, leader, 5, 15)
    with_twenty = _queries(client, url)
    assert with_five == with_twenty
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    overview = response.context["overview"] if url_name == "utestenging:overview" else None
    if overview is not None:
        assert len(overview.drafts) == 3 and len(overview.unanswered_complaints) == 3


def test_start_page_shows_the_decisions_panel_with_counts(client, leader, ready, draft):
    client.force_login(leader)
    response = client.get(reverse("core:start"))
    content = response.content.decode()
    assert reverse("utestenging:overview") in content
    assert _nb("ready to sign") in content


# -- the detail page and the audit log -------------------------------------------------------------


def test_detail_page_writes_one_audit_line_per_view(client, leader, ready):
    client.force_login(leader)
    for _ in range(2):
        response = client.get(_url("detail", ready))
        assert response.status_code == 200
    entries = list(AuditLogEntry.objects.order_by("pk"))
    assert len(entries) == 2
    assert {(e.actor, e.personident, e.action, e.request_method, e.request_path) for e in entries} == {
        (leader, ready.citizen.personident, "decision.view", "GET", _url("detail", ready))
    }
    assert entries[0].message == _nb("Decision %(case)s shown", case=ready.case_number)


def test_successful_post_action_that_redirects_writes_no_audit_line(client, caseworker, unit, citizen, leader):
    decision = complete_decision(status=Status.DRAFT, unit=unit, citizen=citizen, created_by=caseworker,
                                 responsible_leader=leader)
    client.force_login(caseworker)
    response = client.post(_url("mark_ready", decision))
    assert response.status_code == 302 and response["Location"] == _url("detail", decision)
    decision.refresh_from_db()
    assert decision.status == Status.READY
    assert not AuditLogEntry.objects.exists()


def test_successful_form_action_writes_no_audit_line(client, leader, ready):
    client.force_login(leader)
    response = client.post(_url("drop", ready), {"reason": "Bruker har beklaget."})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Status.DROPPED
    assert not AuditLogEntry.objects.exists()


def test_detail_page_shows_the_checklist_and_the_timeline(client, leader, caseworker, citizen, unit):
    client.force_login(caseworker)
    client.post(reverse("utestenging:create"), {
        "unit": unit.pk, "kind": Kind.FYUS, "personident": citizen.personident, "name": citizen.name,
        "preferred_language": "nb",
    })
    decision = Decision.objects.get()
    client.force_login(leader)
    response = client.get(_url("detail", decision))
    assert [item.key for item in response.context["checklist"] if not item.done][:2] == ["grounds", "facts"]
    assert EventKind.CREATED in [event.kind for event in response.context["events"]]


# -- creating a case -------------------------------------------------------------------------------


@pytest.fixture
def new_personident(settings):
    settings.ALLOW_TEST_IDENTS = True
    return generate_synthetic(datetime.date(1985, 5, 17), 123)


def test_create_registers_a_new_citizen_and_opens_the_first_step(client, caseworker, unit, new_personident):
    client.force_login(caseworker)
    response = client.post(reverse("utestenging:create"), {
        "unit": unit.pk, "kind": Kind.TFUS, "personident": new_personident, "name": "Ola Nordmann",
        "address": "Storgata 1", "postal_code": "0155", "postal_city": "Oslo", "preferred_language": "nn",
    })
    citizen = Citizen.objects.get(personident=new_personident)
    decision = Decision.objects.get(citizen=citizen)
    assert response.status_code == 302
    assert response["Location"] == _url("edit", decision, step="grunnlag")
    assert (citizen.name, citizen.birth_date) == ("Ola Nordmann", datetime.date(1985, 5, 17))
    assert (decision.kind, decision.unit, decision.created_by, decision.letter_language) == (
        Kind.TFUS, unit, caseworker, "nn",
    )


def test_create_reuses_a_registered_citizen_and_keeps_their_details(client, caseworker, unit, citizen):
    client.force_login(caseworker)
    response = client.post(reverse("utestenging:create"), {
        "unit": unit.pk, "kind": Kind.FYUS, "personident": citizen.personident, "name": "Et annet navn",
        "preferred_language": "nb",
    })
    assert response.status_code == 302
    assert Decision.objects.get().citizen == citizen
    assert Citizen.objects.get().name == citizen.name


def test_create_answers_a_missing_name_alike_for_registered_and_unknown_numbers(
    client, caseworker, unit, citizen, new_personident
):
    """No existence oracle: the name is asked of everyone, before the number is resolved."""
    client.force_login(caseworker)
    answers = []
    for number in (citizen.personident, new_personident):
        response = client.post(reverse("utestenging:create"), {
            "unit": unit.pk, "kind": Kind.FYUS, "personident": number, "name": " ", "preferred_language": "nb",
        })
        assert response.status_code == 200
        page = response.content.count(b"<")
        answers.append((response.context["form"].errors, response.context.get("citizen"), page))
    assert answers[0] == answers[1]
    assert not Decision.objects.exists()
    assert not AuditLogEntry.objects.filter(personident=citizen.personident).exists()


def test_create_offers_only_units_where_the_user_may_prepare(client, caseworker, unit, other_unit, citizen):
    client.force_login(caseworker)
    response = client.post(reverse("utestenging:create"), {
        "unit": other_unit.pk, "kind": Kind.FYUS, "personident": citizen.personident, "name": citizen.name,
        "preferred_language": "nb",
    })
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Decision.objects.exists()


# -- the edit steps --------------------------------------------------------------------------------


def _management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def test_grounds_step_saves_grounds_facts_and_warnings(client, caseworker, draft, today):
    client.force_login(caseworker)
    response = client.post(_url("edit", draft, step="grunnlag"), {
        "kind": Kind.FYUS, "grounds": [Ground.THREATS, Ground.DAMAGE],
        **_management("facts", 2), "facts-0-occurred_on": (today - 2 * DAY).isoformat(),
        "facts-0-description": "Knuste glassdøren i mottaket.", "facts-1-occurred_on": "", "facts-1-description": "",
        **_management("warnings", 1), "warnings-0-given_on": (today - 20 * DAY).isoformat(), "warnings-0-form": "oral",
        "warnings-0-note": "Advart av vekter.", "save_next": "",
    })
    assert response.status_code == 302 and response["Location"] == _url("edit", draft, step="vurderinger")
    draft.refresh_from_db()
    assert draft.grounds == [Ground.THREATS, Ground.DAMAGE]
    assert [(f.occurred_on, f.description) for f in draft.facts.all()] == [
        (today - 2 * DAY, "Knuste glassdøren i mottaket.")
    ]
    # The warning is recorded as the citizen's warning, by the deciding unit.
    assert [(w.note, w.unit, w.registered_by) for w in draft.citizen.warnings.all()] == [
        ("Advart av vekter.", draft.unit, caseworker)
    ]
    assert draft.events.filter(kind=EventKind.UPDATED, actor=caseworker).exists()


def test_grounds_step_shows_a_future_fact_as_an_error_in_bokmal(client, caseworker, draft, today):
    client.force_login(caseworker)
    response = client.post(_url("edit", draft, step="grunnlag"), {
        "kind": Kind.FYUS, "grounds": [Ground.THREATS],
        **_management("facts", 1), "facts-0-occurred_on": (today + DAY).isoformat(), "facts-0-description": "Senere",
        **_management("warnings", 0),
    })
    assert response.status_code == 200
    assert response.context["facts"].forms[0].errors["occurred_on"] == [
        _nb("An incident cannot be dated in the future.")
    ]
    assert not draft.facts.exists()


def test_saving_a_step_keeps_the_facts_that_were_not_changed(client, caseworker, draft, today):
    fact = FactFactory(decision=draft)
    client.force_login(caseworker)
    client.post(_url("edit", draft, step="grunnlag"), {
        "kind": Kind.FYUS, "grounds": [Ground.VIOLENCE],
        **_management("facts", 2, initial=1), "facts-0-occurred_on": fact.occurred_on.isoformat(),
        "facts-0-description": fact.description, "facts-1-occurred_on": "", "facts-1-description": "",
        **_management("warnings", 1), "warnings-0-given_on": "", "warnings-0-form": "", "warnings-0-note": "",
    })
    draft.refresh_from_db()
    assert draft.grounds == [Ground.VIOLENCE]
    assert [f.description for f in draft.facts.all()] == [fact.description]


def test_scope_step_saves_channels_and_the_responsible_leader(client, caseworker, leader, draft):
    client.force_login(caseworker)
    response = client.post(_url("edit", draft, step="omfang"), {
        "scope": Scope.UNIT, "responsible_leader": leader.pk, "contact_person": "",
        **_management("channels", 2),
        "channels-0-channel": ChannelKind.MEETING, "channels-0-place": "Politistasjonen, Sentrum",
        "channels-0-times": "Etter avtale", "channels-0-person_name": "", "channels-0-phone": "",
        "channels-0-address": "Grønlandsleiret 44, 0190 Oslo", "channels-0-note": "",
        "channels-1-channel": "", "channels-1-place": "", "channels-1-times": "",
        "save": "",
    })
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.responsible_leader == leader
    assert [(c.channel, c.place) for c in draft.channels.all()] == [(ChannelKind.MEETING, "Politistasjonen, Sentrum")]


def test_scope_step_shows_the_services_scope_error_on_the_scope_field(client, caseworker, draft):
    client.force_login(caseworker)
    response = client.post(_url("edit", draft, step="omfang"), {
        "scope": Scope.RESULT_AREA, "responsible_leader": "", "contact_person": "", **_management("channels", 0),
    })
    assert response.status_code == 200
    assert response.context["form"].errors["scope"] == [
        _nb("A NAV office can extend a decision only to the NAV offices in its municipality.")
    ]
    draft.refresh_from_db()
    assert draft.scope == Scope.UNIT


def test_period_step_refuses_more_than_twelve_weeks_in_bokmal(client, caseworker, draft, today):
    client.force_login(caseworker)
    response = client.post(_url("edit", draft, step="periode"), {
        "valid_from": today.isoformat(), "valid_to": (today + 84 * DAY).isoformat(),
        "duration_assessment": "Lang periode.", "letter_language": "nb",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["valid_to"] == [_nb(
        "The period may be at most 12 weeks: the last day can be no later than %(last)s.",
        last=(today + 83 * DAY).strftime("%d.%m.%Y"),
    )]
    draft.refresh_from_db()
    assert draft.valid_to is None


def test_a_signed_decision_cannot_be_opened_for_editing(client, leader, active):
    client.force_login(leader)
    response = client.get(_url("edit", active, step="periode"))
    assert response.status_code == 302 and response["Location"] == _url("detail", active)
    assert _messages(response) == [_nb("A signed or closed decision cannot be changed; it can be lifted or extended.")]


# -- service errors in bokmål ----------------------------------------------------------------------


def test_sign_page_lists_what_is_missing_in_bokmal(client, leader, ready):
    Decision.objects.filter(pk=ready.pk).update(proportionality="")
    client.force_login(leader)
    response = client.post(_url("sign", ready), {"written_delivery": "handed_over"})
    assert response.status_code == 200
    item = _nb("Proportionality between the acts and the measure")
    assert response.context["form"].non_field_errors() == [_nb("Missing: %(item)s", item=item)]
    ready.refresh_from_db()
    assert ready.status == Status.READY


def test_sign_page_asks_the_leader_to_acknowledge_other_measures(client, leader, ready, other_unit, other_leader):
    signed_decision(unit=other_unit, citizen=ready.citizen, created_by=other_leader, signed_by=other_leader)
    client.force_login(leader)
    response = client.post(_url("sign", ready), {"written_delivery": "handed_over"})
    assert response.context["form"].non_field_errors() == [
        _nb("Confirm that you have looked at the citizen's other security measures.")
    ]
    assert len(response.context["others"]) == 1
    response = client.post(_url("sign", ready),
                           {"written_delivery": "handed_over", "other_measures_acknowledged": "on"})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert (ready.status, ready.signed_by) == (Status.ACTIVE, leader)


def test_notice_page_refuses_no_statement_before_the_deadline_in_bokmal(client, caseworker, ready, today):
    Decision.objects.filter(pk=ready.pk).update(
        status=Status.NOTICE_SENT, notice_status=NoticeStatus.SENT, notice_sent_on=today,
        notice_method=NoticeMethod.LETTER, notice_deadline=today + 14 * DAY, statement_status=StatementStatus.AWAITING,
    )
    client.force_login(caseworker)
    response = client.post(_url("notice", ready), {"action": "statement", "st-received": "no"})
    assert response.status_code == 200
    deadline = (today + 14 * DAY).strftime("%d.%m.%Y")
    assert response.context["statement_form"].non_field_errors() == [_nb(
        "The citizen has until %(deadline)s to give their view; «no statement received» can be recorded after that.",
        deadline=deadline,
    )]
    ready.refresh_from_db()
    assert ready.statement_status == StatementStatus.AWAITING


def test_mark_ready_with_gaps_shows_them_as_messages_in_bokmal(client, caseworker, draft):
    client.force_login(caseworker)
    response = client.post(_url("mark_ready", draft))
    assert response.status_code == 302
    messages = _messages(response)
    assert len(messages) == 15
    assert messages[0] == _nb("Missing: %(item)s", item=_nb("Grounds chosen"))
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_notice_page_records_notice_sent(client, caseworker, unit, citizen, leader, today):
    decision = complete_decision(status=Status.DRAFT, unit=unit, citizen=citizen, created_by=caseworker,
                                 responsible_leader=leader, notice_status=NoticeStatus.NOT_HANDLED)
    client.force_login(caseworker)
    response = client.post(_url("notice", decision), {
        "action": "sent", "sent-sent_on": today.isoformat(), "sent-method": NoticeMethod.DIGITAL,
        "sent-deadline": (today + 14 * DAY).isoformat(),
    })
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.status, decision.notice_method) == (Status.NOTICE_SENT, NoticeMethod.DIGITAL)


# -- who gets 404 ----------------------------------------------------------------------------------

GET_PAGES = ["detail", "edit", "notice", "sign", "lift", "drop", "registration", "complaint", "complaint_answer"]
POST_ONLY = ["mark_ready", "reopen", "extend"]


def _kwargs(name, decision, complaint):
    if name == "edit":
        return {"step": "grunnlag"}
    if name == "complaint_answer":
        return {"complaint_id": complaint.pk}
    return {}


@pytest.fixture
def case_with_complaint(active, caseworker):
    return active, ComplaintFactory(decision=active, registered_by=caseworker)


@pytest.mark.parametrize("name", GET_PAGES + POST_ONLY)
def test_leader_of_another_unit_gets_404_on_every_decision_url(client, other_leader, case_with_complaint, name):
    decision, complaint = case_with_complaint
    before = list(Decision.objects.values_list("pk", "status"))
    url = _url(name, decision, **_kwargs(name, decision, complaint))
    client.force_login(other_leader)
    if name in GET_PAGES:
        assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x", "lifted_on": timezone.localdate().isoformat()}).status_code == 404
    assert list(Decision.objects.values_list("pk", "status")) == before
    assert not AuditLogEntry.objects.exists()


def test_caseworker_gets_404_on_the_sign_page_and_cannot_sign_by_post(client, caseworker, ready):
    client.force_login(caseworker)
    assert client.get(_url("sign", ready)).status_code == 404
    response = client.post(_url("sign", ready),
                           {"written_delivery": "handed_over", "other_measures_acknowledged": "on"})
    assert response.status_code == 404
    ready.refresh_from_db()
    assert (ready.status, ready.signed_by) == (Status.READY, None)
    assert not ready.events.exists()


@pytest.mark.parametrize("name", ["lift", "drop", "complaint_answer"])
def test_caseworker_gets_404_on_the_leaders_pages(client, caseworker, case_with_complaint, name):
    decision, complaint = case_with_complaint
    client.force_login(caseworker)
    assert client.get(_url(name, decision, **_kwargs(name, decision, complaint))).status_code == 404


def test_reception_cannot_see_decisions(client, staff_with_role, unit, ready):
    client.force_login(staff_with_role(Role.MOTTAK, unit))
    assert client.get(reverse("utestenging:overview")).status_code == 404
    assert client.get(_url("detail", ready)).status_code == 404


def test_leader_signs_through_the_sign_page(client, leader, ready):
    client.force_login(leader)
    assert client.get(_url("sign", ready)).status_code == 200
    response = client.post(_url("sign", ready), {"written_delivery": "handed_over"})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert (ready.status, ready.signed_by, ready.written_delivery) == (Status.ACTIVE, leader, "handed_over")
    assert _messages(response) == [_nb("The decision is signed.")]


@pytest.mark.parametrize("language", ["nn", "en"])
def test_edit_page_shows_the_step_names_in_the_users_language(client, caseworker, draft, language):
    client.force_login(caseworker)
    client.cookies["django_language"] = language
    response = client.get(_url("edit", draft, step="grunnlag"))
    with translation.override(language):
        names = [gettext(text) for text in ("Grounds and facts", "Assessments", "Period")]
    with translation.override("nb"):
        bokmal = gettext("Assessments")
    html = response.content.decode()
    assert all(name in html for name in names)
    assert bokmal not in html  # "Vurderinger" (nb), not "Vurderingar" (nn) or "Assessments" (en)
