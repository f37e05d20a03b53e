"""HTML → archivable PDF/A bytes with WeasyPrint, the fonts embedded and nothing loaded from the network.

Shared by the letters (utestenging.letters), the reception list and the right-of-access export.
"""

from pathlib import Path

from django.conf import settings
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
