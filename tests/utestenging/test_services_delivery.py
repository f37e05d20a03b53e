"""decision_record_delivery: the written decision actually sent or handed over (§6), once, after signing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from utestenging import services
from utestenging.models import EventKind, Status, WrittenDelivery

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _record(decision, by, day, how=WrittenDelivery.HANDED_OVER):
    return services.decision_record_delivery(by=by, decision_id=decision.pk, delivered_on=day, how=how)


def test_delivery_is_recorded_on_the_decision_and_the_timeline(active, caseworker, today, assert_recorded):
    decision = _record(active, caseworker, today)
    assert (decision.delivered_on, decision.delivered_how) == (today, WrittenDelivery.HANDED_OVER)
    assert_recorded(decision, EventKind.DELIVERED, caseworker)


def test_a_late_delivery_is_recorded_as_late(active, caseworker, today):
    # The period started today: by post, the letter should have gone three working days before.
    decision = _record(active, caseworker, today, how=WrittenDelivery.POST)
    event = decision.events.get(kind=EventKind.DELIVERED)
    assert event.text.startswith(f"{WrittenDelivery.POST.label}, {today:%d.%m.%Y}: ")


def test_a_delivery_in_time_is_recorded_without_remark(active, caseworker, today):
    event = _record(active, caseworker, today).events.get(kind=EventKind.DELIVERED)
    assert event.text == f"{WrittenDelivery.HANDED_OVER.label}, {today:%d.%m.%Y}"


@pytest.mark.parametrize("offset", [-1, 1])
def test_delivery_cannot_be_before_signing_or_in_the_future(active, caseworker, today, offset):
    with pytest.raises(ValidationError) as error:
        _record(active, caseworker, today + offset * DAY)
    assert "delivered_on" in error.value.message_dict


def test_delivery_is_recorded_once(active, caseworker, today):
    _record(active, caseworker, today)
    with pytest.raises(ValidationError) as error:
        _record(active, caseworker, today)
    assert error.value.code == "delivered"


def test_delivery_is_recorded_only_after_signing(ready, caseworker, today):
    with pytest.raises(ValidationError) as error:
        _record(ready, caseworker, today)
    assert error.value.code == "not_signed"
    ready.refresh_from_db()
    assert (ready.status, ready.delivered_on) == (Status.READY, None)


def test_reception_may_not_record_delivery(active, reception, today):
    with pytest.raises(PermissionDenied):
        _record(active, reception, today)


def test_the_page_records_delivery_and_shows_errors_on_the_field(client, active, caseworker, today):
    client.force_login(caseworker)
    url = reverse("utestenging:delivery", args=[active.public_id])
    response = client.post(url, {"delivered_on": (today + DAY).isoformat(), "how": WrittenDelivery.DIGITAL})
    assert response.status_code == 200 and "delivered_on" in response.context["form"].errors
    response = client.post(url, {"delivered_on": today.isoformat(), "how": WrittenDelivery.DIGITAL})
    assert response.status_code == 302
    active.refresh_from_db()
    assert active.delivered_how == WrittenDelivery.DIGITAL
