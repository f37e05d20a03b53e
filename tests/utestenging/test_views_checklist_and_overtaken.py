"""The checklist links each missing item to where it is put right; a leader who signs second is told who signed."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from utestenging.models import Decision, Status
from utestenging.templatetags.checklist import FIX_AT

from .factories import DecisionFactory

pytestmark = pytest.mark.django_db


def _url(name, decision, **kwargs):
    return reverse(f"utestenging:{name}", kwargs={"public_id": decision.public_id, **kwargs})


def _nb(msgid, **args):
    with translation.override("nb"):
        text = gettext(msgid)
        return text % args if args else text


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _fix_links(html: str) -> dict[str, str]:
    """The checklist's links, as {href: link text}."""
    return {href.replace("&amp;", "&"): text.strip()
            for href, text in re.findall(r'<a class="aksel-link checklist-fix" href="([^"]+)">([^<]+)</a>', html)}


def test_each_missing_item_of_a_new_draft_links_to_its_step_and_field(client, caseworker, draft):
    client.force_login(caseworker)
    response = client.get(_url("detail", draft))
    missing = [item for item in response.context["checklist"] if not item.done]
    links = _fix_links(response.content.decode())
    assert missing and len(links) == len(missing)
    for item in missing:
        step, anchor = FIX_AT[item.key]
        page = _url("notice", draft) if step == "forhandsvarsel" else _url("edit", draft, step=step)
        assert links[f"{page}#{anchor}" if anchor else page] == str(item.label)


@pytest.mark.parametrize("step", ["grunnlag", "vurderinger", "omfang", "periode"])
def test_every_anchor_the_checklist_links_to_is_a_field_on_its_step(client, caseworker, unit, citizen, step):
    # An extension with a received statement and a phone kind shows every optional field the checklist can name.
    extended = DecisionFactory(unit=unit, citizen=citizen, created_by=caseworker)
    decision = DecisionFactory(unit=unit, citizen=citizen, created_by=caseworker, kind="FTUS",
                               extends=extended, statement_status="received")
    client.force_login(caseworker)
    html = client.get(_url("edit", decision, step=step)).content.decode()
    anchors = {anchor for key, (at, anchor) in FIX_AT.items() if at == step}
    assert anchors and all(f'id="{anchor}"' in html for anchor in anchors), anchors


def test_a_done_item_and_a_closed_case_have_no_links(client, leader, caseworker, active, ready):
    client.force_login(caseworker)
    assert _fix_links(client.get(_url("detail", ready)).content.decode()) == {}  # every item done
    client.force_login(leader)
    assert _fix_links(client.get(_url("sign", active)).content.decode()) == {}  # signed: nothing to fix


def test_a_reader_without_prepare_rights_sees_no_links(client, reception, draft):
    client.force_login(reception)
    response = client.get(_url("detail", draft))
    if response.status_code == 200:
        assert _fix_links(response.content.decode()) == {}
    else:
        assert response.status_code == 404


# -- two leaders sign at once ----------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_second_of_two_leaders_signing_is_told_who_signed_first(leader, acting_leader, ready):
    first, second = _client(leader), _client(acting_leader)
    # Both open the sign page while the case is ready, then both press "sign".
    assert first.get(_url("sign", ready)).status_code == 200
    assert b'name="written_delivery"' in second.get(_url("sign", ready)).content
    assert first.post(_url("sign", ready), {"written_delivery": "handed_over"}).status_code == 302
    response = second.post(_url("sign", ready), {"written_delivery": "handed_over", "acting_reason": "head_absent"})

    assert response.status_code == 302 and response["Location"] == _url("detail", ready)
    ready.refresh_from_db()
    signed_at = timezone.localtime(ready.signed_at)
    assert _messages(response) == [_nb(
        "The decision was just signed by %(name)s on %(date)s at %(time)s. Your signature was not needed.",
        name=leader.get_full_name() or leader.username, date=f"{signed_at:%d.%m.%Y}", time=f"{signed_at:%H:%M}",
    )]
    assert "kan ikke bli" not in _messages(response)[0]  # not the transition error
    # The first signature stands, in the first leader's name and capacity.
    assert (ready.status, ready.signed_by, ready.signed_as) == (Status.ACTIVE, leader, "head")
    # The page the second leader lands on shows the same, and the sign page no longer offers the form.
    page = second.get(_url("sign", ready)).content.decode()
    assert 'name="written_delivery"' not in page
    assert _nb("The decision was signed by %(name)s on %(date)s at %(time)s.", name=leader.get_full_name()
               or leader.username, date=f"{signed_at:%d.%m.%Y}", time=f"{signed_at:%H:%M}") in page


def test_a_case_sent_back_to_draft_while_the_leader_signs_says_so(leader, caseworker, ready):
    signing, preparing = _client(leader), _client(caseworker)
    assert signing.get(_url("sign", ready)).status_code == 200
    assert preparing.post(_url("reopen", ready)).status_code == 302
    response = signing.post(_url("sign", ready), {"written_delivery": "handed_over"})
    assert response.status_code == 302
    assert _messages(response) == [_nb(
        "The case changed while you had it open: it is now «%(status)s» and cannot be signed as it is.",
        status=_nb(Status.DRAFT.label),
    )]
    assert Decision.objects.get(pk=ready.pk).status == Status.DRAFT


def test_the_same_leader_pressing_sign_twice_signs_once(client, leader, ready):
    client.force_login(leader)
    client.post(_url("sign", ready), {"written_delivery": "handed_over"})
    response = client.post(_url("sign", ready), {"written_delivery": "handed_over"})
    assert response.status_code == 302
    assert (leader.get_full_name() or leader.username) in _messages(response)[-1]
    assert Decision.objects.get(pk=ready.pk).letters.count() == 1
