"""The demo's social-media story holds on any date: NAV Årstad's twelve social-media incidents of the last year
mark the event «Truslar via sosiale media mot NAV-tilsett» as under-estimated, and nothing else adds to them."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from risiko import selectors
from risiko.models import Analysis, AnalysisStatus

pytestmark = pytest.mark.django_db

EVENT = "Truslar via sosiale media mot NAV-tilsett"


@pytest.mark.parametrize("day", ["2027-01-01 10:00", "2026-12-31 10:00"])
def test_the_social_media_story_holds_on_the_first_and_the_last_day_of_a_year(settings, day):
    settings.ALLOW_TEST_IDENTS = True
    with freeze_time(day, tick=True):
        call_command("demo_data", "--no-sweep", stdout=io.StringIO())
        analysis = Analysis.objects.get(unit__number="1203", status=AnalysisStatus.APPROVED)
        rows = {row.event.title: row for row in selectors.underestimated_events(analysis, timezone.localdate())}
    assert rows[EVENT].incident_count == 12
    assert (rows[EVENT].suggestion.level, rows[EVENT].suggestion.threshold) == (3, 12)
