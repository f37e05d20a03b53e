"""Each missing checklist item leads to the step and field that puts it right, and the cursor lands there."""

import pytest
from playwright.sync_api import expect

from ..utestenging.factories import DecisionFactory
from .conftest import login, url

pytestmark = pytest.mark.browser


def test_each_missing_item_opens_its_step_with_the_field_focused(page, live_server, grunerlokka, grunerlokka_leader):
    decision = DecisionFactory(unit=grunerlokka, created_by=grunerlokka_leader)
    login(page, live_server, "leder_grunerlokka")
    detail = url(live_server, "utestenging:detail", decision.public_id)
    page.goto(detail)
    links = page.locator("a.checklist-fix")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) >= 8
    for href in hrefs:
        page.goto(detail)
        with page.expect_navigation():
            page.locator(f'a.checklist-fix[href="{href}"]').first.click()
        anchor = href.partition("#")[2]
        if not anchor:  # the advance notice page: the item is the whole page
            continue
        target = page.locator(f"#{anchor}")
        expect(target).to_be_in_viewport()
        page.wait_for_function("() => document.activeElement !== document.body")
        focused = page.evaluate("() => document.activeElement.id")
        # The field itself, or the first control of its group (checkboxes, a formset's first row).
        assert focused == anchor or page.locator(f"#{anchor} #{focused}").count() == 1, (href, focused)
