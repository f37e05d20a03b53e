"""The right-of-access section of the incidents app: incidents registered about the citizen, and their warnings.

Staff who were exposed, witnesses and their follow-up are other people's data and are left out.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from nav_sikkerhet.core import citizen_data
from nav_sikkerhet.core.access import InnsynScope
from nav_sikkerhet.core.citizen_data import Section, label
from nav_sikkerhet.core.models import Citizen

from .models import CitizenWarning, Incident, Measure, WarningLetter

INCIDENT_FIELDS = ["occurred_at", "unit", "channel", "category", "other_categories", "description", "injury",
                   "police_reported", "police_reported_on", "status", "lessons_learned"]


def _labels() -> dict[str, str]:
    labels = {name: label(Incident, name) for name in INCIDENT_FIELDS}
    labels.update(
        reference=_("reference"),
        measures=str(Measure._meta.verbose_name_plural),
        measure=label(Measure, "kind"),
        decided_on=label(Measure, "decided_on"),
        details=label(Measure, "description"),
        warnings=str(CitizenWarning._meta.verbose_name_plural),
        given_on=label(CitizenWarning, "given_on"),
        form=label(CitizenWarning, "form"),
        note=label(CitizenWarning, "note"),
        given_by=label(CitizenWarning, "given_by"),
        letter_sha256=label(WarningLetter, "sha256"),
    )
    return labels


def incidents_section(citizen: Citizen, scope: InnsynScope) -> Section:
    """The citizen's incidents in the scope's units, and the warnings given (those of the scope's units)."""
    incidents = Incident.objects.filter(citizen=citizen)
    if not scope.complete:
        incidents = incidents.filter(unit_id__in=scope.unit_ids)
    incidents = (
        incidents.select_related("unit").prefetch_related("measures")
        .order_by("occurred_at", "pk")
    )
    items = [
        {
            "reference": incident.reference,
            "occurred_at": timezone.localtime(incident.occurred_at),
            "unit": str(incident.unit),
            "channel": incident.get_channel_display(),
            "category": incident.get_category_display(),
            "other_categories": incident.other_category_labels(),
            "description": incident.description,
            "injury": incident.get_injury_display(),
            "police_reported": incident.police_reported,
            "police_reported_on": incident.police_reported_on,
            "status": incident.get_status_display(),
            "lessons_learned": incident.lessons_learned,
            "measures": [
                {"measure": m.get_kind_display(), "decided_on": m.decided_on, "details": m.description}
                for m in incident.measures.all()
            ],
        }
        for incident in incidents
    ]
    warnings = CitizenWarning.objects.filter(citizen=citizen)
    if not scope.complete:
        warnings = warnings.filter(unit_id__in=scope.unit_ids)
    warnings = warnings.select_related("letter").order_by("given_on", "pk")
    if warnings:
        items.append({
            "warnings": [{"given_on": w.given_on, "form": w.get_form_display(), "given_by": w.given_by, "note": w.note,
                          "letter_sha256": getattr(getattr(w, "letter", None), "sha256", "")}
                         for w in warnings]
        })
    return Section(_("Incidents and warnings"), items, _labels())


def register() -> None:
    citizen_data.register(incidents_section)
