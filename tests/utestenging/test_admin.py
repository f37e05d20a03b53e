"""The decision admin: a history an administrator can read, and search by case number."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from utestenging import services
from utestenging.models import Decision, Ground, Status, WrittenDelivery

from .factories import DecisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


def _history_table(response) -> str:
    html = response.content.decode()
    start = html.index('<table id="change-history"')
    return html[start:html.index("</table>", start)]


def test_decision_history_shows_labels_local_time_and_no_none(admin_client_, ready, leader):
    Decision.objects.filter(pk=ready.pk).update(grounds=[Ground.VIOLENCE, Ground.THREATS])
    ready.refresh_from_db()
    ready.save()  # a history row with the grounds as they now are
    decision = services.decision_sign(by=leader, decision_id=ready.pk, written_delivery=WrittenDelivery.POST,
                                      told_orally_on=timezone.localdate())

    response = admin_client_.get(reverse("admin:utestenging_decision_history", args=[decision.pk]))

    table = _history_table(response)
    with translation.override("nb"):
        ready_label, signed_label, active_label = (str(Status(s).label) for s in ("ready", "signed", "active"))
        grounds = f"{Ground.VIOLENCE.label}, {Ground.THREATS.label}"
    assert f"{ready_label}&nbsp;&rarr;&nbsp;{signed_label}" in table
    assert f"{signed_label}&nbsp;&rarr;&nbsp;{active_label}" in table
    assert grounds in table
    assert str(leader) in table
    signed_at = timezone.localtime(decision.signed_at)
    assert f"{signed_at:%d.%m.%Y %H:%M}" in table
    for raw in ("None", "pk=", "ready", '"violence"', "+00:00", f"{decision.signed_at.microsecond:06d}"):
        assert raw not in table, raw


def test_history_record_times_are_local_to_the_minute(admin_client_, draft):
    response = admin_client_.get(reverse("admin:utestenging_decision_history", args=[draft.pk]))
    record = draft.history.get()
    local = timezone.localtime(record.history_date)
    assert re.search(rf">{local:%d\.%m\.%Y %H:%M}</time>", _history_table(response))


def test_admin_finds_a_decision_by_its_case_number(admin_client_, draft, unit, citizen, caseworker):
    other = DecisionFactory(unit=unit, citizen=citizen, created_by=caseworker)
    url = reverse("admin:utestenging_decision_changelist")
    for term in (draft.case_number, draft.case_number.lower(), f"  {draft.case_number} "):
        response = admin_client_.get(url, {"q": term})
        assert list(response.context["cl"].result_list) == [draft], term
    assert other.case_number not in response.content.decode()


def test_case_number_search_respects_the_year(admin_client_, draft):
    year = int(draft.case_number.split("-")[1])
    response = admin_client_.get(reverse("admin:utestenging_decision_changelist"),
                                 {"q": f"US-{year - 1}-{draft.pk:05d}"})
    assert list(response.context["cl"].result_list) == []


def test_other_searches_still_find_by_citizen_name(admin_client_, draft):
    response = admin_client_.get(reverse("admin:utestenging_decision_changelist"), {"q": draft.citizen.name})
    assert draft in response.context["cl"].result_list


def test_an_english_administrator_reads_the_history_in_english(admin_client_, active):
    admin_client_.cookies["django_language"] = "en"
    response = admin_client_.get(reverse("admin:utestenging_decision_history", args=[active.pk]))
    with translation.override("en"):
        header = gettext("Reason for the change")
    assert header == "Reason for the change" and header in response.content.decode()
