"""The guideline's own words, shown as help beside each criterion in the step-by-step form.

Each text paraphrases NAV's guideline for exclusion decisions; the Norwegian catalogues
carry the guideline's wording.
"""

from django.utils.translation import gettext_lazy as _

GUIDANCE = {
    "kind": _(
        "§1 and §9: Exclusion is not a punishment. It protects staff and other visitors. A phone restriction "
        "means calls from the citizen are turned away and the citizen is referred to other contact points."
    ),
    "grounds": _(
        "§3: Exclusion is a very serious reaction, used only when the person acts in a grave way with "
        "violent or threatening behaviour, harassment, or serious damage to NAV's premises. §9.1: a phone "
        "restriction needs threats of violence, gross harassment, or systematic gross phone harassment "
        "whose frequency keeps the unit from working properly."
    ),
    "facts": _(
        "§3: The decision must rest on concrete, actual incidents: one serious incident, or repeated "
        "incidents after the citizen was warned (preferably in writing)."
    ),
    "warnings": _(
        "§3: Where the decision rests on repeated incidents, the citizen must have been warned, "
        "preferably in writing, that repetition may lead to exclusion."
    ),
    "case_informed": _("§3: The case must be sufficiently informed before the decision is made."),
    "risk_of_repetition": _("§3: There must be indications of a risk of repetition."),
    "clear_need": _("§3: There must be a clear need for the measure."),
    "alternatives": _(
        "§3: Alternative reactions must always be considered and, if possible, tried: asking the "
        "person to leave at once, an oral or written warning, two staff in meetings, regulated "
        "appointments, change of caseworker, protective measures in the premises. For each one, say whether it "
        "was tried (when, or which registered warning), would not be enough, or is not relevant, and why."
    ),
    "proportionality": _("§3: There must be proportionality between the acts committed and the reaction."),
    "other_measures": _("§4: Check whether the citizen has other security measures, and weigh them."),
    "whole_situation": _(
        "§4: Balance the whole of the citizen's situation, including their right to speak to the "
        "office handling their case (forvaltningsloven § 11 d)."
    ),
    "other_units_views": _(
        "§9.2: For a phone restriction, gather as far as possible the views of other units the "
        "citizen is in contact with (e.g. their NAV office)."
    ),
    "scope": _(
        "§4: As a rule the decision covers only this unit. In municipalities with several NAV offices it may "
        "cover several or all of them, and likewise the units of one result area; coordinate so that the "
        "citizen always keeps an alternative service and communication channel."
    ),
    "channels": _(
        "§5: An alternative service must always be given so the citizen keeps their rights: written "
        "communication, phone contact with a named person (often a leader), a proxy, or meetings at a "
        "suitable place outside the office."
    ),
    "period": _(
        "§5 and §9.3: Always time-limited, set case by case, at most 12 weeks. The length depends on the "
        "threat picture, the risk of repetition and the background."
    ),
    "extension_assessment": _(
        "§5: Before an extension, in reasonable time before expiry, make a concrete written "
        "assessment of whether there are still indications of a risk of repetition. Each "
        "extension is a new decision of at most 12 weeks."
    ),
    "notice": _(
        "§4: Whenever possible, the citizen gets advance notice and a chance to give their view before the "
        "decision is made."
    ),
    "sign": _(
        "§4: Only the head of the unit decides. §6: The decision is written and reasoned; the citizen must be "
        "told in a way that ensures they understand, orally as well as in writing where needed. It is an "
        "administrative decision without appeal under forvaltningsloven; the citizen may send a service "
        "complaint via nav.no."
    ),
    "delivery": _(
        "§6: The citizen has the written decision no later than the first day of the period: handed over, in "
        "the digital mailbox, or posted early enough to arrive. If they were told orally first, the written "
        "decision follows within a few working days. Record here when it actually went."
    ),
    "registrations": _(
        "§7: Register the flag in Gosys, store the decision and case documents in the "
        "administrative archive, and register the incident and measure in both ASYS and the "
        "municipal deviation system."
    ),
}
