"""The incident lifecycle: the allowed transitions, and nothing else."""

from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core.workflow import InvalidTransition, Lifecycle

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


LIFECYCLE = Lifecycle(TRANSITIONS, S, _("An incident with status «%(current)s» cannot become «%(target)s»."))
can, check = LIFECYCLE.can, LIFECYCLE.check

# InvalidTransition is the core one, named here for the services and tests of this lifecycle.
__all__ = ["LIFECYCLE", "TRANSITIONS", "InvalidTransition", "can", "check"]
