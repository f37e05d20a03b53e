"""The incident lifecycle: the allowed transitions, and nothing else."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Status as S

TRANSITIONS: dict[str, frozenset[str]] = {
    # Reviewed at the unit's weekly meeting.
    S.REGISTERED: frozenset({S.UNDER_REVIEW}),
    S.UNDER_REVIEW: frozenset({S.MEASURES_DECIDED}),
    # Back to review when more must be decided; closed with what was learned.
    S.MEASURES_DECIDED: frozenset({S.UNDER_REVIEW, S.CLOSED}),
    # Reopened when something new comes to light.
    S.CLOSED: frozenset({S.UNDER_REVIEW}),
}


class InvalidTransition(ValidationError):
    def __init__(self, current: str, target: str):
        super().__init__(
            _("An incident with status «%(current)s» cannot become «%(target)s».")
            % {"current": S(current).label, "target": S(target).label},
            code="invalid_transition",
        )
        self.current, self.target = current, target


def can(current: str, target: str) -> bool:
    return target in TRANSITIONS[current]


def check(current: str, target: str) -> None:
    if not can(current, target):
        raise InvalidTransition(current, target)
