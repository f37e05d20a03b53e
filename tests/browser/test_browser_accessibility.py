"""WCAG 2.1 AA on the main pages: axe-core finds nothing, at 1280 px and at 400 px, in normal and error states.

axe-core comes from npm (package.json, `make install`) and is injected from node_modules: nothing is
fetched from the network. At 400 px no page may scroll sideways (WCAG 1.4.10 Reflow: 320 CSS px at
400 % zoom of a 1280 px window); wide tables scroll inside their own labelled, focusable container.
"""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from hendelser.models import Incident
from utestenging.models import Decision, Kind, Status

from .conftest import PROJECT_DIR, login

AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "narrow": (400, 800)}
# WCAG 2.0/2.1 A and AA: what NAV's public-sector pages must meet (forskrift om universell utforming av IKT).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} – ` +
        v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
}"""

# Elements that stick out of the viewport: what makes a page scroll sideways, for the failure message.
_OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const wide = [];
    for (const element of document.querySelectorAll("body *")) {
        const box = element.getBoundingClientRect();
        if (box.right > width + 1 && getComputedStyle(element).position !== "fixed") {
            let inScroller = false;
            for (let p = element.parentElement; p; p = p.parentElement) {
                if (["auto", "scroll"].includes(getComputedStyle(p).overflowX)) { inScroller = true; break; }
            }
            const name = `${element.tagName.toLowerCase()}.${element.className}`;
            if (!inScroller) wide.push(`${name} ${Math.round(box.right)}px`);
        }
    }
    return [`page ${document.documentElement.scrollWidth}px > ${width}px`, ...wide.slice(0, 5)];
}"""


def axe_violations(page) -> list[str]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not a <script>: the app's CSP stays as it is.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def sideways_overflow(page) -> list[str]:
    return page.evaluate(_OVERFLOW)


@pytest.fixture
def demo(transactional_db):
    call_command("demo_data", stdout=io.StringIO())
    office = "0315"
    return {
        "active": Decision.objects.filter(status=Status.ACTIVE, kind=Kind.FYUS, unit__number=office).first(),
        "draft": Decision.objects.filter(status=Status.DRAFT, unit__number=office).first(),
        "ready": Decision.objects.filter(status=Status.READY, unit__number=office).first(),
        "incident": Incident.objects.filter(unit__number=office).order_by("-occurred_at").first(),
    }


def _submit(page, selector="#main form[method=post] button[type=submit]"):
    with page.expect_navigation():
        page.locator(selector).first.click()


def page_states(demo):
    """(user, name, path, action): each main page, and the error state a user meets on it."""
    active, draft, ready, incident = demo["active"], demo["draft"], demo["ready"], demo["incident"]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    def wrong_password(page):
        page.locator("input[name=username]").fill("leder")
        page.locator("input[name=password]").fill("feil")
        _submit(page)

    def bad_identity_number(page):
        page.locator("input[name=personident]").first.fill("12345678901")
        _submit(page, "button[name=search_ident]")

    def look_up(citizen):
        def action(page):
            page.locator("input[name=personident]").first.fill(citizen.personident)
            _submit(page, "button[name=search_ident]")
        return action

    def future_fact(page):
        page.locator("input[name='facts-0-occurred_on']").fill(tomorrow)
        page.locator("textarea[name='facts-0-description']").fill("Senere")
        _submit(page, "button[name=save]")

    d, i = "/beslutninger", "/hendelser"
    return [
        (None, "login", "/logg-inn/", None),
        (None, "login error", "/logg-inn/", wrong_password),
        ("leder", "start leader", "/", None),
        ("mottak", "start reception", "/", None),
        ("hms", "start HMS", "/", None),
        ("leder", "decision overview", f"{d}/", None),
        ("saksbehandler", "new case", f"{d}/ny/", None),
        ("saksbehandler", "new case error", f"{d}/ny/", lambda page: _submit(page)),
        ("leder", "decision in force", f"{d}/{active.public_id}/", None),
        ("saksbehandler", "draft", f"{d}/{draft.public_id}/", None),
        ("saksbehandler", "step grounds", f"{d}/{draft.public_id}/rediger/grunnlag/", None),
        ("saksbehandler", "step grounds error", f"{d}/{draft.public_id}/rediger/grunnlag/", future_fact),
        ("saksbehandler", "step assessments", f"{d}/{draft.public_id}/rediger/vurderinger/", None),
        ("saksbehandler", "step scope", f"{d}/{draft.public_id}/rediger/omfang/", None),
        ("saksbehandler", "step period", f"{d}/{draft.public_id}/rediger/periode/", None),
        ("saksbehandler", "advance notice", f"{d}/{draft.public_id}/forhandsvarsel/", None),
        ("leder", "sign", f"{d}/{ready.public_id}/signer/", None),
        ("leder", "sign error", f"{d}/{ready.public_id}/signer/", lambda page: _submit(page)),
        ("leder", "lift", f"{d}/{active.public_id}/opphev/", None),
        ("leder", "lift error", f"{d}/{active.public_id}/opphev/", lambda page: _submit(page)),
        ("leder", "registration", f"{d}/{active.public_id}/registrering/", None),
        ("leder", "delivery", f"{d}/{active.public_id}/levert/", None),
        ("leder", "service complaint", f"{d}/{active.public_id}/serviceklage/", None),
        ("leder", "service complaint error", f"{d}/{active.public_id}/serviceklage/", lambda page: _submit(page)),
        ("mottak", "reception list", f"{d}/mottaksliste/0315/", None),
        ("mottak", "look-up", "/mottak/", None),
        ("mottak", "look-up error", "/mottak/", bad_identity_number),
        ("mottak", "look-up alert", "/mottak/", look_up(active.citizen)),
        ("mottak", "look-up nothing", "/mottak/", look_up(draft.citizen)),
        ("mottak", "breach", f"/mottak/brudd/ny/{active.public_id}/", None),
        ("mottak", "breach error", f"/mottak/brudd/ny/{active.public_id}/", lambda page: _submit(page)),
        ("hms", "incidents", f"{i}/", None),
        ("mottak", "new incident", f"{i}/ny/", None),
        ("mottak", "new incident error", f"{i}/ny/", lambda page: _submit(page)),
        ("hms", "incident", f"{i}/{incident.public_id}/", None),
        ("hms", "statistics", f"{i}/statistikk/", None),
        ("hms", "weekly reviews", f"{i}/gjennomgang/", None),
        ("hms", "weekly review", f"{i}/gjennomgang/0315/", None),
        ("leder", "citizen export", "/innsyn/eksport/", None),
        ("leder", "citizen export error", "/innsyn/eksport/", lambda page: _submit(page)),
        ("leder", "access report", "/innsyn/tilgangslogg/", None),
        ("leder", "access report error", "/innsyn/tilgangslogg/", lambda page: _submit(page)),
        ("leder", "not found", "/finnes-ikke/", None),
    ]


def check_pages(browser, live_server, states, language="nb") -> tuple[dict, dict]:
    """Each page state at both widths in ``language``: axe-core's violations, and sideways scrolling at 400 px."""
    violations, overflow = {}, {}
    for user in dict.fromkeys(user for user, *_rest in states):
        for width_name, (width, height) in WIDTHS.items():
            context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo", base_url=live_server.url,
                                          viewport={"width": width, "height": height})
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            page = context.new_page()
            if user:
                login(page, live_server, user)
            for state_user, name, path, action in states:
                if state_user != user:
                    continue
                page.goto(path)
                if action:
                    action(page)
                key = f"{name} ({language}) @ {width}px"
                if found := axe_violations(page):
                    violations[key] = found
                if width_name == "narrow" and (wide := sideways_overflow(page)):
                    overflow[key] = wide
            context.close()
    return violations, overflow


def _assert_clean(violations, overflow):
    assert not violations, "axe-core found:\n" + "\n".join(f"{k}: {v}" for k, v in violations.items())
    assert not overflow, "sideways scrolling at 400 px:\n" + "\n".join(f"{k}: {v}" for k, v in overflow.items())


def test_main_pages_have_no_axe_violations_and_do_not_scroll_sideways(browser, live_server, demo):
    _assert_clean(*check_pages(browser, live_server, page_states(demo)))


# Longer words in nynorsk and English must not break the layout either: the pages with the most text.
IN_OTHER_LANGUAGES = {"login error", "start leader", "decision in force", "step grounds error", "look-up alert",
                      "new incident error", "reception list"}


@pytest.mark.parametrize("language", ["nn", "en"])
def test_main_pages_hold_in_nynorsk_and_english(browser, live_server, demo, language):
    states = [state for state in page_states(demo) if state[1] in IN_OTHER_LANGUAGES]
    assert len(states) == len(IN_OTHER_LANGUAGES)
    _assert_clean(*check_pages(browser, live_server, states, language))


def _luminance(rgb: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(v) for v in re.findall(r"\d+(?:\.\d+)?", rgb)[:3])
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


_FOCUS_RING = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    let background = "rgba(0, 0, 0, 0)";
    for (let e = element; e && /rgba\\(0, 0, 0, 0\\)|transparent/.test(background); e = e.parentElement) {
        background = getComputedStyle(e).backgroundColor;
    }
    return {inHeader: !!element.closest("header"), name: element.textContent.trim() || element.name || element.id,
            style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor,
            background: getComputedStyle(element.closest("header") || document.body).backgroundColor};
}"""


def test_keyboard_focus_in_the_header_is_visible_at_three_to_one(page, live_server, grunerlokka_leader):
    login(page, live_server, "leder_grunerlokka")
    rings = []
    for _ in range(8):
        page.keyboard.press("Tab")
        ring = page.evaluate(_FOCUS_RING)
        if ring["inHeader"]:
            rings.append(ring)
    assert len(rings) >= 3, rings  # the title link, the language select and button, log out
    for ring in rings:
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        assert contrast(ring["color"], ring["background"]) >= 3, ring


def test_at_400_percent_zoom_the_look_up_alert_can_be_scrolled_to_its_button(browser, live_server, demo):
    # 1280 × 1024 at 400 % zoom is a 320 × 256 CSS-pixel viewport.
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo", base_url=live_server.url,
                                  viewport={"width": 320, "height": 256})
    page = context.new_page()
    try:
        login(page, live_server, "mottak")
        page.goto("/mottak/")
        page.locator("input[name=personident]").first.fill(demo["active"].citizen.personident)
        _submit(page, "button[name=search_ident]")
        button = page.locator("[data-lookup-acknowledge]")
        button.scroll_into_view_if_needed()
        box, viewport = button.bounding_box(), page.viewport_size
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
        button.click()
        expect(page.locator("#svar")).to_be_visible()
        assert not sideways_overflow(page)
    finally:
        context.close()


_LOOK = """async () => {
    const token = (name) => {
        const probe = document.body.appendChild(document.createElement("div"));
        probe.style.backgroundColor = `var(${name})`;
        const colour = getComputedStyle(probe).backgroundColor;
        probe.remove();
        return colour;
    };
    await document.fonts.ready;
    const loaded = [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family.replace(/"/g, ""));
    return {
        loaded,
        body: getComputedStyle(document.body).fontFamily,
        header: getComputedStyle(document.querySelector("header")).backgroundColor,
        button: getComputedStyle(document.querySelector("#main button[type=submit]")).backgroundColor,
        accent: token("--ax-bg-accent-strong"),
    };
}"""


def test_pages_use_aksels_tokens_and_its_typeface_served_by_the_app(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/logg-inn/")
    look = page.evaluate(_LOOK)
    assert look["body"].startswith('"Source Sans 3 Variable"'), look
    assert "Source Sans 3 Variable" in look["loaded"], look
    assert look["header"] == "rgb(28, 35, 47)", look  # Aksel's dark theme, --ax-bg-raised
    assert look["button"] == look["accent"] != "rgba(0, 0, 0, 0)", look  # Aksel's primary button
    assert all(address.startswith(live_server.url) for address in requested), requested
