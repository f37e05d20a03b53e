"""The ROS analysis lifecycle: the allowed transitions, and nothing else."""

from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core.workflow import InvalidTransition, Lifecycle

from .models import AnalysisStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    # Approved by the unit's leader or acting leader.
    S.DRAFT: frozenset({S.APPROVED}),
    # Replaced when the next version of the unit's analysis is approved.
    S.APPROVED: frozenset({S.SUPERSEDED}),
    S.SUPERSEDED: frozenset(),
}


LIFECYCLE = Lifecycle(TRANSITIONS, S, _("An analysis with status «%(current)s» cannot become «%(target)s»."))
can, check = LIFECYCLE.can, LIFECYCLE.check

# InvalidTransition is the core one, named here for the services and tests of this lifecycle.
__all__ = ["LIFECYCLE", "TRANSITIONS", "InvalidTransition", "can", "check"]
