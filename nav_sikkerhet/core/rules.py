"""Pure rules of the shared core: no ORM writes, no request."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A name search must name the person, not sweep the register: two letters of the first and of the last name.
NAME_PART_MIN_LETTERS = 2


def words(text: str) -> list[str]:
    """The text's words in lower case, punctuation gone ("Se over!" and "se  over" are the same two words)."""
    return re.findall(r"[^\W_]+", str(text or "").lower())


def is_placeholder(text: str) -> bool:
    """Empty, or one of the settings' texts that are never a reason (REASON_PLACEHOLDERS), however spelled."""
    said = " ".join(words(text))
    return not said or said in {" ".join(words(placeholder)) for placeholder in settings.REASON_PLACEHOLDERS}


def _letters(word: str) -> int:
    return sum(character.isalpha() for character in word)


def check_name_search(*, name: str, birth_date: datetime.date | None) -> str:
    """The typed name, normalised, if it may be searched for; else ValidationError keyed by field.

    The rule of every search by name: at least two letters of both the first and the last name, and the
    full date of birth (a date, not in the future).
    """
    words = (name or "").split()
    errors = {}
    if len(words) < 2 or _letters(words[0]) < NAME_PART_MIN_LETTERS or _letters(words[-1]) < NAME_PART_MIN_LETTERS:
        errors["name"] = ValidationError(
            _("Type at least two letters of both the first and the last name."), code="name_parts"
        )
    if birth_date is None:
        errors["birth_date"] = ValidationError(_("Give the full date of birth."), code="birth_date")
    elif birth_date > timezone.localdate():
        errors["birth_date"] = ValidationError(_("The date of birth cannot be in the future."), code="future")
    if errors:
        raise ValidationError(errors)
    return " ".join(words)
