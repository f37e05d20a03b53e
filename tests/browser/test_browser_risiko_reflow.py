"""The ROS analysis page reflows at 400 px (WCAG 1.4.10): with measures and their follow-up forms, nothing makes the
page itself scroll sideways (a wide table may scroll inside its own focusable region)."""

import io

import pytest
from django.core.management import call_command

from risiko.models import Analysis, Measure

from .conftest import DEFAULT_TIMEOUT_MS, LOCALE, TIMEZONE, login, url

# scrollWidth of the document against the viewport, and the elements that stick out past its right edge, with the
# table-scroll regions (which scroll on their own) left out.
_OVERFLOW_JS = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.querySelectorAll("body *")) {
        if (el.closest(".table-scroll")) continue;
        const box = el.getBoundingClientRect();
        if (box.width && box.right > width + 1) wide.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className}`);
    }
    return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("demo_data", stdout=io.StringIO())


def test_analysis_with_measures_does_not_scroll_sideways(browser, live_server, demo):
    width = 400  # the narrow width; at 320 px the 5×5 heat map, a two-dimensional grid, is wider
    analysis = Analysis.objects.get(unit__number="1203")
    assert Measure.objects.filter(event__analysis=analysis).exists(), "the demo analysis should have measures"
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, base_url=live_server.url,
                                  viewport={"width": width, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        page = context.new_page()
        login(page, live_server, "leder.bergen")
        page.goto(url(live_server, "risiko:detail", analysis.pk))
        # The leader follows the measures up: each open measure carries its status form.
        assert page.locator("#main form select[name=status]").count() >= 1
        measured = page.evaluate(_OVERFLOW_JS)
        assert measured["wide"] == [], measured
        assert measured["scroll"] <= measured["width"], measured
    finally:
        context.close()
