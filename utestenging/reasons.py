"""Reasons, not placeholders: every text a letter prints as NAV's facts or reasoning is a real sentence.

One rule, one list. :data:`REASONED_FIELDS` says which fields of which model are such texts and of which
kind; the models' ``clean()`` check a text when it is written, the checklist checks every text again before
the case goes to the leader and before signing (older rows were written before this rule), and the form's
as-you-type hint reads the same settings. Pure: no database.
"""

import re
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ASSESSMENT = "assessment"
REASON = "reason"
FACT = "fact"
ANSWER = "answer"

# Which texts are NAV's facts or reasoning, by model label and field. Add a field here and the model's clean(),
# the checklist and the hint all apply the rule to it.
REASONED_FIELDS: dict[str, dict[str, str]] = {
    "utestenging.Decision": {
        "case_informed": ASSESSMENT,
        "risk_of_repetition": ASSESSMENT,
        "clear_need": ASSESSMENT,
        "alternatives": ASSESSMENT,
        "proportionality": ASSESSMENT,
        "other_measures": ASSESSMENT,
        "whole_situation": ASSESSMENT,
        "other_units_views": ASSESSMENT,
        "duration_assessment": ASSESSMENT,
        "extension_assessment": ASSESSMENT,
        "statement_assessment": ASSESSMENT,
        "notice_short_deadline_reason": REASON,
        "notice_not_possible_reason": REASON,
        "no_warning_reason": REASON,
        "lift_reason": REASON,
        "acting_reason_text": REASON,
    },
    "utestenging.Fact": {"description": FACT},
    "utestenging.AlternativeAssessment": {"reason": REASON},
    "utestenging.ServiceComplaint": {"answer_summary": ANSWER},
}

_NOT_A_WORD = re.compile(r"[\W_]+")


def normal(text: str) -> str:
    """The text as compared: lower case, punctuation and spacing gone ("Se over!" and "se  over" are one)."""
    return " ".join(_NOT_A_WORD.sub(" ", str(text or "").lower()).split())


def word_count(text: str) -> int:
    return len(normal(text).split())


def min_words(kind: str) -> int:
    return settings.REASON_MIN_WORDS[kind]


def placeholders() -> frozenset[str]:
    return frozenset(normal(text) for text in settings.REASON_PLACEHOLDERS)


def problem(text: str, kind: str, others: Mapping[str, str] | None = None) -> str:
    """Why the text is not yet a reason ("" when it is one). ``others`` are the other reasoning texts of the
    same decision by their labels: a copy of one of them is no reasoning of its own."""
    if not str(text or "").strip():
        return str(_("Write the reason in full sentences."))
    said = normal(text)
    if not said or said in placeholders():
        return str(_("«%(text)s» is a placeholder, not a reason: write what NAV found and why.")
                   % {"text": str(text).strip()})
    needed = min_words(kind)
    if len(said.split()) < needed:
        return str(_("Write at least %(needed)d words, as a whole sentence (now %(count)d).")
                   % {"needed": needed, "count": len(said.split())})
    for label, other in (others or {}).items():
        if normal(other) == said:
            return str(_("The same text as «%(other)s»: each assessment needs its own reasoning.") % {"other": label})
    return ""


def is_reason(text: str, kind: str, others: Mapping[str, str] | None = None) -> bool:
    return not problem(text, kind, others)


def label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def written_texts(obj) -> dict[str, str]:
    """The object's reasoning texts that are filled in, by field name."""
    fields = REASONED_FIELDS.get(obj._meta.label, {})
    return {name: getattr(obj, name) for name in fields if str(getattr(obj, name) or "").strip()}


def field_errors(obj, *, only_changed: bool = True) -> dict[str, ValidationError]:
    """The reasoning texts of the object that are not real sentences, as errors by field.

    Only texts written since the row was loaded, unless ``only_changed`` is false: a text written before this
    rule is shown to the user by the checklist, and never stops a date-driven save (activation, expiry).
    """
    fields = REASONED_FIELDS.get(obj._meta.label, {})
    texts = written_texts(obj)
    loaded = getattr(obj, "_loaded_values", None)
    errors = {}
    for name, text in texts.items():
        if only_changed and loaded is not None and loaded.get(name) == text:
            continue
        others = {label(obj, other): value for other, value in texts.items() if other != name}
        message = problem(text, fields[name], others)
        if message:
            errors[name] = ValidationError(message, code="not_a_reason")
    return errors


def duplicates(texts: Iterable[tuple[str, str]]) -> dict[str, str]:
    """For texts by label, each label whose text repeats an earlier one, with the label it repeats."""
    seen: dict[str, str] = {}
    repeated = {}
    for text_label, text in texts:
        said = normal(text)
        if not said:
            continue
        if said in seen:
            repeated[text_label] = seen[said]
        else:
            seen[said] = text_label
    return repeated


class RemembersLoadedValues:
    """A model whose clean() checks a text or number when it is written: it keeps the values it was loaded with.

    A row written before a rule existed stays valid as it was until someone changes that value.
    """

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance


def carried_over(obj) -> None:
    """Mark a new row copied from an older one (an extension's facts and channels) as written before: the
    checklist, not clean(), judges what the older row said."""
    obj._loaded_values = {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def hint_settings() -> dict:
    """What the as-you-type hint needs to say what is missing before the form is sent (the server decides)."""
    return {
        "min_words": dict(settings.REASON_MIN_WORDS),
        "placeholders": sorted(placeholders()),
        "messages": {
            "empty": str(_("Write the reason in full sentences.")),
            "placeholder": str(_("«%(text)s» is a placeholder, not a reason: write what NAV found and why.")),
            "short": str(_("Write at least %(needed)d words, as a whole sentence (now %(count)d).")),
            "same": str(_("The same text as «%(other)s»: each assessment needs its own reasoning.")),
            "ok": str(_("Enough words: check that it says what NAV found and why.")),
        },
    }
