"""Where each checklist item is put right: the step of the edit pages and the field (its id) it is about."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()

# Checklist key -> (edit step, or "forhandsvarsel" for the notice page; the id of the field or fieldset).
# A key missing here has no single place to fix it, and its item is shown without a link.
FIX_AT: dict[str, tuple[str, str]] = {
    "grounds": ("grunnlag", "id_grounds"),
    "facts": ("grunnlag", "facts"),
    "digital_channels": ("grunnlag", "id_digital_channels"),
    "warning": ("grunnlag", "id_no_warning_reason"),
    **{key: ("vurderinger", f"id_{key}") for key in (
        "case_informed", "risk_of_repetition", "clear_need", "proportionality", "other_measures", "whole_situation",
        "other_units_views", "extension_assessment", "statement_assessment")},
    "alternatives": ("vurderinger", "alternatives"),
    "extension_own_assessment": ("vurderinger", "id_risk_of_repetition"),
    "channels": ("omfang", "channels"),
    "channels_open": ("omfang", "channels"),
    "contact_phone": ("omfang", "id_contact_person"),
    "responsible_leader": ("omfang", "id_responsible_leader"),
    "notice": ("forhandsvarsel", ""),
    "notice_covers": ("forhandsvarsel", ""),
    "period": ("periode", "id_valid_from"),
    "duration_assessment": ("periode", "id_duration_assessment"),
}


@register.simple_tag
def fix_link(decision, item, may_fix) -> dict | None:
    """Where a missing item is put right, as a link and the place's name; None when the item is done, the user
    may not change the case, or it has no single place."""
    if item.done or not may_fix or item.key not in FIX_AT:
        return None
    from ..views import STEPS  # late: the views module loads the forms, which a template tag need not

    step, anchor = FIX_AT[item.key]
    if step == "forhandsvarsel":
        url, place = reverse("utestenging:notice", args=[decision.public_id]), _("Advance notice")
    else:
        names = [name for name, _label in STEPS]
        url = reverse("utestenging:edit", args=[decision.public_id, step])
        place = _("step %(number)s, %(step)s") % {"number": names.index(step) + 1, "step": STEPS[names.index(step)][1]}
    return {"url": f"{url}#{anchor}" if anchor else url, "place": place}
