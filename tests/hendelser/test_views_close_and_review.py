"""The incident page says why it cannot close yet and links to each fix; the weekly review lists each incident
with its link and the start of what happened; the registration form shows each ASYS definition by its option."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from hendelser import services
from hendelser.models import CATEGORY_DEFINITIONS, Category, MeasureKind, Status

from .factories import ExposedPersonFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def _detail(client, incident):
    return client.get(reverse("hendelser:detail", args=[incident.public_id]))


def _links(response) -> list[str]:
    return [url for blocker in response.context["close_blockers"] for _text, url in blocker["links"]]


def test_a_threat_with_nothing_done_says_what_is_missing_and_links_to_each_fix(client, unit, hms):
    incident = IncidentFactory(unit=unit, category=Category.THREAT)
    person = ExposedPersonFactory(incident=incident, name="Sara Saksbehandler")
    client.force_login(hms)
    response = _detail(client, incident)
    assert response.context["may_close"] is False
    assert _links(response) == [
        reverse("hendelser:review", args=[unit.number]),
        reverse("hendelser:edit", args=[incident.public_id]) + "#id_police_reported",
        reverse("hendelser:measure", args=[incident.public_id]),
        reverse("hendelser:follow_up", args=[incident.public_id, person.pk]),
    ]
    page = response.content.decode()
    assert reverse("hendelser:close", args=[incident.public_id]) not in page
    assert re.search(r'<button type="button"[^>]*disabled aria-describedby="close-blockers"', page)
    assert "Ikke klar til å lukkes ennå" in page and "Følg opp Sara Saksbehandler" in page


def test_once_everything_is_done_the_close_button_opens_the_close_page(client, unit, hms):
    incident = IncidentFactory(unit=unit, category=Category.THREAT, occurred_at=timezone.now() - datetime.timedelta(
        days=2), police_not_reported_reason="Den ansatte ønsket ikke anmeldelse.")
    services.review_meeting_record(by=hms, unit=unit, held_on=timezone.localdate(), attendees="Hanne Hms",
                                   notes="", incident_ids=[incident.pk])
    services.measure_add(by=hms, incident_id=incident.pk, kind=MeasureKind.NONE, decided_on=timezone.localdate(),
                         description="Gjennomgått, ingen videre tiltak.")
    client.force_login(hms)
    response = _detail(client, incident)
    assert response.context["close_blockers"] == [] and response.context["may_close"] is True
    assert reverse("hendelser:close", args=[incident.public_id]) in response.content.decode()


def test_a_reopened_incident_asks_what_follows_before_it_closes_again(client, unit, hms):
    incident = IncidentFactory(unit=unit, category=Category.VERBAL)
    services.measure_add(by=hms, incident_id=incident.pk, kind=MeasureKind.NONE, decided_on=timezone.localdate(),
                         description="Ingen videre tiltak.")
    services.incident_close(by=hms, incident_id=incident.pk, lessons_learned="Godt håndtert i skranken.")
    services.incident_reopen(by=hms, incident_id=incident.pk, reason="Personen har ringt igjen.")
    client.force_login(hms)
    response = _detail(client, incident)
    assert response.context["may_close"] is False
    assert _links(response) == [reverse("hendelser:measure", args=[incident.public_id])]


def test_those_who_do_not_review_see_no_close_button_nor_what_is_missing(client, unit, safety_rep):
    incident = IncidentFactory(unit=unit, category=Category.THREAT)
    client.force_login(safety_rep)
    response = _detail(client, incident)
    assert response.context["close_blockers"] == [] and response.context["may_close"] is False
    assert "close-blockers" not in response.content.decode()


def test_the_weekly_review_lists_each_incident_with_its_link_and_what_happened(client, unit, hms):
    long_text = "Innringer truet med å oppsøke saksbehandleren hjemme. " * 6
    incidents = [IncidentFactory(unit=unit), IncidentFactory(unit=unit, description=long_text)]
    client.force_login(hms)
    page = client.get(reverse("hendelser:review", args=[unit.number])).content.decode()
    for incident in incidents:
        assert f'href="{reverse("hendelser:detail", args=[incident.public_id])}"' in page
    assert escape(IncidentFactory.description) in page
    assert long_text[:100] in page and long_text.strip() not in page  # shortened
    assert 'aria-describedby="id_incidents_0_summary"' in page


def test_the_registration_form_shows_each_asys_definition_beside_its_option(client, unit, caseworker):
    client.force_login(caseworker)
    page = client.get(reverse("hendelser:create")).content.decode()
    for index, (code, definition) in enumerate(CATEGORY_DEFINITIONS.items()):
        option = re.search(rf'<input type="radio" name="category" value="{code}"[^>]*>', page).group(0)
        assert f'aria-describedby="id_category_{index}_definition"' in option
        assert f'id="id_category_{index}_definition">{escape(definition)}</span>' in page
    assert page.count('class="aksel-detail category-definition"') == len(Category.values)


def test_the_status_after_reopening_is_under_review():
    # The close button's extra blocker rests on this: a reopened incident is under review, which does not close.
    from hendelser import workflow

    assert not workflow.can(Status.UNDER_REVIEW, Status.CLOSED)
