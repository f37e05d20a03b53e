"""The ROS analysis lifecycle: the allowed transitions, and nothing else."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import AnalysisStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    # Approved by the unit's leader or acting leader.
    S.DRAFT: frozenset({S.APPROVED}),
    # Replaced when the next version of the unit's analysis is approved.
    S.APPROVED: frozenset({S.SUPERSEDED}),
    S.SUPERSEDED: frozenset(),
}


class InvalidTransition(ValidationError):
    def __init__(self, current: str, target: str):
        super().__init__(
            _("An analysis with status «%(current)s» cannot become «%(target)s».")
            % {"current": S(current).label, "target": S(target).label},
            code="invalid_transition",
        )
        self.current, self.target = current, target


def can(current: str, target: str) -> bool:
    return target in TRANSITIONS[current]


def check(current: str, target: str) -> None:
    if not can(current, target):
        raise InvalidTransition(current, target)
