"""Issue 18: a measure's period beyond its kind's maximum is refused on every path, not only the edit page.

The rule lives in Decision.clean() (KIND_RULES' max_days); these tests try to get around it: the edit page, the
service with a placeholder text, an extension, the admin (add, change, "revert" to an old version, its action) and
the API. Each is refused and nothing is stored.
"""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from nav_sikkerhet.core import services as core_services
from utestenging import services
from utestenging.models import KIND_RULES, Decision, DigitalChannel, Kind, Status

from .factories import ASSESSMENTS, FactFactory, signed_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
LADDER = [Kind.TOAN, Kind.DIUS, Kind.REGULATED_APPOINTMENTS, Kind.CHANGE_OF_CASEWORKER, Kind.PROTECTIVE_MEASURES]


def _too_long_end(kind, start):
    """One day past the longest period the kind allows."""
    return start + KIND_RULES[kind].max_days * DAY


@pytest.fixture
def toan(unit, citizen, caseworker, leader, today):
    """Two staff in every meeting, in force for 28 days."""
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, kind=Kind.TOAN,
                               valid_from=today)
    decision.covered_units.set([unit])
    return decision


@pytest.mark.parametrize("kind", LADDER)
def test_the_edit_page_refuses_a_period_past_the_kinds_maximum_with_a_message(client, unit, citizen, caseworker,
                                                                            today, kind):
    draft = services.decision_create(by=caseworker, citizen=citizen, unit=unit, kind=kind)
    client.force_login(caseworker)
    url = reverse("utestenging:edit", args=[draft.public_id, "periode"])
    response = client.post(url, {
        "valid_from": today.strftime("%d.%m.%Y"), "valid_to": _too_long_end(kind, today).strftime("%d.%m.%Y"),
        "duration_assessment": ASSESSMENTS["duration_assessment"], "letter_language": "nb", "save": "1",
    })
    assert response.status_code == 200
    assert "valid_to" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.valid_to is None


@pytest.mark.parametrize("kind", LADDER)
def test_one_day_within_the_maximum_is_allowed_and_one_past_it_is_not(unit, citizen, caseworker, today, kind):
    draft = services.decision_create(by=caseworker, citizen=citizen, unit=unit, kind=kind)
    last_allowed = _too_long_end(kind, today) - DAY
    services.decision_update(by=caseworker, decision_id=draft.pk, valid_from=today, valid_to=last_allowed)
    with pytest.raises(ValidationError) as error:
        services.decision_update(by=caseworker, decision_id=draft.pk, valid_from=today,
                                 valid_to=_too_long_end(kind, today), duration_assessment="x")
    assert "valid_to" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.valid_to == last_allowed


def test_the_message_gives_the_kinds_own_maximum_and_last_day(unit, citizen, caseworker, today):
    draft = services.decision_create(by=caseworker, citizen=citizen, unit=unit, kind=Kind.CHANGE_OF_CASEWORKER)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.decision_update(by=caseworker, decision_id=draft.pk, valid_from=today,
                                 valid_to=_too_long_end(Kind.CHANGE_OF_CASEWORKER, today))
    message = " ".join(error.value.message_dict["valid_to"])
    last = (today + 363 * DAY).strftime("%d.%m.%Y")
    with translation.override("en"):
        expected = gettext(
            "The period may be at most %(weeks)s weeks: the last day can be no later than %(last)s."
        ) % {"weeks": 52, "last": last}
    assert message == expected


def test_an_extension_of_a_measure_gets_the_same_maximum(unit, citizen, caseworker, leader, today):
    ending = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, kind=Kind.TOAN,
                             valid_from=today - 20 * DAY)  # its last 21 days have begun: it may be extended
    extension = services.decision_start_extension(by=caseworker, decision_id=ending.pk)
    start = ending.valid_to + DAY
    with pytest.raises(ValidationError) as error:
        services.decision_update(by=caseworker, decision_id=extension.pk, valid_from=start,
                                 valid_to=_too_long_end(Kind.TOAN, start))
    assert "valid_to" in error.value.message_dict


def test_a_digital_restriction_is_not_a_way_round_the_exclusions_twelve_weeks(unit, citizen, caseworker, today):
    draft = services.decision_create(by=caseworker, citizen=citizen, unit=unit, kind=Kind.DIUS)
    FactFactory(decision=draft)
    with pytest.raises(ValidationError):
        services.decision_update(by=caseworker, decision_id=draft.pk, valid_from=today, valid_to=today + 84 * DAY,
                                 digital_channels=[DigitalChannel.CHAT])


# -- the admin: it reads measures; it never registers or changes one -------------------------------------------


@pytest.fixture
def admin(client, superuser):
    client.force_login(superuser)
    return client


def _admin_form(decision, valid_to) -> dict:
    return {"kind": decision.kind, "status": decision.status, "unit": decision.unit_id,
            "citizen": decision.citizen_id, "valid_from": decision.valid_from.isoformat(),
            "valid_to": valid_to.isoformat(), "created_by": decision.created_by_id}


def test_the_admin_cannot_register_a_measure(admin, toan):
    count = Decision.objects.count()
    assert admin.get(reverse("admin:utestenging_decision_add")).status_code == 403
    response = admin.post(reverse("admin:utestenging_decision_add"),
                          _admin_form(toan, _too_long_end(Kind.TOAN, toan.valid_from)))
    assert response.status_code == 403
    assert Decision.objects.count() == count


def test_the_admin_cannot_lengthen_a_measure_past_its_maximum(admin, toan):
    before = toan.valid_to
    response = admin.post(reverse("admin:utestenging_decision_change", args=[toan.pk]),
                          _admin_form(toan, _too_long_end(Kind.TOAN, toan.valid_from)))
    assert response.status_code == 403
    toan.refresh_from_db()
    assert toan.valid_to == before


def test_the_admin_cannot_revert_a_measure_to_an_old_version(admin, toan):
    # An old version with a period past the maximum, as if someone had written it straight to the table.
    Decision.objects.filter(pk=toan.pk).update(valid_to=_too_long_end(Kind.TOAN, toan.valid_from))
    toan.refresh_from_db()
    toan.save()  # a history row holding the too-long period
    record = toan.history.order_by("-history_date").first()
    Decision.objects.filter(pk=toan.pk).update(valid_to=toan.valid_from + 27 * DAY)
    url = reverse("admin:utestenging_decision_simple_history", args=[toan.pk, record.history_id])
    response = admin.post(url, _admin_form(toan, record.valid_to))
    assert response.status_code in (403, 405)
    toan.refresh_from_db()
    assert toan.valid_to == toan.valid_from + 27 * DAY


def test_the_admins_status_action_does_not_touch_the_period(admin, toan):
    before = (toan.valid_from, toan.valid_to)
    response = admin.post(reverse("admin:utestenging_decision_changelist"),
                          {"action": "refresh_status", "_selected_action": [toan.pk]})
    assert response.status_code == 302
    toan.refresh_from_db()
    assert (toan.valid_from, toan.valid_to, toan.status) == (*before, Status.ACTIVE)


# -- the API: it answers what is in force; it registers nothing ------------------------------------------------


@pytest.fixture
def api_key():
    _, key = core_services.api_key_create(system="modia")
    return key


def test_the_api_ignores_a_period_sent_with_the_question_and_stores_nothing(client, api_key, toan):
    count, before = Decision.objects.count(), toan.valid_to
    body = {"personident": toan.citizen.personident, "tiltakstype": "TOAN",
            "gyldigFraOgMed": toan.valid_from.isoformat(),
            "gyldigTilOgMed": _too_long_end(Kind.TOAN, toan.valid_from).isoformat()}
    response = client.post("/api/v1/sikkerhetstiltak", data=json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {api_key}")
    assert response.status_code in (200, 400, 422)
    if response.status_code == 200:
        # Only what is in force, as it is stored.
        periods = {(m["tiltakstype"], m["gyldigTilOgMed"]) for m in response.json()["sikkerhetstiltak"]}
        assert periods == {("TOAN", before.isoformat())}
    toan.refresh_from_db()
    assert (Decision.objects.count(), toan.valid_to) == (count, before)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_api_has_no_way_to_write_a_measure(client, api_key, toan, method):
    body = json.dumps({"personident": toan.citizen.personident, "tiltakstype": "TOAN",
                       "gyldigTilOgMed": _too_long_end(Kind.TOAN, toan.valid_from).isoformat()})
    response = getattr(client, method)("/api/v1/sikkerhetstiltak", data=body, content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Bearer {api_key}")
    assert response.status_code == 405
    toan.refresh_from_db()
    assert toan.valid_to == toan.valid_from + 27 * DAY
