"""Browser-test harness: one headless Debian Chromium per session, a fresh context per test.

Tests here drive the app through pytest-django's ``live_server`` (which gives them
``transactional_db``), log in through the real form with :func:`login`, and are all
marked ``browser`` so ``pytest -m "not browser"`` leaves them out.

Playwright's own browser download does not work on our machines, so we always use the
distribution's Chromium (``make debian-test`` installs it) and never ``playwright install``.
"""

import os
import re
from pathlib import Path

# Playwright's sync API keeps an asyncio event loop in the main thread, and Django refuses ORM
# calls (fixtures, factories, assertions on the database) while one exists. Set before any test
# in this directory runs; Django reads the variable on every guarded call.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from django.urls import reverse  # noqa: E402

from nav_sikkerhet.core.models import Role  # noqa: E402

from ..factories import UnitFactory, staff_member  # noqa: E402

BROWSER_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BROWSER_DIR.parents[1]
RESULTS_DIR = PROJECT_DIR / "test-results"

CHROMIUM = Path(os.environ.get("CHROMIUM_EXECUTABLE", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000
LOCALE = "nb-NO"
TIMEZONE = "Europe/Oslo"

_REPORTS = pytest.StashKey[dict]()


# --- hooks ----------------------------------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    # Hooks in a sub-directory conftest still see the whole session's items: mark only ours.
    for item in items:
        if Path(str(item.path)).is_relative_to(BROWSER_DIR):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so the page fixture knows whether the test failed.
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


# --- browser, context, page -----------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    """The one Chromium of the session (Debian's, headless)."""
    if not CHROMIUM.exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install the Debian package (`make debian-test`, "
            "or `apt-get install chromium`). Browser tests never use `playwright install`."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_context(browser, live_server):
    """A fresh context (cookies, storage) per test, in Norwegian and Oslo time, based at the live server."""
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, base_url=live_server.url)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context, request):
    """A page in its own context; on failure a screenshot goes to test-results/<test>.png."""
    page = browser_context.new_page()
    yield page
    report = request.node.stash.get(_REPORTS, {}).get("call")
    if report is not None and report.failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
        except Exception as exc:  # noqa: BLE001 – a missing screenshot must not hide the failure
            print(f"Could not save screenshot: {exc}")
    page.close()


# --- helpers --------------------------------------------------------------------------------

def url(live_server, viewname: str, *args, **kwargs) -> str:
    """Absolute live-server URL for a named route."""
    return f"{live_server.url}{reverse(viewname, args=args, kwargs=kwargs)}"


def login(page, live_server, username: str, password: str = "demo"):
    """Log in through the real login form; returns the response of the form's POST navigation.

    Fields are found by their ``name`` (not their labels) so the test does not depend on the
    state of the translation catalogues. Check the outcome in the test (start page or error).
    """
    page.goto(url(live_server, "login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation() as navigation:
        page.locator("#main form button[type=submit]").click()
    return navigation.value


_DANGLING_ARIA_JS = """() => {
    const attributes = ["aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage"];
    const found = [];
    for (const element of document.querySelectorAll(attributes.map((a) => `[${a}]`).join(","))) {
        for (const attribute of attributes) {
            for (const id of (element.getAttribute(attribute) || "").split(/\\s+/).filter(Boolean)) {
                if (!document.getElementById(id)) {
                    const name = element.getAttribute("name") || element.id || "";
                    found.push(`${element.tagName.toLowerCase()}[${name}] ${attribute} -> #${id}`);
                }
            }
        }
    }
    return found;
}"""


def dangling_aria_references(page) -> list[str]:
    """ARIA id references (aria-describedby and friends) on the page that point at no element."""
    return page.evaluate(_DANGLING_ARIA_JS)


# --- data -----------------------------------------------------------------------------------

@pytest.fixture
def grunerlokka(transactional_db):
    return UnitFactory(
        number="0315", name="NAV Grünerløkka", municipality_number="0301", municipality_name="Oslo", region="Oslo",
    )


@pytest.fixture
def make_staff(transactional_db):
    """Make a staff member (password "demo") holding one role in one unit."""
    return staff_member


@pytest.fixture
def grunerlokka_leader(make_staff, grunerlokka):
    return make_staff(
        Role.ENHETSLEDER, grunerlokka, username="leder_grunerlokka", first_name="Lise", last_name="Leder",
        nav_ident="L100315",
    )
