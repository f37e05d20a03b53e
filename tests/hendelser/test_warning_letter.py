"""A written warning produces a letter (§3): what happened, that repetition can lead to exclusion, how to comment,
in bokmål, nynorsk and English; rendered once to PDF/A and archived with its SHA-256."""

import datetime
import hashlib
import io
import re

import pypdf
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from hendelser import letters, services
from hendelser.models import WarningLetter, WarningLetterStatus

pytestmark = pytest.mark.django_db

HAPPENED = "Du slo i skranken og ropte at du skulle ta saksbehandleren."
# The required elements, word for word, in each language.
ELEMENTS = {
    "nb": ("Hva som har skjedd", "Hvis dette skjer igjen, kan NAV bestemme å stenge deg ute", "Slik kan du uttale deg"),
    "nn": ("Kva som har skjedd", "Dersom dette skjer igjen, kan NAV avgjere å stengje deg ute",
           "Slik kan du uttale deg"),
    "en": ("What happened", "If this happens again, NAV may decide to exclude you", "How to comment"),
}


def _warn(by, citizen, unit, form="written"):
    return services.warning_register(by=by, citizen=citizen, unit=unit, form=form, note=HAPPENED,
                                     given_on=timezone.localdate() - datetime.timedelta(days=1))


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_letter_says_what_happened_that_repetition_can_exclude_and_how_to_comment(leader, citizen, unit,
                                                                                       language):
    citizen.preferred_language = language
    citizen.save()
    letter = _warn(leader, citizen, unit).letter
    assert letter.language == language and letter.status == WarningLetterStatus.PENDING
    html = letters.render_html(letter)
    for element in ELEMENTS[language]:
        assert element in html, element
    assert HAPPENED in html and citizen.name in html and letter.reference in html
    assert f'lang="{language}"' in html


def test_an_oral_warning_gets_no_letter(leader, citizen, unit):
    warning = services.warning_register(by=leader, citizen=citizen, unit=unit, form="oral", given_by="Ola Vekter",
                                        given_on=timezone.localdate())
    assert not WarningLetter.objects.filter(warning=warning).exists()


def test_the_letter_is_produced_once_as_pdf_a_and_archived_with_its_hash(leader, citizen, unit,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        warning = _warn(leader, citizen, unit)
    letter = WarningLetter.objects.get(warning=warning)
    assert letter.status == WarningLetterStatus.READY, letter.error
    with default_storage.open(letter.file.name) as stored:
        content = stored.read()
    root = pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part="2"', xmp) and re.search(r'pdfaid:conformance="A"', xmp)
    assert hashlib.sha256(content).hexdigest() == letter.sha256
    assert str(citizen.personident) not in letter.file.name
    # Idempotent: producing it again leaves the archived file as it was.
    again = services.warning_letter_generate(letter_id=letter.pk)
    assert (again.file.name, again.sha256, again.attempts) == (letter.file.name, letter.sha256, 1)
