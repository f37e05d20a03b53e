"""police_outcome_update: a closed incident's outcome with the police is updated without reopening it, with
history; every other field of a closed incident stays locked, whichever way it is tried."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from hendelser import selectors, services
from hendelser.models import Category, Incident, PoliceOutcome, Status

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(unit, hms):
    incident = IncidentFactory(
        unit=unit, category=Category.THREAT, status=Status.CLOSED, closed_at=timezone.now(),
        lessons_learned="Vi har innført to i samtale for denne brukeren.", police_reported=True,
        police_reported_on=timezone.localdate(), police_reference="13456789", police_reported_by_unit=True,
    )
    return incident


def test_the_outcome_of_a_closed_incident_is_updated_and_kept_in_its_history(closed, hms, leader):
    services.police_outcome_update(by=hms, incident_id=closed.pk, police_outcome=PoliceOutcome.UNDER_INVESTIGATION)
    services.police_outcome_update(by=leader, incident_id=closed.pk, police_outcome=PoliceOutcome.CHARGED)
    closed.refresh_from_db()
    assert (closed.status, closed.police_outcome, closed.closed_at is not None) == (
        Status.CLOSED, PoliceOutcome.CHARGED, True)
    history = selectors.police_outcome_history(closed)
    assert [change.outcome for change in history] == [PoliceOutcome.UNDER_INVESTIGATION, PoliceOutcome.CHARGED]
    assert [change.by for change in history] == [hms.get_full_name(), leader.get_full_name()]
    assert closed.history.first().history_change_reason == services.POLICE_OUTCOME_CHANGE


def test_only_the_reviewers_update_the_outcome(closed, safety_rep, caseworker):
    for user in (safety_rep, caseworker):
        with pytest.raises(PermissionDenied):
            services.police_outcome_update(by=user, incident_id=closed.pk, police_outcome=PoliceOutcome.DROPPED)
    closed.refresh_from_db()
    assert closed.police_outcome == ""


def test_an_incident_not_reported_has_no_outcome_to_update(unit, hms):
    incident = IncidentFactory(unit=unit, category=Category.VERBAL, status=Status.CLOSED, closed_at=timezone.now(),
                               lessons_learned="Ingen videre tiltak.", police_not_reported_reason="Ikke straffbart.")
    with pytest.raises(ValidationError) as caught:
        services.police_outcome_update(by=hms, incident_id=incident.pk, police_outcome=PoliceOutcome.JUDGMENT)
    assert "police_outcome" in caught.value.error_dict


def test_an_outcome_not_on_the_list_is_refused(closed, hms):
    with pytest.raises(ValidationError) as caught:
        services.police_outcome_update(by=hms, incident_id=closed.pk, police_outcome="x")
    assert "police_outcome" in caught.value.error_dict


def test_the_other_fields_of_a_closed_incident_stay_locked_in_the_service(closed, hms):
    with pytest.raises(PermissionDenied):
        services.incident_update(by=hms, incident_id=closed.pk, police_outcome=PoliceOutcome.DROPPED)
    with pytest.raises(PermissionDenied):
        services.incident_update(by=hms, incident_id=closed.pk, description="x")
    with pytest.raises(TypeError):
        services.police_outcome_update(by=hms, incident_id=closed.pk, police_outcome=PoliceOutcome.DROPPED,
                                       police_reference="x")
    closed.refresh_from_db()
    assert (closed.police_outcome, closed.police_reference) == ("", "13456789")


# -- the pages ---------------------------------------------------------------------------------------------------


def test_the_outcome_page_changes_only_the_outcome(client, closed, hms):
    client.force_login(hms)
    detail = client.get(reverse("hendelser:detail", args=[closed.public_id]))
    url = reverse("hendelser:police_outcome", args=[closed.public_id])
    assert url in detail.content.decode()
    # A second form's fields sent along with the outcome are not read.
    response = client.post(url, {"police_outcome": PoliceOutcome.JUDGMENT, "description": "x",
                                 "police_reference": "x", "category": Category.VERBAL, "status": "under_review"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.police_outcome == PoliceOutcome.JUDGMENT
    assert (closed.description, closed.police_reference, closed.category, closed.status) == (
        IncidentFactory.description, "13456789", Category.THREAT, Status.CLOSED)
    response = client.post(url, {"police_outcome": "sentenced"})
    assert response.status_code == 200 and "police_outcome" in response.context["form"].errors
    page = client.get(reverse("hendelser:detail", args=[closed.public_id])).content.decode()
    assert "Dom" in page and "Utfall hos politiet over tid" in page


def test_the_edit_form_of_a_closed_incident_stays_locked(client, closed, hms):
    client.force_login(hms)
    url = reverse("hendelser:edit", args=[closed.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"police_outcome": PoliceOutcome.DROPPED, "description": "x"}).status_code == 404
    closed.refresh_from_db()
    assert (closed.police_outcome, closed.description) == ("", IncidentFactory.description)


def test_the_outcome_page_is_not_found_for_those_who_do_not_review(client, closed, safety_rep):
    client.force_login(safety_rep)
    url = reverse("hendelser:police_outcome", args=[closed.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"police_outcome": PoliceOutcome.DROPPED}).status_code == 404
    assert Incident.objects.get(pk=closed.pk).police_outcome == ""


def test_the_admin_cannot_change_a_closed_incident(client, closed, superuser):
    client.force_login(superuser)
    url = reverse("admin:hendelser_incident_change", args=[closed.pk])
    response = client.post(url, {"police_outcome": PoliceOutcome.DROPPED, "description": "x"})
    assert response.status_code == 403
    closed.refresh_from_db()
    assert (closed.police_outcome, closed.description) == ("", IncidentFactory.description)
