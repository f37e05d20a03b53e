"""The leader's overview: counters that open their list, breaches since the last look, and filters."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from freezegun import freeze_time

from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core.models import PageSeen
from utestenging.models import Breach, BreachChannel, Kind, Status
from utestenging.views import OVERVIEW_LISTS, OVERVIEW_PAGE

from ..factories import CitizenFactory
from .factories import DecisionFactory, complete_decision, signed_decision

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("utestenging:overview")


def _nb(msgid):
    with translation.override("nb"):
        return gettext(msgid)


def _breach(decision, by, at):
    return Breach.objects.create(decision=decision, occurred_at=at, channel=BreachChannel.IN_PERSON,
                                 description="Kom i mottaket.", asked_to_leave=True, police_called=False,
                                 registered_by=by, created_at=at)


def test_every_start_page_counter_opens_its_list(client, leader, unit, caseworker, today):
    signed_decision(unit=unit, citizen=CitizenFactory(), created_by=caseworker, signed_by=leader, days=10)
    draft = DecisionFactory(unit=unit, created_by=caseworker)
    client.force_login(leader)
    start = client.get(reverse("core:start")).content.decode()
    keys = re.findall(re.escape(OVERVIEW) + r"\?vis=(\w+)", start)
    assert sorted(keys) == sorted(OVERVIEW_LISTS)

    expiring = client.get(f"{OVERVIEW}?vis=expiring")
    content = expiring.content.decode()
    assert expiring.context["shown"] == "expiring"
    assert 'id="expiring-h"' in content and 'id="drafts-h"' not in content
    assert draft.case_number not in content

    drafts = client.get(f"{OVERVIEW}?vis=drafts").content.decode()
    assert draft.case_number in drafts and 'id="expiring-h"' not in drafts


def test_filters_by_status_kind_and_leader(client, leader, acting_leader, unit, caseworker):
    mine = complete_decision(unit=unit, created_by=caseworker, responsible_leader=leader, kind=Kind.FYUS)
    theirs = complete_decision(unit=unit, created_by=caseworker, responsible_leader=acting_leader, kind=Kind.TFUS)
    draft = DecisionFactory(unit=unit, created_by=caseworker)
    client.force_login(leader)

    by_leader = client.get(OVERVIEW, {"leader": leader.pk}).context["overview"]
    assert by_leader.ready == [mine]
    by_kind = client.get(OVERVIEW, {"kind": Kind.TFUS}).context["overview"]
    assert by_kind.ready == [theirs] and by_kind.drafts == []
    by_status = client.get(OVERVIEW, {"status": Status.DRAFT}).context["overview"]
    assert (by_status.drafts, by_status.ready) == ([draft], [])


def test_a_leader_filter_outside_the_users_units_is_a_form_error_not_a_500(client, leader, other_leader):
    client.force_login(leader)
    response = client.get(OVERVIEW, {"leader": other_leader.pk, "status": "nonsense"})
    assert response.status_code == 200
    assert set(response.context["filter_form"].errors) == {"leader", "status"}


def test_breaches_since_the_leader_last_looked(client, leader, reception, unit, caseworker, other_unit,
                                               other_leader):
    decision = signed_decision(unit=unit, created_by=caseworker, signed_by=leader)
    elsewhere = signed_decision(unit=other_unit, created_by=other_leader, signed_by=other_leader)
    now = timezone.now()
    old = _breach(decision, reception, now - datetime.timedelta(days=40))
    first = _breach(decision, reception, now - datetime.timedelta(days=2))
    _breach(elsewhere, other_leader, now - datetime.timedelta(days=1))
    client.force_login(leader)

    # The first look shows the last 30 days of the user's units.
    assert client.get(OVERVIEW).context["breaches"] == [first]
    assert old.pk and PageSeen.objects.get(user=leader, page=OVERVIEW_PAGE)

    # Nothing new since: none; a breach registered after the last look shows on the next.
    assert client.get(OVERVIEW).context["breaches"] == []
    PageSeen.objects.filter(user=leader).update(seen_at=now - datetime.timedelta(hours=1))
    later = _breach(decision, reception, now - datetime.timedelta(minutes=30))
    response = client.get(OVERVIEW)
    assert response.context["breaches"] == [later]
    assert response.context["since"] == now - datetime.timedelta(hours=1)
    assert decision.case_number in response.content.decode()


def test_page_seen_returns_the_previous_look(leader):
    assert core_services.page_seen(user=leader, page="x") is None
    with freeze_time("2026-12-01 10:00"):
        core_services.page_seen(user=leader, page="x")
    with freeze_time("2026-12-02 10:00"):
        before = core_services.page_seen(user=leader, page="x")
    assert before == datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    assert PageSeen.objects.filter(user=leader).count() == 1


@pytest.mark.parametrize("key", ["unanswered_complaints", "missing_registrations"])
def test_an_empty_list_opened_from_its_counter_says_none(client, leader, key):
    client.force_login(leader)
    response = client.get(OVERVIEW, {"vis": key})
    content = response.content.decode()
    heading = {"unanswered_complaints": "complaints-h", "missing_registrations": "reg-h"}[key]
    assert f'id="{heading}"' in content
    section = content[content.index(f'id="{heading}"'):]
    section = section[:section.index("</section>")]
    assert _nb("None.") in section and "<ul>" not in section
