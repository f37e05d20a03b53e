"""Builders shared by the look-up, breach and API tests."""

import datetime

from django.utils import timezone

from nav_sikkerhet.core.models import UnitType
from utestenging.models import Status

from ..factories import UnitFactory
from .factories import signed_decision

DAY = datetime.timedelta(days=1)
# The instruction reception must read, word for word, in bokmål.
RECEPTION_INSTRUCTION_NB = "Be personen forlate lokalet. Nekter personen, ring politiet."
NO_MEASURES_NB = "Ingen aktive sikkerhetstiltak"


def measure(*, unit, citizen, signed_by, covered=None, kind="FYUS", status=Status.ACTIVE, valid_from=None, days=28,
            **kwargs):
    """A signed decision covering ``covered`` (the deciding unit by default), written directly."""
    today = timezone.localdate()
    valid_from = valid_from or today
    decision = signed_decision(
        unit=unit,
        citizen=citizen,
        created_by=signed_by,
        signed_by=signed_by,
        kind=kind,
        status=status,
        valid_from=valid_from,
        days=days,
        signed_on=min(valid_from, today),
        **kwargs,
    )
    decision.covered_units.set(covered if covered is not None else [unit])
    return decision


def contact_centre(**kwargs):
    defaults = {
        "number": "4153",
        "name": "NAV Kontaktsenter Oslo",
        "unit_type": UnitType.KONTAKTSENTER,
        "result_area": "NAV Kontaktsenter",
    }
    return UnitFactory(**{**defaults, **kwargs})
