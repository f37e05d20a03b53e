"""The letters' text, extracted from the PDF/A (pypdf), for every kind of letter in bokmål, nynorsk and English.

Each test renders the letter the way the service does (``letters.render_pdf``) and asserts that every
element the guideline (§5–8) and the issue require is in the text the citizen reads.
"""

import io
import os
import re
import shutil
import subprocess

import pypdf
import pytest
from django.utils import timezone, translation

from nav_sikkerhet.core.models import Employer, Language, Role
from utestenging import letters
from utestenging.models import Decision, Ground, Kind, LetterKind

from ..factories import UserFactory, assign_role
from .letter_builders import (
    ALTERNATIVES,
    ANSWER,
    CHANNEL_ADDRESS,
    CHANNEL_PERSON,
    CHANNEL_PHONE,
    CHANNEL_TIMES,
    CITIZEN,
    COMPLAINT_SUMMARY,
    CONTACT_PHONE,
    EXTENSION,
    FACT_TEXT,
    LIFT_REASON,
    PHRASES,
    PROPORTIONALITY,
    RISK,
    SECOND_FACT_TEXT,
    WARNING_NOTE,
    case_for,
    d,
    leader_of,
    neighbour_office,
    pdf_text,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [Language.NB, Language.NN, Language.EN]

@pytest.fixture
def leader(unit):
    return leader_of(unit)


def render(letter) -> tuple[bytes, str]:
    pdf = letters.render_pdf(letters.letter_for_rendering(letter.pk))
    return pdf, pdf_text(pdf)


def label(choice, language) -> str:
    with translation.override(language):
        return str(choice.label)


def assert_all_in(text: str, expected: list[str]) -> None:
    missing = [phrase for phrase in expected if phrase not in text]
    assert not missing, f"missing from the letter: {missing}\n\n{text}"


def assert_header(text, decision, language, date):
    p = PHRASES[language]
    citizen = decision.citizen
    assert_all_in(text, [
        "NAV", decision.unit.name, CITIZEN["name"], "Storgata 12", "Leilighet H0301", "0155 OSLO",
        p["date"].format(date=d(date)), p["reference"].format(case=decision.case_number),
        f"{p['ident']} {citizen.personident[:6]} {citizen.personident[6:]}",
    ])


# -- the decision letter: every element, in each language and for each kind of measure -------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_decision_letter_states_every_element_the_guideline_requires(unit, leader, language):
    grorud = neighbour_office(unit)
    decision, letter = case_for(LetterKind.DECISION, unit=unit, leader=leader, language=language,
                                covered=[unit, grorud])
    _pdf, text = render(letter)
    p = PHRASES[language]
    signed_on = timezone.localdate(decision.signed_at)
    fact_days = [d(fact.occurred_on) for fact in decision.facts.all()]

    assert_header(text, decision, language, signed_on)
    assert_all_in(text, [
        p["title_decision"],
        # the deciding unit and the date; who decided (name, title)
        p["deciding_unit"].format(unit=f"{unit.number} {unit.name}"),
        p["decision_date"].format(date=d(signed_on)),
        p["decided_by"].format(who=f"Lene Leder, {p['head']}"),
        # which units and channels it covers, and the period
        f"{unit.number} {unit.name}", f"{grorud.number} {grorud.name}", p["covers_physical"],
        p["period"].format(start=d(decision.valid_from), end=d(decision.valid_to)),
        # the facts, with dates
        *fact_days, FACT_TEXT, SECOND_FACT_TEXT, WARNING_NOTE,
        # the reasons: grounds, risk of repetition, proportionality, alternatives tried
        label(Ground.THREATS, language), RISK, PROPORTIONALITY, ALTERNATIVES,
        p["statement"].format(date=d(decision.statement_received_on)),
        # the alternative service channel, concretely
        p["alternative"], CHANNEL_PERSON, CHANNEL_PHONE, CHANNEL_TIMES, CHANNEL_ADDRESS,
        # if the citizen comes anyway
        p["leave"], p["police"],
        # no appeal under forvaltningsloven, but a service complaint via nav.no: the state leader's one route
        p["no_appeal"], p["service_complaint"],
        # the right of access under personopplysningsloven and forvaltningsloven
        p["access"],
        # the contact person
        p["contact"].format(who=f"Lene Leder, {p['head']}", phone=CONTACT_PHONE),
        p["signature"],
    ])
    assert p["covers_phone"] not in text
    assert p["municipal"] not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_section_6_a_municipal_leaders_letter_names_the_municipalitys_route_and_not_navno(unit, language):
    municipal = UserFactory(username="kommunal_leder", first_name="Kari", last_name="Kommune", phone=CONTACT_PHONE)
    assign_role(municipal, unit, Role.ENHETSLEDER, employer=Employer.MUNICIPALITY)
    decision, letter = case_for(LetterKind.DECISION, unit=unit, leader=municipal, language=language)
    Decision.objects.filter(pk=decision.pk).update(signed_employer=Employer.MUNICIPALITY)
    _pdf, text = render(letter)
    p = PHRASES[language]
    assert_all_in(text, [p["no_appeal"], p["municipal"]])
    assert p["service_complaint"] not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_restriction_letter_covers_phone_contact_and_not_the_premises(unit, leader, language):
    decision, letter = case_for(LetterKind.DECISION, unit=unit, leader=leader, language=language, measure=Kind.TFUS)
    _pdf, text = render(letter)
    p = PHRASES[language]
    assert_all_in(text, [
        p["title_phone"], p["covers_phone"], p["phone_refused"], label(Ground.PHONE_THREATS, language),
        p["no_appeal"], p["access"], CHANNEL_PHONE,
    ])
    assert p["covers_physical"] not in text and p["police"] not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_letter_for_both_measures_covers_the_premises_and_the_phone(unit, leader, language):
    decision, letter = case_for(LetterKind.DECISION, unit=unit, leader=leader, language=language, measure=Kind.FTUS)
    _pdf, text = render(letter)
    p = PHRASES[language]
    assert_all_in(text, [
        p["title_both"], p["covers_physical"], p["covers_phone"], p["police"], p["phone_refused"],
        p["period"].format(start=d(decision.valid_from), end=d(decision.valid_to)),
    ])


@pytest.mark.parametrize("language", LANGUAGES)
def test_extension_letter_is_a_new_reasoned_decision_that_names_the_one_it_extends(unit, leader, language):
    decision, letter = case_for(LetterKind.EXTENSION, unit=unit, leader=leader, language=language)
    _pdf, text = render(letter)
    p = PHRASES[language]
    assert_header(text, decision, language, timezone.localdate(decision.signed_at))
    assert_all_in(text, [
        p["title_extension"], p["extends"].format(case=decision.extends.case_number), EXTENSION,
        p["period"].format(start=d(decision.valid_from), end=d(decision.valid_to)),
        FACT_TEXT, RISK, PROPORTIONALITY, ALTERNATIVES, CHANNEL_PERSON, CHANNEL_PHONE,
        p["police"], p["no_appeal"], p["service_complaint"], p["access"],
        p["decided_by"].format(who=f"Lene Leder, {p['head']}"),
    ])


# -- the other letters ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_advance_notice_says_what_is_considered_on_which_facts_and_how_and_by_when_to_answer(unit, leader, language):
    decision, letter = case_for(LetterKind.NOTICE, unit=unit, leader=leader, language=language)
    _pdf, text = render(letter)
    p = PHRASES[language]
    # The notice carries the day the system produced it, not the day staff say it was sent (§4).
    assert_header(text, decision, language, timezone.localdate(letter.created_at))
    assert_all_in(text, [
        p["title_notice"], p["notice_considering"], p["covers_physical"],
        p["period"].format(start=d(decision.valid_from), end=d(decision.valid_to)),
        label(Ground.THREATS, language), FACT_TEXT, SECOND_FACT_TEXT,
        *[d(fact.occurred_on) for fact in decision.facts.all()],
        p["notice_deadline"].format(deadline=d(decision.notice_deadline)),
        p["notice_how"], p["notice_letter"].format(unit=unit.name, case=decision.case_number),
        p["notice_phone"].format(who=f"Lene Leder, {p['head']}", phone=CONTACT_PHONE),
        p["access"],
    ])


@pytest.mark.parametrize("language", LANGUAGES)
def test_lifting_letter_says_since_when_and_why_the_decision_no_longer_applies(unit, leader, language):
    decision, letter = case_for(LetterKind.LIFTING, unit=unit, leader=leader, language=language)
    _pdf, text = render(letter)
    p = PHRASES[language]
    assert_header(text, decision, language, timezone.localdate())
    assert_all_in(text, [
        p["title_lifting"], p["lifted"].format(date=d(decision.lifted_on)), p["back_again"], LIFT_REASON,
        decision.case_number, p["decided_by"].format(who=f"Lene Leder, {p['head']}"), p["access"],
        p["contact"].format(who=f"Lene Leder, {p['head']}", phone=CONTACT_PHONE),
    ])


@pytest.mark.parametrize("language", LANGUAGES)
def test_complaint_answer_quotes_the_complaint_and_gives_the_written_answer(unit, leader, language):
    decision, letter = case_for(LetterKind.COMPLAINT_ANSWER, unit=unit, leader=leader, language=language)
    _pdf, text = render(letter)
    p = PHRASES[language]
    complaint = letter.complaint
    assert_header(text, decision, language, complaint.answered_on)
    assert_all_in(text, [
        p["title_complaint"], complaint.from_whom, d(complaint.received_on), decision.case_number,
        COMPLAINT_SUMMARY, ANSWER, p["ombudsman"], p["access"], "Lene Leder", p["signature"],
    ])


# -- wording, format and archive properties ---------------------------------------------------------


@pytest.mark.parametrize("kind", list(LetterKind))
@pytest.mark.parametrize("language", [Language.NB, Language.NN])
def test_norwegian_letters_call_it_beslutning_or_avgjerd_never_vedtak(unit, leader, kind, language):
    # The guideline's "beslutning" (not an appealable vedtak); nynorsk says "avgjerd", as its screens do.
    _decision, letter = case_for(kind, unit=unit, leader=leader, language=language)
    _pdf, text = render(letter)
    term, other = ("beslutning", "avgjerd") if language == Language.NB else ("avgjerd", "beslutning")
    assert "vedtak" not in text.lower()
    assert term in text.lower()
    assert other not in text.lower()


@pytest.mark.parametrize("language", LANGUAGES)
def test_letter_is_tagged_pdf_a_2a_with_embedded_fonts_title_and_language(unit, leader, language):
    decision, letter = case_for(LetterKind.DECISION, unit=unit, leader=leader, language=language)
    pdf, _text = render(letter)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part="2"', xmp) and re.search(r'pdfaid:conformance="A"', xmp)
    # Tagged (what `pdfinfo` reports as "Tagged: yes"): a structure tree a screen reader follows.
    assert bool(root["/MarkInfo"]["/Marked"])
    structure = root["/StructTreeRoot"].get_object()
    assert structure["/K"], "the structure tree is empty"
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert root["/Lang"] == language
    with translation.override(language):
        assert reader.metadata.title == letters.context(letters.letter_for_rendering(letter.pk))["title"]
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            fonts.append((descendant["/BaseFont"], "/FontFile2" in descendant["/FontDescriptor"].get_object()))
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert any("NAV-Letter" in name for name, _embedded in fonts), "the DejaVu @font-face was not used"


def test_letter_loads_nothing_but_its_fonts():
    with pytest.raises(ValueError, match="no external resources"):
        letters._FontsOnly().fetch("http://example.invalid/x.png")
    html = '<html><body><img src="http://example.invalid/x.png"><p>Hei</p></body></html>'
    assert letters.html_to_pdf(html).startswith(b"%PDF")  # the image is skipped, never fetched


def test_rendering_takes_a_fixed_number_of_queries(unit, leader, django_assert_max_num_queries):
    _decision, letter = case_for(LetterKind.DECISION, unit=unit, leader=leader, language="nb")
    with django_assert_max_num_queries(7):
        letters.render_html(letters.letter_for_rendering(letter.pk))


def test_download_name_has_the_case_number_and_never_the_identity_number(unit, leader):
    decision, letter = case_for(LetterKind.DECISION, unit=unit, leader=leader, language="nn")
    name = letters.filename(letter)
    assert name == f"{decision.case_number}-decision-nn.pdf"
    assert decision.citizen.personident not in name


def test_pdfinfo_reports_the_letter_as_tagged(unit, leader, tmp_path):
    if shutil.which("pdfinfo") is None:
        message = "pdfinfo is missing: install the Debian package poppler-utils (`make debian-test`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    _decision, letter = case_for(LetterKind.DECISION, unit=unit, leader=leader, language="nb")
    path = tmp_path / "letter.pdf"
    path.write_bytes(render(letter)[0])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info


@pytest.mark.parametrize("language", LANGUAGES)
def test_letter_has_the_units_return_address_and_phone_and_the_nav_mark(unit, leader, language):
    unit.postal_address, unit.postal_code, unit.postal_city, unit.phone = (
        "Postboks 4414 Nydalen", "0403", "OSLO", "21 07 03 14")
    unit.save()
    _decision, letter = case_for(LetterKind.DECISION, unit=unit, leader=leader, language=language)
    pdf, text = render(letter)
    html = letters.render_html(letters.letter_for_rendering(letter.pk))
    with translation.override(language):
        return_address = translation.pgettext("letter", "Return address")
        phone = translation.pgettext("letter", "Phone")
    assert_all_in(text, [
        f"{return_address}: {unit.name}, Postboks 4414 Nydalen, 0403 OSLO",
        f"{phone} 21 07 03 14",
    ])
    assert letters.NAV_PHONE not in text
    # The mark is drawn inline with a text alternative: nothing to fetch.
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-label="NAV"', html)
    assert "<img" not in html


def test_a_unit_without_its_own_phone_gives_navs_general_number(unit, leader):
    assert not unit.phone
    _decision, letter = case_for(LetterKind.DECISION, unit=unit, leader=leader, language="nb")
    _pdf, text = render(letter)
    assert f"Telefon {letters.NAV_PHONE}" in text
