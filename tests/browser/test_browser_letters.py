"""The leader signs a decision in the browser and downloads the archived decision letter, in nb, nn and en.

The case is built through the services for speed; signing and downloading go through the real pages.
Celery runs eagerly here (no REDIS_URL), so the letter is archived before the signing page redirects.
"""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from nav_sikkerhet.core.models import AuditLogEntry, Role
from utestenging import services
from utestenging.models import ChannelKind, Ground, Kind, LetterKind, LetterStatus, Scope, WrittenDelivery

from ..factories import CitizenFactory, UnitFactory
from ..utestenging.factories import alternative_rows
from ..utestenging.letter_builders import PHRASES, d, pdf_text
from .conftest import login, url

DAY = datetime.timedelta(days=1)
FACT = "Bruker truet en veileder i mottaket med kniv."
RISK = "Bruker har gjentatt truslene på telefon flere ganger."
PROPORTIONALITY = "Alvorlige trusler veier tyngre enn ulempen ved skriftlig kontakt."
# One of the less intrusive alternatives as the letter explains it.
ALTERNATIVE_ROWS = alternative_rows()
ALTERNATIVE_REASON = ALTERNATIVE_ROWS[0]["reason"]
CHANNEL_PERSON, CHANNEL_PHONE, CHANNEL_TIMES = "Lene Leder", "55 55 77 88", "Torsdager kl. 9–11"


@pytest.fixture
def grorud(transactional_db):
    return UnitFactory(
        number="0328", name="NAV Grorud", municipality_number="0301", municipality_name="Oslo", region="Oslo",
    )


@pytest.fixture
def leder(make_staff, grunerlokka):
    return make_staff(
        Role.ENHETSLEDER, grunerlokka, username="leder", first_name="Lene", last_name="Leder", nav_ident="L200315",
        title="Enhetsleder", phone="22 33 44 55",
    )


def ready_case(*, leader, unit, language: str):
    """A complete FYUS case for a citizen who reads ``language``, ready for the leader's signature."""
    today = timezone.localdate()
    citizen = CitizenFactory(name=f"Brevmottaker {language.upper()}", address="Markveien 5", postal_code="0554",
                             postal_city="OSLO", preferred_language=language)
    decision = services.decision_create(by=leader, citizen=citizen, unit=unit, kind=Kind.FYUS)
    services.decision_update(
        by=leader, decision_id=decision.pk, grounds=[Ground.THREATS], letter_language=language,
        case_informed="Hendelsen er beskrevet av to ansatte i mottaket.", risk_of_repetition=RISK,
        clear_need="Ansatte er utrygge når bruker kommer til kontoret.",
        alternative_assessments=ALTERNATIVE_ROWS, proportionality=PROPORTIONALITY,
        other_measures="Vi har sjekket at bruker ikke har andre tiltak.",
        whole_situation="Ytelsene behandles skriftlig, så rettighetene ivaretas.", scope=Scope.MUNICIPALITY,
        responsible_leader=leader, valid_from=today, valid_to=today + 55 * DAY,
        duration_assessment="Åtte uker gir tid til å se om truslene opphører.",
        facts=[{"occurred_on": today - 4 * DAY, "description": FACT, "serious": True}],
        channels=[{"channel": ChannelKind.PHONE, "person_name": CHANNEL_PERSON, "phone": CHANNEL_PHONE,
                   "times": CHANNEL_TIMES}],
    )
    services.decision_notice_not_possible(by=leader, decision_id=decision.pk, kind="acute_danger",
                                          reason="Truet med å komme tilbake samme dag.")
    return services.decision_mark_ready(by=leader, decision_id=decision.pk)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_leader_signs_and_downloads_the_decision_letter_in_the_citizens_language(
    page, live_server, grunerlokka, grorud, leder, language
):
    decision = ready_case(leader=leder, unit=grunerlokka, language=language)
    login(page, live_server, "leder")

    # Sign on the real page.
    page.goto(url(live_server, "utestenging:sign", decision.public_id))
    page.locator("select[name=written_delivery]").select_option(WrittenDelivery.POST.value)
    page.locator("input[name=told_orally_on]").fill(timezone.localdate().isoformat())  # §6: told before it applies
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").click()
    expect(page).to_have_url(url(live_server, "utestenging:detail", decision.public_id))

    # The letter is archived and listed on the case; download it like the leader would.
    letter = decision.letters.get()
    assert (letter.kind, letter.status, letter.language) == (LetterKind.DECISION, LetterStatus.READY, language)
    download_path = reverse("utestenging:letter_download", args=[decision.public_id, letter.pk])
    link = page.locator(f'#letters-h ~ :is(table, .table-scroll) a[href="{download_path}"]')
    expect(link).to_have_count(1)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"{decision.case_number}-decision-{language}.pdf"
    content = Path(download.path()).read_bytes()
    assert hashlib.sha256(content).hexdigest() == letter.sha256

    decision.refresh_from_db()
    text = pdf_text(content)
    p = PHRASES[language]
    expected = [
        decision.citizen.name, "Markveien 5", "0554 OSLO",                                 # name and address
        p["deciding_unit"].format(unit="0315 NAV Grünerløkka"),                            # deciding unit
        p["decision_date"].format(date=d(timezone.localdate(decision.signed_at))),         # and date
        "0315 NAV Grünerløkka", "0328 NAV Grorud", p["covers_physical"],                   # units and channels
        p["period"].format(start=d(decision.valid_from), end=d(decision.valid_to)),        # the period
        d(timezone.localdate() - 4 * DAY), FACT,                                           # the facts
        RISK, PROPORTIONALITY, ALTERNATIVE_REASON,                                         # the reasons
        CHANNEL_PERSON, CHANNEL_PHONE, CHANNEL_TIMES,                                      # alternative channel
        p["leave"], p["police"],                                                           # if they come anyway
        p["no_appeal"], p["service_complaint"],                                            # no appeal; nav.no
        p["access"],                                                                       # innsyn
        p["decided_by"].format(who=f"Lene Leder, {p['head']}"),                            # who decided
        p["contact"].format(who=f"Lene Leder, {p['head']}", phone="22 33 44 55"),          # contact person
        p["title_decision"],
    ]
    missing = [phrase for phrase in expected if phrase not in text]
    assert p["municipal"] not in text  # a state leader decided: one complaint route, not a conditional one
    assert not missing, f"missing from the {language} letter: {missing}\n\n{text}"
    assert AuditLogEntry.objects.filter(action="letter.download", citizen=decision.citizen, actor=leder).count() == 1
