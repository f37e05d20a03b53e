"""The lifecycle table, pair by pair. No database."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from utestenging import workflow
from utestenging.models import Status as S
from utestenging.workflow import TRANSITIONS, InvalidTransition

# The lifecycle as the guideline and the issue describe it, written out here on purpose:
# a change to workflow.TRANSITIONS must be a conscious change to this list too.
EXPECTED = {
    (S.DRAFT, S.NOTICE_SENT),
    (S.DRAFT, S.READY),
    (S.DRAFT, S.DROPPED),
    (S.NOTICE_SENT, S.READY),
    (S.NOTICE_SENT, S.DRAFT),
    (S.NOTICE_SENT, S.DROPPED),
    (S.READY, S.SIGNED),
    (S.READY, S.DRAFT),
    (S.READY, S.DROPPED),
    (S.SIGNED, S.ACTIVE),
    (S.SIGNED, S.LIFTED),
    (S.ACTIVE, S.EXPIRED),
    (S.ACTIVE, S.LIFTED),
}
PAIRS = [(current, target) for current in S for target in S]
ALLOWED = [pair for pair in PAIRS if pair in EXPECTED]
REFUSED = [pair for pair in PAIRS if pair not in EXPECTED]


def _id(pair):
    return f"{pair[0].value}->{pair[1].value}"


def test_every_pair_of_statuses_is_either_allowed_or_refused():
    assert len(ALLOWED) + len(REFUSED) == len(S) ** 2
    assert len(ALLOWED) == len(EXPECTED)


@pytest.mark.parametrize("pair", ALLOWED, ids=_id)
def test_allowed_transition_passes(pair):
    current, target = pair
    assert workflow.can(current, target)
    assert workflow.check(current, target) is None


@pytest.mark.parametrize("pair", REFUSED, ids=_id)
def test_refused_transition_raises_invalid_transition(pair):
    current, target = pair
    assert not workflow.can(current, target)
    with pytest.raises(InvalidTransition) as info:
        workflow.check(current, target)
    assert info.value.code == "invalid_transition"
    assert (info.value.current, info.value.target) == (current, target)


def test_transitions_table_covers_every_status():
    assert set(TRANSITIONS) == set(S)
    assert all(set(targets) <= set(S) for targets in TRANSITIONS.values())


def test_transitions_table_is_exactly_the_expected_lifecycle():
    table = {(current, target) for current, targets in TRANSITIONS.items() for target in targets}
    assert table == EXPECTED


@pytest.mark.parametrize("final", [S.EXPIRED, S.LIFTED, S.DROPPED], ids=lambda s: s.value)
def test_closed_statuses_lead_nowhere(final):
    assert TRANSITIONS[final] == frozenset()


@pytest.mark.parametrize("decided", [S.SIGNED, S.ACTIVE], ids=lambda s: s.value)
def test_a_signed_decision_never_goes_back_to_preparation(decided):
    for target in (S.DRAFT, S.NOTICE_SENT, S.READY, S.DROPPED):
        assert not workflow.can(decided, target)


def test_refusal_message_names_both_statuses_in_bokmal():
    with translation.override("nb"):
        with pytest.raises(InvalidTransition) as info:
            workflow.check(S.ACTIVE, S.DRAFT)
        expected = gettext("A decision with status «%(current)s» cannot become «%(target)s».") % {
            "current": gettext("Active"),
            "target": gettext("Draft"),
        }
    assert info.value.messages == [expected]
    assert "«" in expected and expected != "A decision with status «Active» cannot become «Draft»."
