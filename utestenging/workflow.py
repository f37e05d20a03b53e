"""The decision lifecycle: the allowed transitions, and nothing else."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Status as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.NOTICE_SENT, S.READY, S.DROPPED}),
    S.NOTICE_SENT: frozenset({S.READY, S.DRAFT, S.DROPPED}),
    S.READY: frozenset({S.SIGNED, S.DRAFT, S.DROPPED}),
    S.SIGNED: frozenset({S.ACTIVE, S.LIFTED}),
    S.ACTIVE: frozenset({S.EXPIRED, S.LIFTED}),
    S.EXPIRED: frozenset(),
    S.LIFTED: frozenset(),
    S.DROPPED: frozenset(),
}


class InvalidTransition(ValidationError):
    def __init__(self, current: str, target: str):
        super().__init__(
            _("A decision with status «%(current)s» cannot become «%(target)s».")
            % {"current": S(current).label, "target": S(target).label},
            code="invalid_transition",
        )
        self.current, self.target = current, target


def can(current: str, target: str) -> bool:
    return target in TRANSITIONS[current]


def check(current: str, target: str) -> None:
    if not can(current, target):
        raise InvalidTransition(current, target)
