import itertools

import pytest

from risiko import workflow
from risiko.models import AnalysisStatus as S

ALLOWED = {(S.DRAFT, S.APPROVED), (S.APPROVED, S.SUPERSEDED)}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S.values, S.values)))
def test_every_pair_of_statuses(current, target):
    assert workflow.can(current, target) == ((current, target) in ALLOWED)
    if (current, target) in ALLOWED:
        workflow.check(current, target)
    else:
        with pytest.raises(workflow.InvalidTransition):
            workflow.check(current, target)
