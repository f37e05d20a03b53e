"""Each catalogue renders a glossary term one way: no source term maps to two target terms.

The glossary is locale/glossary.toml; no database, the .po files are read as they are committed.
"""

import re
import tomllib
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
GLOSSARY = tomllib.loads((LOCALE_DIR / "glossary.toml").read_text(encoding="utf-8"))
CASES = [(term, lang) for term in GLOSSARY for lang in ("nb", "nn")]


def _catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"))


def _texts(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def target_terms_used(catalogue: polib.POFile, source: str, candidates: list[str]) -> dict[str, list[str]]:
    """For entries whose msgid matches ``source``: which candidate target terms their translations use."""
    pattern = re.compile(source, re.IGNORECASE)
    stems = {term: re.compile(rf"{re.escape(term)}", re.IGNORECASE) for term in candidates}
    used: dict[str, list[str]] = {}
    for entry in catalogue:
        if entry.obsolete or not pattern.search(f"{entry.msgid} {entry.msgid_plural}"):
            continue
        for text in _texts(entry):
            for term, stem in stems.items():
                if stem.search(text):
                    used.setdefault(term, []).append(entry.msgid)
    return used


@pytest.mark.parametrize(("term", "lang"), CASES)
def test_catalogue_uses_one_target_term_per_glossary_term(term, lang):
    rule = GLOSSARY[term][lang]
    used = target_terms_used(_catalogue(lang), GLOSSARY[term]["source"], [rule["use"], *rule["avoid"]])
    others = {word: msgids[:3] for word, msgids in used.items() if word != rule["use"]}
    assert not others, f"{lang}: {term!r} must be {rule['use']!r} everywhere, not {others}"
    assert rule["use"] in used, f"{lang}: {term!r} is never translated as {rule['use']!r}"


def test_avoided_words_are_not_used_anywhere_in_nynorsk():
    # Beyond entries matching the source: a nynorsk screen or letter never says "beslutning" or "vedtak".
    catalogue = _catalogue("nn")
    for term, rules in GLOSSARY.items():
        for word in rules["nn"]["avoid"]:
            found = [e.msgid for e in catalogue if not e.obsolete and any(word in t.lower() for t in _texts(e))]
            assert not found, f"nn uses {word!r} (glossary {term!r}: {rules['nn']['use']!r}) in {found[:3]}"


def test_a_catalogue_with_two_terms_for_one_source_term_is_caught():
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="Sign the decision", msgstr="Signer avgjerda"))
    catalogue.append(polib.POEntry(msgid="The decision letter", msgstr="Brevet om beslutninga"))
    used = target_terms_used(catalogue, GLOSSARY["decision"]["source"], ["avgjerd", "beslutning"])
    assert set(used) == {"avgjerd", "beslutning"}
