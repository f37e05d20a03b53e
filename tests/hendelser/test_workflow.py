"""Every (from, to) pair of the incident lifecycle, allowed or refused."""

import itertools

import pytest

from hendelser import workflow
from hendelser.models import Status as S

ALLOWED = {
    (S.REGISTERED, S.UNDER_REVIEW),
    (S.UNDER_REVIEW, S.MEASURES_DECIDED),
    (S.MEASURES_DECIDED, S.UNDER_REVIEW),
    (S.MEASURES_DECIDED, S.CLOSED),
    (S.CLOSED, S.UNDER_REVIEW),
}


def test_every_status_has_a_row():
    assert set(workflow.TRANSITIONS) == set(S)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_transition(current, target):
    if (current, target) in ALLOWED:
        assert workflow.can(current, target)
        workflow.check(current, target)
    else:
        assert not workflow.can(current, target)
        with pytest.raises(workflow.InvalidTransition) as caught:
            workflow.check(current, target)
        assert caught.value.current == current and caught.value.target == target
