"""What every lifecycle shares: a table of allowed transitions, and the one check its services call."""

from django.core.exceptions import ValidationError


class InvalidTransition(ValidationError):
    """A status change the lifecycle's table does not allow."""

    def __init__(self, message: str, current: str, target: str):
        super().__init__(message, code="invalid_transition")
        self.current, self.target = current, target


class Lifecycle:
    """One lifecycle: its transitions (status → the statuses it may become) and the refusal's wording, which
    takes ``%(current)s`` and ``%(target)s`` as the statuses' labels."""

    def __init__(self, transitions: dict[str, frozenset[str]], statuses, refusal):
        self.transitions, self.statuses, self.refusal = transitions, statuses, refusal

    def can(self, current: str, target: str) -> bool:
        return target in self.transitions[current]

    def check(self, current: str, target: str) -> None:
        if not self.can(current, target):
            labels = {"current": self.statuses(current).label, "target": self.statuses(target).label}
            raise InvalidTransition(self.refusal % labels, current, target)
