"""The statistics page on a phone: chart labels at the body text's size, nothing cut off, no empty headers."""

import datetime

import pytest
from django.utils import timezone

from hendelser import counts
from hendelser.models import Category, Channel
from nav_sikkerhet.core.models import Role

from ..hendelser.factories import ExposedPersonFactory, IncidentFactory
from .conftest import login, url
from .test_browser_accessibility import axe_violations, sideways_overflow

pytestmark = pytest.mark.browser

_SIZES = """() => {
    // The size as drawn: an SVG's text is scaled with its viewBox, so its CSS size alone is not what is seen.
    const px = (element) => parseFloat(getComputedStyle(element).fontSize) * (element.getScreenCTM?.()?.a ?? 1);
    const body = [...document.querySelectorAll("#main > p:not([class])")].map(px);
    const labels = [...document.querySelectorAll(".chart__label, .chart__value")].map((element) => ({
        text: element.textContent.trim(), size: px(element), cut: element.scrollWidth > element.clientWidth + 1,
        height: element.getBoundingClientRect().height,
    }));
    return {body: Math.min(...body), labels};
}"""

_EMPTY_HEADERS = """() => [...document.querySelectorAll("th")]
    .filter((th) => !th.textContent.trim() && !th.getAttribute("aria-label"))
    .map((th) => th.closest("table").querySelector("caption")?.textContent.trim() || "?")"""


@pytest.fixture
def statistics_user(make_staff, grunerlokka):
    user = make_staff(Role.HMS, grunerlokka, username="hms_grunerlokka")
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        for index, category in enumerate(Category.values):
            for _n in range(index % 3 + 1):
                incident = IncidentFactory(
                    unit=grunerlokka, category=category, channel=Channel.values[index % len(Channel.values)],
                    occurred_at=timezone.make_aware(datetime.datetime(year, 1, 2 + index, 10)),
                )
                ExposedPersonFactory(incident=incident)
    counts.rebuild()
    return user


@pytest.mark.parametrize("width", [400, 1280])
def test_chart_labels_are_body_size_and_whole_and_every_header_has_text(browser, live_server, statistics_user, width):
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo", base_url=live_server.url,
                                  viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        login(page, live_server, "hms_grunerlokka")
        page.goto(url(live_server, "hendelser:statistics"))
        measured = page.evaluate(_SIZES)
        assert len(measured["labels"]) > 20
        # Aksel's body text (BodyLong/BodyShort) is never below 16 px; the labels match the page's paragraphs.
        assert measured["body"] >= 16
        small = [(label["text"], label["size"]) for label in measured["labels"] if label["size"] < measured["body"]]
        assert small == [], f"labels smaller than the body text ({measured['body']} px) at {width} px"
        assert [label["text"] for label in measured["labels"] if label["cut"]] == []
        assert page.evaluate(_EMPTY_HEADERS) == []
        assert sideways_overflow(page) == []
        assert axe_violations(page) == []
    finally:
        context.close()
