"""The nb, nn and en catalogues cover every message in the code and templates.

No database: nothing here asks for one (no ``django_db`` marker, no db fixtures), and pytest-django
refuses any query from an unmarked test. Nothing in the project is written either: makemessages runs
in a temporary copy of the sources and ``locale/`` (run in the project root it would update the real
``locale/`` whatever LOCALE_PATHS says, and it drops temporary ``*.html.py`` files beside the templates),
and the runtime check compiles the real catalogues into a temporary folder.
Needs GNU gettext (``xgettext``, ``msgmerge``, ``msgfmt``), which ``make install`` installs.
"""

import hashlib
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from nav_sikkerhet.core.identity import MESSAGES

PROJECT_DIR = Path(settings.BASE_DIR)
REAL_LOCALE_DIR = PROJECT_DIR / "locale"
LANGUAGES = ("nb", "nn", "en")
# What the Makefile's `make messages` skips, plus tests, collected static files and benchmarks.
IGNORE = [".venv", "node_modules", "tests", "staticfiles", "bench"]
# The file types makemessages reads for the "django" domain.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}


@pytest.fixture(autouse=True)
def _gettext_installed():
    missing = [tool for tool in ("xgettext", "msgmerge", "msgfmt") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"GNU gettext is missing ({', '.join(missing)}); install the Debian package 'gettext'.")


def _fingerprint(folder: Path) -> dict[str, tuple[int, str]]:
    return {
        str(path.relative_to(folder)): (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _copy_sources(target: Path) -> None:
    """Copy what makemessages would read (the translatable files outside IGNORE) to ``target``."""

    def skip(directory: str, names: list[str]) -> set[str]:
        skipped = set()
        for name in names:
            path = Path(directory, name)
            if path.is_dir():
                # The project's own locale/ is copied on its own below.
                top_level_locale = name == "locale" and Path(directory) == PROJECT_DIR
                if name in IGNORE or name.startswith(".") or name == "__pycache__" or top_level_locale:
                    skipped.add(name)
            elif path.suffix not in SOURCE_SUFFIXES:
                skipped.add(name)
        return skipped

    shutil.copytree(PROJECT_DIR, target, ignore=skip)
    shutil.copytree(REAL_LOCALE_DIR, target / "locale")


def _catalogue(locale_dir: Path, language: str) -> polib.POFile:
    return polib.pofile(str(locale_dir / language / "LC_MESSAGES" / "django.po"))


def _describe(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    msgid = f"{entry.msgid!r} / {entry.msgid_plural!r}" if entry.msgid_plural else repr(entry.msgid)
    return f"  {msgid}  ({where})" if where else f"  {msgid}"


def test_every_message_is_translated_in_nb_nn_and_en(tmp_path, monkeypatch):
    """Re-extract the messages like `make messages` and require a finished translation of each."""
    before = _fingerprint(REAL_LOCALE_DIR)
    source_dir = tmp_path / "project"
    _copy_sources(source_dir)
    locale_dir = source_dir / "locale"
    monkeypatch.chdir(source_dir)

    with override_settings(LOCALE_PATHS=[locale_dir]):
        call_command("makemessages", locale=list(LANGUAGES), ignore_patterns=IGNORE, no_obsolete=True, verbosity=0)

    problems = []
    for language in LANGUAGES:
        catalogue = _catalogue(locale_dir, language)
        entries = [entry for entry in catalogue if not entry.obsolete]
        untranslated = [entry for entry in entries if not entry.translated() and "fuzzy" not in entry.flags]
        fuzzy = [entry for entry in entries if "fuzzy" in entry.flags]
        if untranslated:
            problems.append(f"{language}: {len(untranslated)} untranslated:")
            problems += [_describe(entry) for entry in untranslated]
        if fuzzy:
            problems.append(f"{language}: {len(fuzzy)} fuzzy (check the translation, then remove the flag):")
            problems += [_describe(entry) for entry in fuzzy]

    assert _fingerprint(REAL_LOCALE_DIR) == before, "the test must not change the real locale/ folder"
    if problems:
        pytest.fail(
            "Translate these in locale/<language>/LC_MESSAGES/django.po (run `make messages` first; "
            "in en, msgstr = msgid):\n" + "\n".join(problems)
        )


@pytest.fixture
def compiled_catalogues(tmp_path):
    """The real .po files compiled (and format-checked) into a temporary LOCALE_PATHS."""
    for language in LANGUAGES:
        source = REAL_LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
        target = tmp_path / "locale" / language / "LC_MESSAGES" / "django.mo"
        target.parent.mkdir(parents=True)
        result = subprocess.run(
            ["msgfmt", "--check-format", "-o", str(target), str(source)],
            capture_output=True, text=True, check=False,
        )
        assert result.returncode == 0, f"msgfmt rejected {source.relative_to(PROJECT_DIR)}:\n{result.stderr}"
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        yield


@pytest.mark.usefixtures("compiled_catalogues")
def test_messages_render_in_bokmal_and_nynorsk():
    length = "An identity number has 11 digits."
    digits = "An identity number may only contain digits."

    rendered = {}
    for language in LANGUAGES:
        with translation.override(language):
            rendered[language] = (str(MESSAGES["length"]), translation.gettext(digits))

    assert rendered["en"] == (length, digits)
    for language in ("nb", "nn"):
        assert rendered[language][0] != length, f"{language} shows the English length message"
        assert rendered[language][1] != digits, f"{language} shows the English digits message"
        assert "fødselsnummer" in rendered[language][0].lower()
    # A nynorsk catalogue that is a copy of the bokmål one would pass the checks above.
    assert rendered["nn"][1] != rendered["nb"][1]
