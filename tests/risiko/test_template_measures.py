"""The Hordaland template carries the report's measures, linked to the events they address."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from risiko import services
from risiko.models import Analysis, MeasureKind, TemplateMeasure

from .test_rules import RED_EVENTS

pytestmark = pytest.mark.django_db


def test_the_template_has_the_reports_preventive_and_damage_reducing_measures(template):
    measures = list(template.template_measures.prefetch_related("events"))
    kinds = [m.kind for m in measures]
    assert kinds.count(MeasureKind.PREVENTIVE) == 13 and kinds.count(MeasureKind.DAMAGE_REDUCING) == 7
    assert measures[1].description == ("Utarbeide ei felles rutine for handtering av vold og truslar for kontora i "
                                       "Hordaland.")
    assert all(m.events.exists() and {e.analysis_id for e in m.events.all()} == {template.pk} for m in measures)
    # Every red event has at least one of the report's measures to start from.
    addressed = {e.title for m in measures for e in m.events.all()}
    assert addressed >= RED_EVENTS
    phone = template.events.get(title="Truslar på telefon")
    assert "Vurdere system for automatisk opptak av innkomne telefonsamtalar." in {
        m.description for m in phone.template_measures.all()}


def test_a_units_analysis_carries_them_on_its_own_events_and_they_are_no_measure_yet(leader, unit, template,
                                                                                        today):
    analysis = services.analysis_create(by=leader, unit=unit, template=template, title="ROS", analysis_date=today)
    copied = list(analysis.template_measures.prefetch_related("events"))
    assert len(copied) == 20
    assert {e.analysis_id for m in copied for e in m.events.all()} == {analysis.pk}
    assert [m.events.count() for m in copied] == [m.events.count() for m in template.template_measures.all()]
    # A proposal is not a measure: nobody answers for it and it has no due date.
    with pytest.raises(ValidationError) as error:
        services.analysis_approve(by=leader, analysis_id=analysis.pk)
    assert len(error.value.message_dict["red_events"]) == 14
    # The page shows them under the event, marked as from the template.
    from django.test import Client

    client = Client()
    client.force_login(leader)
    phone = analysis.events.get(title="Truslar på telefon")
    page = client.get(reverse("risiko:detail", args=[analysis.pk])).content.decode()
    row = page[page.index(f'id="hendelse-{phone.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "Tiltak malen foreslår" in row and "automatisk opptak" in row and "fra malen" in row


def test_a_measure_list_naming_an_unknown_event_is_refused_whole(leader, unit, hordaland_data):
    data = hordaland_data | {"measures": [{"kind": "preventive", "description": "Vakt", "events": ["Ukjent"]}]}
    with pytest.raises(ValidationError, match="no event is called «Ukjent»"):
        services.analysis_import(by=None, data=data, unit=None, as_template=True)
    data["measures"] = [{"kind": "preventive", "description": " ", "events": ["Spytte"]}]
    with pytest.raises(ValidationError, match="Measure 1 of the list"):
        services.analysis_import(by=None, data=data, unit=None, as_template=True)
    assert not Analysis.objects.exists() and not TemplateMeasure.objects.exists()
