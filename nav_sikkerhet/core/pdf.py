"""HTML → archivable PDF/A bytes with WeasyPrint, the fonts embedded and nothing loaded from the network.

Shared by the letters (utestenging.letters), the reception list and the right-of-access export.
"""

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# PDF/A-2a: an ISO 19005-2 archive format the Norwegian National Archives accept, level A ("accessible"):
# every glyph mapped to Unicode, and the document tagged (headings, paragraphs, lists, tables, reading
# order) so screen readers read the letter as it is meant; WeasyPrint sets pdf_tags for this variant.
PDF_VARIANT = "pdf/a-2a"
# In settings.LETTER_FONT_DIR: Debian's fonts-dejavu-core (Makefile DEB_RUNTIME). WeasyPrint embeds the
# subset of each font it uses, so the PDF never depends on the reader's fonts.
FONT_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "italic": "DejaVuSans-Oblique.ttf",
}


def font_urls() -> dict[str, str]:
    """file:// URLs of the fonts, for @font-face (missing files are left out: fontconfig falls back)."""
    folder = Path(settings.LETTER_FONT_DIR)
    return {style: (folder / name).as_uri() for style, name in FONT_FILES.items() if (folder / name).exists()}


class FontsOnly(URLFetcher):
    """Fetch the fonts and nothing else: a document never loads anything from the network."""

    def fetch(self, url, headers=None):
        if url not in set(font_urls().values()):
            raise ValueError(f"Letters load no external resources: {url}")
        return super().fetch(url, headers)


def html_to_pdfa(html: str) -> bytes:
    """HTML to PDF/A bytes with the fonts embedded. Title and language come from the HTML."""
    return HTML(string=html, url_fetcher=FontsOnly()).write_pdf(pdf_variant=PDF_VARIANT)


def store_rendered(letter, *, render: Callable[[], bytes], path: Callable[[str], str], ready: str, failed: str,
                   log: logging.Logger) -> None:
    """Render a letter once and store the PDF with its SHA-256 on the (unsaved) letter; a failure marks it failed.

    Shared by every kind of letter, so an archived letter is produced, named and hashed the same way.
    """
    letter.attempts += 1
    try:
        pdf = render()
        digest = hashlib.sha256(pdf).hexdigest()
        name = default_storage.save(path(digest), ContentFile(pdf))
    except Exception as error:  # noqa: BLE001 - whatever broke, the letter shows as failed with a retry
        log.exception("Letter %s could not be produced", letter.pk)
        letter.status, letter.error = failed, type(error).__name__
    else:
        letter.status, letter.sha256, letter.error = ready, digest, ""
        letter.file.name, letter.generated_at = name, timezone.now()
