"""Timeline lines are stored in bokmål whatever language the acting staff member uses, like the audit log."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext

from utestenging import services
from utestenging.models import ActingReason, DecisionEvent, EventKind

from .factories import FactFactory

pytestmark = pytest.mark.django_db


def test_notice_deadline_line_is_stored_in_bokmal_for_an_english_user(draft, caseworker, today):
    draft.grounds, draft.valid_from, draft.valid_to = ["threats"], today, today + datetime.timedelta(days=20)
    draft.save()
    FactFactory(decision=draft)
    deadline = today + datetime.timedelta(days=14)
    with translation.override("en"):
        services.decision_send_notice(by=caseworker, decision_id=draft.pk, sent_on=today, method="letter",
                                      deadline=deadline)
    event = DecisionEvent.objects.get(decision=draft, kind=EventKind.NOTICE_SENT)
    with translation.override("nb"):
        expected = gettext("Deadline for the citizen's statement: %(date)s") % {"date": deadline.strftime("%d.%m.%Y")}
    assert event.text == expected
    assert "Deadline" not in event.text


def test_the_acting_heads_reason_is_stored_in_bokmal_for_an_english_signer(ready, acting_leader):
    with translation.override("en"):
        decision = services.decision_sign(by=acting_leader, decision_id=ready.pk, written_delivery="handed_over",
                                          acting_reason=ActingReason.HEAD_ABSENT)
    event = DecisionEvent.objects.get(decision=decision, kind=EventKind.SIGNED)
    with translation.override("nb"):
        assert str(ActingReason.HEAD_ABSENT.label) in event.text
    assert "absent" not in event.text
