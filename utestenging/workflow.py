"""The decision lifecycle: the allowed transitions, and nothing else."""

from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core.workflow import InvalidTransition, Lifecycle

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


LIFECYCLE = Lifecycle(TRANSITIONS, S, _("A decision with status «%(current)s» cannot become «%(target)s»."))
can, check = LIFECYCLE.can, LIFECYCLE.check

# InvalidTransition is the core one, named here for the services and tests of this lifecycle.
__all__ = ["LIFECYCLE", "TRANSITIONS", "InvalidTransition", "can", "check"]
