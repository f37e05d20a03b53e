"""A count is followed by the right form of its word (ngettext), never "hendelse(r)" or "incident(s)"."""

import re
from pathlib import Path

import polib
from django.conf import settings

# A word with its plural ending in brackets: incident(s), hendelse(r), utsatt(e), hending(ar), beslutning(er).
BRACKETED_PLURAL = re.compile(r"\w\((s|r|e|er|ar|ne|ene|ane)\)")


def test_no_catalogue_spells_a_plural_in_brackets():
    found = []
    for language in ("nb", "nn", "en"):
        catalogue = polib.pofile(str(Path(settings.BASE_DIR, "locale", language, "LC_MESSAGES", "django.po")))
        for entry in catalogue:
            texts = [entry.msgid, entry.msgid_plural, entry.msgstr, *entry.msgstr_plural.values()]
            found += [f"{language}: {entry.msgid!r}" for text in texts if text and BRACKETED_PLURAL.search(text)][:1]
    assert found == []
