"""The four users' journeys of issue 12 in a real browser: reception, caseworker, leader, and the demo's reminders."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from nav_sikkerhet.core.models import Role
from utestenging.models import Breach, BreachChannel, Decision, Kind, Status

from ..factories import CitizenFactory, UnitFactory
from ..utestenging.factories import CHANNEL_PHONE, DecisionFactory, signed_decision
from ..utestenging.lookup_helpers import measure
from .conftest import dangling_aria_references, login, url


def tr(language: str, msgid: str, **args) -> str:
    """The message as a user working in ``language`` reads it."""
    with translation.override(language):
        text = gettext(msgid)
    return text % args if args else text


def submit(page, locator):
    with page.expect_navigation() as navigation:
        locator.click()
    return navigation.value


@pytest.fixture
def grorud(transactional_db):
    return UnitFactory(number="0328", name="NAV Grorud", municipality_number="0301", municipality_name="Oslo",
                       region="Oslo")


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_reception_reads_what_a_measure_at_another_unit_means_here(page, live_server, make_staff, grunerlokka,
                                                                    grorud, language):
    make_staff(Role.MOTTAK, grunerlokka, username="mottak_reise", language=language)
    grorud_leader = make_staff(Role.ENHETSLEDER, grorud, username="leder_grorud_reise", first_name="Geir",
                               last_name="Grorud")
    citizen = CitizenFactory(name="Per Hansen")
    elsewhere = measure(unit=grorud, citizen=citizen, signed_by=grorud_leader)

    login(page, live_server, "mottak_reise")
    page.goto(url(live_server, "mottak:search"))
    page.locator("input[name=personident]").fill(citizen.personident)
    submit(page, page.locator("button[name=search_ident]"))

    # No interrupting alert for a measure that does not cover this unit: one sentence says what it means here.
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    answer = page.locator("#svar")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text(tr(
        language, "Does not apply here: this measure covers only %(units)s, not your unit. Help the person as usual.",
        units="0328 NAV Grorud",
    ))
    # Its alternative channel and contact person, for a person whose business is with Grorud.
    expect(answer).to_contain_text(CHANNEL_PHONE)
    expect(answer).to_contain_text("Geir Grorud")
    expect(answer).to_contain_text(elsewhere.valid_to.strftime("%d.%m.%Y"))
    expect(answer.get_by_role("link", name=tr(language, "Register breach"))).to_have_count(0)
    assert dangling_aria_references(page) == []

    # A page reception's role does not open: the app's 404 in the user's language, with the way back.
    response = page.goto(url(live_server, "utestenging:overview"))
    assert response.status == 404
    expect(page.locator("#main")).to_contain_text(
        tr(language, "The page does not exist, or you do not have access to it through your roles.")
    )
    submit(page, page.get_by_role("link", name=tr(language, "Go to the start page")))
    expect(page).to_have_url(url(live_server, "core:start"))


def test_caseworker_finds_the_citizen_by_name_and_is_warned_of_the_measure_in_force(page, live_server, make_staff,
                                                                                       grunerlokka,
                                                                                       grunerlokka_leader):
    caseworker = make_staff(Role.SAKSBEHANDLER, grunerlokka, username="saksbehandler_reise")
    citizen = CitizenFactory(name="Ola Nordmann", birth_date=datetime.date(1979, 3, 14))
    active = signed_decision(unit=grunerlokka, citizen=citizen, created_by=caseworker, signed_by=grunerlokka_leader)

    login(page, live_server, "saksbehandler_reise")
    submit(page, page.locator(f'#main a[href="{reverse("utestenging:create")}"]'))
    # A typo is forgiven on PostgreSQL (trigrams); elsewhere the words must match.
    typed = "Ola Nordman" if connection.vendor == "postgresql" else "ola nordmann"
    page.locator("input[name=navn-name]").fill(typed)
    page.locator("input[name=navn-birth_date]").fill("1979-03-14")
    submit(page, page.locator("button[name=search_name]"))

    person = page.get_by_role("link", name="Ola Nordmann")
    expect(person).to_have_count(1)
    submit(page, person)

    # Before any draft opens: the measure in force, linked.
    warning = page.locator("section[aria-labelledby=existing-h]")
    expect(warning).to_contain_text(tr("nb", "%(name)s already has a security measure or a case", name="Ola Nordmann"))
    expect(warning).to_contain_text(active.case_number)
    assert Decision.objects.filter(citizen=citizen).count() == 1
    assert dangling_aria_references(page) == []
    link = warning.get_by_role("link", name=active.case_number)
    expect(link).to_have_attribute("href", reverse("utestenging:detail", args=[active.public_id]))

    page.locator(f"input[name=kind][value={Kind.TFUS}]").check()
    submit(page, page.get_by_role("button", name=tr("nb", "Create a new case anyway")))

    new = Decision.objects.get(citizen=citizen, status=Status.DRAFT)
    expect(page).to_have_url(url(live_server, "utestenging:edit", new.public_id, "grunnlag"))
    assert (new.kind, new.unit, new.created_by) == (Kind.TFUS, grunerlokka, caseworker)


def test_leader_opens_a_counter_sees_new_breaches_and_filters(page, live_server, make_staff, grunerlokka,
                                                              grunerlokka_leader):
    caseworker = make_staff(Role.SAKSBEHANDLER, grunerlokka, username="saksbehandler_leder_reise")
    reception = make_staff(Role.MOTTAK, grunerlokka, username="mottak_leder_reise")
    expiring = signed_decision(unit=grunerlokka, citizen=CitizenFactory(), created_by=caseworker,
                               signed_by=grunerlokka_leader, days=10)
    later = signed_decision(unit=grunerlokka, citizen=CitizenFactory(), created_by=caseworker,
                            signed_by=grunerlokka_leader, days=60, kind=Kind.TFUS)
    draft = DecisionFactory(unit=grunerlokka, created_by=caseworker)
    Breach.objects.create(decision=expiring, occurred_at=timezone.now() - datetime.timedelta(hours=2),
                          channel=BreachChannel.IN_PERSON, description="Kom i mottaket.", asked_to_leave=True,
                          police_called=False, registered_by=reception)

    login(page, live_server, "leder_grunerlokka")
    counter = page.locator(f'#main a[href="{reverse("utestenging:overview")}?vis=expiring"]')
    expect(counter).to_contain_text("1")
    submit(page, counter)

    main = page.locator("#main")
    expect(page).to_have_url(re.compile(r"\?vis=expiring$"))
    expect(main.locator("#expiring-h")).to_be_visible()
    expect(main.locator("#drafts-h")).to_have_count(0)
    expect(main).to_contain_text(expiring.case_number)
    expect(main).not_to_contain_text(draft.case_number)
    # The breach registered before this first look.
    breaches = main.locator("section[aria-labelledby=breaches-h]")
    expect(breaches).to_contain_text(expiring.case_number)

    # Seen: gone on the next look. Then the filter: phone restrictions only, in every list.
    page.goto(url(live_server, "utestenging:overview"))
    expect(breaches).to_contain_text(tr("nb", "No new breaches."))
    page.locator("select[name=kind]").select_option(Kind.TFUS.value)
    submit(page, page.get_by_role("button", name=tr("nb", "Filter"), exact=True))
    expect(page).to_have_url(re.compile(r"kind=TFUS"))
    expect(main).to_contain_text(later.case_number)
    expect(main).not_to_contain_text(expiring.case_number)
    expect(main).not_to_contain_text(draft.case_number)
    assert dangling_aria_references(page) == []


def test_after_demo_data_the_leader_sees_reminders_without_redis_or_cron(page, live_server, transactional_db):
    call_command("demo_data", stdout=io.StringIO())

    login(page, live_server, "leder")
    panel = page.locator("section[aria-labelledby=reminders-h]")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(tr("nb", "Your reminders"))
    assert panel.locator("li").count() >= 6
