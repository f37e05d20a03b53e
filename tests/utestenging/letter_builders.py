"""Builders for the letter tests: cases with every detail a letter must show, and PDF text extraction."""

import datetime
import io
import re

import pypdf
from django.utils import timezone

from hendelser.models import WarningForm
from nav_sikkerhet.core.models import Role
from utestenging.models import (
    ChannelKind,
    Kind,
    Letter,
    LetterKind,
    NoticeMethod,
    NoticeStatus,
    Scope,
    StatementStatus,
    Status,
)

from ..factories import CitizenFactory, UnitFactory, UserFactory, assign_role
from .factories import ChannelFactory, ComplaintFactory, FactFactory, WarningFactory, complete_decision, signed_decision

DAY = datetime.timedelta(days=1)

CITIZEN = {
    "name": "Ola Brevmottaker",
    "address": "Storgata 12\nLeilighet H0301",
    "postal_code": "0155",
    "postal_city": "OSLO",
}
FACT_TEXT = "Bruker kastet en stol mot skranken i mottaket."
SECOND_FACT_TEXT = "Bruker ringte og sa: «Jeg vet hvor du bor.»"
WARNING_NOTE = "Advarsel sendt i posten etter hendelsen i mars."
RISK = "Bruker har gjentatt truslene to ganger etter advarselen."
PROPORTIONALITY = "Trusler om vold veier tyngre enn ulempen ved skriftlig kontakt."
ALTERNATIVES = "Muntlig og skriftlig advarsel og «to i samtale» er forsøkt."
EXTENSION = "Ny trussel 3. mars viser at risikoen fortsatt består."
CONTACT_PHONE = "22 11 33 44"
CHANNEL_PERSON = "Kari Kontakt"
CHANNEL_PHONE = "55 55 12 34"
CHANNEL_TIMES = "Tirsdager kl. 10–12"
CHANNEL_ADDRESS = "NAV Grünerløkka, Postboks 4, 0130 Oslo"
LIFT_REASON = "Bruker har beklaget skriftlig og fått ny saksbehandler."
COMPLAINT_SUMMARY = "Mener utestengingen var urimelig lang."
ANSWER = "Vi har vurdert klagen, men mener perioden er forholdsmessig."


# What each language must say, word for word: the legal wording is the point of these letters.
PHRASES = {
    "nb": {
        "title_decision": "Beslutning om utestenging fra NAVs lokaler",
        "title_phone": "Beslutning om restriksjon på telefonisk kommunikasjon med NAV",
        "title_both": "Beslutning om utestenging fra NAVs lokaler og restriksjon på telefonisk kommunikasjon med NAV",
        "title_extension": "Beslutning om forlengelse av utestenging fra NAVs lokaler",
        "title_lifting": "Beslutning om utestenging fra NAVs lokaler er opphevet",
        "title_notice": "Forhåndsvarsel: NAV vurderer utestenging fra NAVs lokaler",
        "title_complaint": "Svar på serviceklagen din",
        "covers_physical": "Personlig oppmøte i enhetenes lokaler",
        "covers_phone": "Kontakt med enhetene på telefon",
        "period": "Fra og med {start} til og med {end}",
        "date": "Vår dato {date}",
        "head": "Enhetsleder",
        "reference": "Vår referanse {case}",
        "leave": "vil du bli bedt om å forlate lokalet",
        "police": "Hvis du nekter å forlate lokalet, vil politiet bli kontaktet.",
        "phone_refused": "vil samtalen bli avsluttet",
        "no_appeal": "Beslutningen er administrativ og kan ikke påklages etter forvaltningsloven.",
        "service_complaint": "Du kan likevel sende en serviceklage på beslutningen via nav.no.",
        "municipal": "til Oslo kommune, som avgjør hvordan den behandles",
        "access": "Du har rett til innsyn i dokumentene i saken din etter personopplysningsloven og forvaltningsloven.",
        "contact": "Kontaktpersonen din i NAV er {who}, telefon {phone}.",
        "decided_by": "Besluttet av {who}",
        "deciding_unit": "Enhet som har fattet beslutningen {unit}",
        "decision_date": "Dato for beslutningen {date}",
        "alternative": "I perioden kan du kontakte oss slik:",
        "extends": "Vi har besluttet å forlenge beslutningen vår {case}",
        "notice_deadline": "Vi må ha fått uttalelsen din innen {deadline}.",
        "notice_how": "skriftlig via nav.no («Skriv til oss»)",
        "notice_letter": "i brev til {unit}, merket med vår referanse {case}",
        "notice_phone": "på telefon til {who}, telefon {phone}",
        "notice_considering": "vurderer å fatte beslutning om utestenging fra NAVs lokaler overfor deg",
        "lifted": "Beslutningen ble opphevet {date} og gjelder ikke lenger.",
        "back_again": "Du kan igjen oppsøke lokalene til NAV-enhetene nedenfor som vanlig.",
        "ombudsman": "Sivilombudet",
        "statement": "Vi mottok uttalelsen din {date}",
        "signature": "Brevet er godkjent elektronisk og har derfor ingen håndskrevet signatur.",
        "ident": "Fødselsnummer",
    },
    "nn": {
        "title_decision": "Avgjerd om utestenging frå lokala til NAV",
        "title_phone": "Avgjerd om restriksjon på telefonisk kommunikasjon med NAV",
        "title_both": "Avgjerd om utestenging frå lokala til NAV og restriksjon på telefonisk kommunikasjon med NAV",
        "title_extension": "Avgjerd om forlenging av utestenging frå lokala til NAV",
        "title_lifting": "Avgjerd om utestenging frå lokala til NAV er oppheva",
        "title_notice": "Førehandsvarsel: NAV vurderer utestenging frå lokala til NAV",
        "title_complaint": "Svar på serviceklaga di",
        "covers_physical": "Personleg oppmøte i lokala til einingane",
        "covers_phone": "Kontakt med einingane på telefon",
        "period": "Frå og med {start} til og med {end}",
        "date": "Vår dato {date}",
        "head": "Einingsleiar",
        "reference": "Vår referanse {case}",
        "leave": "vil du bli beden om å forlate lokalet",
        "police": "Dersom du nektar å forlate lokalet, vil politiet bli kontakta.",
        "phone_refused": "vil samtalen bli avslutta",
        "no_appeal": "Avgjerda er administrativ og kan ikkje påklagast etter forvaltningslova.",
        "service_complaint": "Du kan likevel sende ei serviceklage på avgjerda via nav.no.",
        "municipal": "til Oslo kommune, som avgjer korleis ho blir behandla",
        "access": "Du har rett til innsyn i dokumenta i saka di etter personopplysningslova og forvaltningslova.",
        "contact": "Kontaktpersonen din i NAV er {who}, telefon {phone}.",
        "decided_by": "Bestemt av {who}",
        "deciding_unit": "Eining som har teke avgjerda {unit}",
        "decision_date": "Dato for avgjerda {date}",
        "alternative": "I perioden kan du kontakte oss slik:",
        "extends": "Vi har bestemt å forlengje avgjerda vår {case}",
        "notice_deadline": "Vi må ha fått fråsegna di innan {deadline}.",
        "notice_how": "skriftleg via nav.no («Skriv til oss»)",
        "notice_letter": "i brev til {unit}, merkt med referansen vår, {case}",
        "notice_phone": "på telefon til {who}, telefon {phone}",
        "notice_considering": "vurderer å ta ei avgjerd om utestenging frå lokala til NAV overfor deg",
        "lifted": "Avgjerda vart oppheva {date} og gjeld ikkje lenger.",
        "back_again": "Du kan igjen oppsøkje lokala til NAV-einingane nedanfor som vanleg.",
        "ombudsman": "Sivilombodet",
        "statement": "Vi fekk fråsegna di {date}",
        "signature": "Brevet er godkjent elektronisk og har difor ingen handskriven signatur.",
        "ident": "Fødselsnummer",
    },
    "en": {
        "title_decision": "Decision on exclusion from NAV's premises",
        "title_phone": "Decision on restriction of phone contact with NAV",
        "title_both": "Decision on exclusion from NAV's premises and restriction of phone contact with NAV",
        "title_extension": "Decision to extend exclusion from NAV's premises",
        "title_lifting": "Decision on exclusion from NAV's premises is lifted",
        "title_notice": "Advance notice: NAV is considering exclusion from NAV's premises",
        "title_complaint": "Answer to your service complaint",
        "covers_physical": "Attending in person at the units' premises",
        "covers_phone": "Contacting the units by phone",
        "period": "From {start} to and including {end}",
        "date": "Our date {date}",
        "head": "Head of unit",
        "reference": "Our reference {case}",
        "leave": "you will be asked to leave",
        "police": "If you refuse to leave, the police will be called.",
        "phone_refused": "the call will be ended",
        "no_appeal": "It cannot be appealed under the Public Administration Act (forvaltningsloven).",
        "service_complaint": "You can still send a service complaint about the decision via nav.no.",
        "municipal": "to the municipality of Oslo, which decides how it is handled",
        "access": "You have the right of access (innsyn) to the documents in your case under the Personal Data Act "
        "(personopplysningsloven) and the Public Administration Act (forvaltningsloven).",
        "contact": "Your contact person at NAV is {who}, phone {phone}.",
        "decided_by": "Decided by {who}",
        "deciding_unit": "Deciding unit {unit}",
        "decision_date": "Date of the decision {date}",
        "alternative": "During the period you can contact us like this:",
        "extends": "We have decided to extend our decision {case}",
        "notice_deadline": "We must have your statement by {deadline}.",
        "notice_how": "in writing via nav.no (“Write to us”)",
        "notice_letter": "by letter to {unit}, marked with our reference {case}",
        "notice_phone": "by phone to {who}, phone {phone}",
        "notice_considering": "is considering a decision on exclusion from NAV's premises concerning you",
        "lifted": "The decision was lifted on {date} and no longer applies.",
        "back_again": "You may again come to the premises of the NAV units listed below as usual.",
        "ombudsman": "Parliamentary Ombudsman (Sivilombudet)",
        "statement": "We received your statement on {date}",
        "signature": "This letter has been approved electronically and therefore has no handwritten signature.",
        "ident": "National identity number",
    },
}


def leader_of(unit, username: str = "leder_brev"):
    leader = UserFactory(
        username=username, first_name="Lene", last_name="Leder", title="Enhetsleder", phone=CONTACT_PHONE
    )
    assign_role(leader, unit, Role.ENHETSLEDER)
    return leader


def neighbour_office(unit):
    """Another NAV office in the same municipality, covered by a municipality-wide decision."""
    return UnitFactory(
        number="0328", name="NAV Grorud", municipality_number=unit.municipality_number,
        municipality_name=unit.municipality_name, region=unit.region,
    )


def _details(decision, *, covered) -> None:
    decision.facts.all().delete()
    decision.channels.all().delete()
    FactFactory(decision=decision, occurred_on=timezone.localdate() - 12 * DAY, description=FACT_TEXT)
    FactFactory(decision=decision, occurred_on=timezone.localdate() - 3 * DAY, description=SECOND_FACT_TEXT)
    WarningFactory(decision=decision, form=WarningForm.WRITTEN, note=WARNING_NOTE)
    ChannelFactory(
        decision=decision, channel=ChannelKind.PHONE, person_name=CHANNEL_PERSON, phone=CHANNEL_PHONE,
        times=CHANNEL_TIMES,
    )
    ChannelFactory(decision=decision, channel=ChannelKind.WRITTEN, person_name="", phone="", times="",
                   address=CHANNEL_ADDRESS)
    decision.covered_units.set(covered)
    # Built as a decision from before the alternatives were assessed one by one: its free text is what shows.
    decision.alternative_assessments.all().delete()


def case_for(kind: LetterKind, *, unit, leader, language: str, measure: str = Kind.FYUS, covered=None):
    """A decision with every detail its letter of ``kind`` shows, and the pending letter itself."""
    citizen = CitizenFactory(**CITIZEN, preferred_language=language)
    covered = covered or [unit]
    common = {
        "unit": unit, "citizen": citizen, "created_by": leader, "kind": measure, "letter_language": language,
        "contact_person": leader, "risk_of_repetition": RISK, "proportionality": PROPORTIONALITY,
        "alternatives": ALTERNATIVES, "scope": Scope.MUNICIPALITY if len(covered) > 1 else Scope.UNIT,
    }
    complaint = None
    if kind == LetterKind.NOTICE:
        decision = complete_decision(
            status=Status.NOTICE_SENT, responsible_leader=leader, notice_status=NoticeStatus.SENT,
            notice_sent_on=timezone.localdate() - DAY, notice_method=NoticeMethod.LETTER,
            notice_deadline=timezone.localdate() + 13 * DAY, statement_status=StatementStatus.AWAITING,
            notice_not_possible_reason="", valid_from=timezone.localdate() + 14 * DAY,
            valid_to=timezone.localdate() + 41 * DAY, **common,
        )
    elif kind == LetterKind.EXTENSION:
        old = signed_decision(signed_by=leader, valid_from=timezone.localdate() - 20 * DAY, **common)
        decision = signed_decision(
            signed_by=leader, status=Status.SIGNED, valid_from=old.valid_to + DAY, extends=old,
            extension_assessment=EXTENSION, **common,
        )
    else:
        decision = signed_decision(
            signed_by=leader, notice_status=NoticeStatus.SENT, notice_sent_on=timezone.localdate() - 20 * DAY,
            notice_deadline=timezone.localdate() - 10 * DAY, statement_status=StatementStatus.RECEIVED,
            statement="Jeg er uenig.", statement_received_on=timezone.localdate() - 12 * DAY,
            notice_not_possible_reason="", **common,
        )
        if kind == LetterKind.LIFTING:
            decision.status, decision.lifted_on, decision.lift_reason = Status.LIFTED, timezone.localdate(), LIFT_REASON
            decision.save()
        if kind == LetterKind.COMPLAINT_ANSWER:
            complaint = ComplaintFactory(
                decision=decision, summary=COMPLAINT_SUMMARY, answered_on=timezone.localdate(),
                answer_summary=ANSWER, answered_by=leader, registered_by=leader,
            )
    _details(decision, covered=covered)
    letter = Letter.objects.create(
        decision=decision, kind=kind, complaint=complaint, language=language, created_by=leader
    )
    return decision, letter


def pdf_text(pdf: bytes) -> str:
    """All text of a PDF on one line, whitespace collapsed, so phrases match across line breaks."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages)).strip()


def d(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")
