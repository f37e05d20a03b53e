"""ROS journeys in the browser, on the demo data: NAV Årstad's leader sees the Hordaland analysis with the report's
red events in red; the leader of NAV Grünerløkka starts from the Hordaland template, adds an event and a measure,
is refused approval straight from the template, confirms events, accepts a red risk, names the participants,
approves through the confirmation step, reads the heat map and downloads the PDF report."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from nav_sikkerhet.core.models import User
from risiko import services
from risiko.models import Analysis, AnalysisStatus

from ..risiko.test_rules import RED_EVENTS
from .conftest import DEFAULT_TIMEOUT_MS, LOCALE, TIMEZONE, dangling_aria_references, login, url


@pytest.fixture
def demo(transactional_db):
    call_command("demo_data", stdout=io.StringIO())


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def open_as(username):
        context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, base_url=live_server.url,
                                      accept_downloads=True)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        login(page, live_server, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _submit(page):
    with page.expect_navigation():
        page.locator("#main form[method=post] button[type=submit]").first.click()


def test_hordaland_shows_red_and_a_leader_builds_approves_and_prints_an_analysis(as_user, live_server, demo):
    # NAV Årstad's analysis is the Hordaland report: exactly the report's red events are red.
    bergen = Analysis.objects.get(unit__number="1203")
    page = as_user("leder.bergen")
    page.goto(url(live_server, "risiko:detail", bergen.pk))
    red_rows = page.locator('tr[data-zone="red"] td:first-child strong')
    expect(red_rows).to_have_count(len(RED_EVENTS))
    assert set(red_rows.all_inner_texts()) == RED_EVENTS
    expect(page.locator('tr[data-zone="red"] .zone-tag').first).to_have_text("Tiltak nødvendig")
    background = page.locator('tr[data-zone="red"] .zone-tag').first.evaluate(
        "el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(195, 0, 0)"
    assert dangling_aria_references(page) == []

    # The leader of NAV Grünerløkka starts from the template.
    page = as_user("leder")
    page.goto(url(live_server, "risiko:index"))
    with page.expect_navigation():
        page.locator("#main a", has_text="bruk som utgangspunkt").first.click()
    today = timezone.localdate()
    page.locator("input[name=title]").fill("ROS vold og trusler, NAV Grünerløkka")
    page.locator("input[name=next_review_on]").fill((today + datetime.timedelta(days=365)).isoformat())
    _submit(page)
    analysis = Analysis.objects.get(unit__number="0315")
    leader = User.objects.get(username="leder")
    expect(page).to_have_url(url(live_server, "risiko:detail", analysis.pk))
    assert analysis.events.count() == 37
    # The report's measures come with the template, under the events they address.
    phone = analysis.events.get(title="Truslar på telefon")
    expect(page.locator(f"#hendelse-{phone.pk} .template-measures")).to_contain_text("automatisk opptak")
    expect(page.locator(f"#hendelse-{phone.pk} .template-measures")).to_contain_text("fra malen")

    # … adds a local event …
    with page.expect_navigation():
        page.locator("#main a", has_text="Legg til en uønsket hendelse").click()
    page.locator("select[name=category]").select_option("threats")
    page.locator("input[name=title]").fill("Trusler i køen ved skranken på Grünerløkka")
    page.locator("select[name=probability]").select_option("4")
    page.locator("select[name=consequence]").select_option("3")
    page.locator("select[name=residual_probability]").select_option("2")
    page.locator("select[name=residual_consequence]").select_option("3")
    _submit(page)
    event = analysis.events.get(title="Trusler i køen ved skranken på Grünerløkka")
    expect(page.locator(f"#hendelse-{event.pk}")).to_have_attribute("data-zone", "red")

    # … and a measure against it …
    with page.expect_navigation():
        page.locator(f"#hendelse-{event.pk} a", has_text="Legg til et tiltak").click()
    page.locator("input[name=kind][value=preventive]").check()
    page.locator("textarea[name=description]").fill("Kølappsystem og vakt i skranken mandag og tirsdag")
    page.locator("select[name=responsible]").select_option(label="Lene Leder")
    page.locator("input[name=due_on]").fill((today + datetime.timedelta(days=30)).isoformat())
    _submit(page)
    expect(page.locator("#main")).to_contain_text("Kølappsystem og vakt i skranken")

    # Approving straight from the template is refused: the confirmation page lists what is missing, with links.
    with page.expect_navigation():
        page.locator("#main a", has_text="Godkjenn analysen").click()
    problems = page.locator("#godkjenning")
    expect(problems).to_contain_text("Før analysen kan godkjennes")
    expect(problems).to_contain_text("37 hendelser er fortsatt som i malen")
    expect(problems).to_contain_text("«Bruk av blod» er i rød sone")
    expect(problems).to_contain_text("Før opp verneombudet som deltok")
    expect(page.get_by_role("button", name="Godkjenn analysen")).to_have_count(0)
    with page.expect_navigation():
        problems.locator("li", has_text="«Bruk av blod»").get_by_role("link").click()
    blood = analysis.events.get(title="Bruk av blod")
    expect(page).to_have_url(url(live_server, "risiko:detail", analysis.pk) + f"#hendelse-{blood.pk}")

    # The unit confirms an event as it stands …
    spitting = analysis.events.get(title="Spytte")
    with page.expect_navigation():
        page.locator(f"#hendelse-{spitting.pk} button", has_text="Bekreft at den passer for enheten").click()
    expect(page.locator(f"#hendelse-{spitting.pk}")).not_to_contain_text("som i malen")

    # … the leader accepts a red event's risk: "x" is no reason …
    with page.expect_navigation():
        page.locator(f"#hendelse-{blood.pk} a", has_text="Aksepter risikoen").click()
    page.locator("textarea[name=reason]").fill("x")
    _submit(page)
    expect(page.locator("#main")).to_contain_text("plassholder")
    page.locator("textarea[name=reason]").fill("Det har ikke skjedd her på ti år, og rutinene for alarm og smittevern "
                                               "dekker det.")
    _submit(page)
    expect(page.locator(f"#hendelse-{blood.pk}")).to_contain_text("Risiko akseptert av Lene Leder")

    # (the other 36 events are confirmed, and the other red ones answered, as the unit would one by one) …
    for other in analysis.events.exclude(pk=spitting.pk):
        services.event_confirm(by=leader, event_id=other.pk)
        if other.title in RED_EVENTS and other.pk != blood.pk:
            services.risk_accept(by=leader, event_id=other.pk, reason="Vurdert på personalmøtet; rutinene våre "
                                                                       "dekker dette inntil neste revisjon.")

    # … names the participants and the safety representative, from the link beside what is missing …
    page.reload()
    with page.expect_navigation():
        page.locator("#godkjenning li", has_text="verneombudet").get_by_role("link").click()
    page.locator("textarea[name=participants]").fill("Lene Leder, Hanne Hms, Sara Saksbehandler")
    page.locator("input[name=safety_representative]").fill("Vidar Verneombud")
    _submit(page)

    # … and approves it, confirming on a page that says it is the unit's first.
    with page.expect_navigation():
        page.locator("#main a", has_text="Godkjenn analysen").click()
    expect(page.locator("#erstatter")).to_contain_text("enhetens første godkjente ROS-analyse")
    assert page.locator("#godkjenning").count() == 0, page.locator("#godkjenning").inner_text()
    page.get_by_label("Jeg har lest analysen").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Godkjenn analysen").click()
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.APPROVED and analysis.safety_representative == "Vidar Verneombud"

    # … reads the heat map: the new event in its cell before measures, and after …
    cell = page.locator("a[href='?celle=4-3#celle']")
    expect(cell).to_be_visible()
    with page.expect_navigation():
        cell.click()
    expect(page.locator("#celle")).to_contain_text("Trusler i køen ved skranken på Grünerløkka")
    expect(page.locator("a[href='?etter=2-3#celle']")).to_be_visible()

    # … and downloads the PDF report.
    with page.expect_download() as download_info:
        page.locator("#main a", has_text="Rapport (PDF)").click()
    download = download_info.value
    assert re.match(rf"ros-{analysis.pk}-.*\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_incidents_mark_a_ros_event_as_under_estimated_and_remind_the_leader(as_user, live_server, demo):
    # The demo's NAV Årstad registered twelve incidents of harassment and threats on social media in the last
    # year; its analysis says «yearly» for that event. The leader registers one more herself …
    analysis = Analysis.objects.get(unit__number="1203", status=AnalysisStatus.APPROVED)
    event = analysis.events.get(title="Truslar via sosiale media mot NAV-tilsett")
    page = as_user("leder.bergen")
    with page.expect_navigation():
        page.locator('#main a[href$="/hendelser/ny/"]').first.click()
    page.locator("select[name=channel]").select_option("social_media")
    page.locator("input[name=category][value=harassment]").check()
    page.locator("textarea[name=description]").fill("Nedsettende innlegg om veilederen i en åpen Facebook-gruppe.")
    page.locator("input[name=perpetrator][value=unknown]").check()
    page.locator("input[name=my_employer][value=municipal]").check()
    with page.expect_navigation():
        page.locator("#main form[method=post] button[type=submit]").last.click()
    expect(page.locator(".messages")).to_contain_text("HEN-")

    # … and the start page reminds her that the incidents move the risk picture; the reminder opens the event.
    page.goto(url(live_server, "core:start"))
    link = f'a[href$="#hendelse-{event.pk}"]'
    reminder = page.locator(f"#main .reminders {link}")
    expect(reminder).to_have_text(analysis.reference)
    expect(page.locator("#main .reminders li", has=page.locator(link))).to_contain_text(
        "hendelsene tyder på høyere sannsynlighet for «Truslar via sosiale media mot NAV-tilsett»")
    with page.expect_navigation():
        reminder.click()
    row = page.locator(f"#hendelse-{event.pk}")
    expect(row).to_have_attribute("data-underestimated", "true")
    expect(row.locator(".incident-counts strong").first).to_have_text("13")
    expect(row.locator(".incident-suggestion")).to_contain_text("Hendelsene tyder på sannsynlighet 3 – Månedlig")
    expect(row.locator(".incident-suggestion")).to_contain_text("matrisen setter 12 eller flere per år")
    summary = page.locator("#undervurdert")
    expect(summary).to_contain_text("sannsynlighet 2 i analysen, 3 etter de 13 hendelsene")
    assert page.locator("tr[data-underestimated]").count() == 1
    assert dangling_aria_references(page) == []
