"""The main menu in the browser: each role's own items, the current page marked, and no sideways scroll at 400 px."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from nav_sikkerhet.core.models import Role

from .conftest import login

pytestmark = pytest.mark.browser


def nb(message: str) -> str:
    with translation.override("nb"):
        return gettext(message)


@pytest.mark.parametrize("role, shown, hidden", [
    (Role.MOTTAK, ["Look up security measures", "Register an incident"], ["Decisions", "ROS analyses"]),
    (Role.HMS, ["Weekly review", "Statistics", "ROS analyses"], ["Decisions", "Look up security measures"]),
])
def test_the_menu_offers_the_roles_work_and_leads_there(page, live_server, grunerlokka, make_staff, role, shown,
                                                       hidden):
    make_staff(role, grunerlokka, username=f"meny_{role}")
    page.set_viewport_size({"width": 400, "height": 800})
    login(page, live_server, f"meny_{role}")
    menu = page.get_by_role("navigation", name=nb("Main menu"))
    for label in shown:
        expect(menu.get_by_role("link", name=nb(label), exact=True)).to_be_visible()
    for label in hidden:
        expect(menu.get_by_role("link", name=nb(label), exact=True)).to_have_count(0)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

    link = menu.get_by_role("link", name=nb(shown[-1]), exact=True)
    with page.expect_navigation():
        link.click()
    expect(menu.locator("[aria-current=page]")).to_have_text(nb(shown[-1]))
