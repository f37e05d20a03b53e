"""Letters to the citizen, rendered with WeasyPrint from Django templates to archivable PDF/A.

Pure: a letter (with its decision and rows loaded by :func:`letter_for_rendering`) → context →
HTML → PDF bytes. Nothing here writes; ``services.letter_generate`` stores the bytes once, with
their SHA-256, and never again. The letter's language is the one chosen for the citizen
(``Decision.letter_language``, copied to ``Letter.language`` when the letter is requested).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hendelser import selectors as incident_selectors
from hendelser.models import WarningForm
from nav_sikkerhet.core import phones
from nav_sikkerhet.core.identity import IdentKind
from nav_sikkerhet.core.models import HEAD_ROLES, Employer, Role, RoleAssignment, UnitType
from nav_sikkerhet.core.pdf import FONT_FILES, PDF_VARIANT, FontsOnly, font_urls, html_to_pdfa  # noqa: F401

from . import rules
from .models import (
    NAV_GENERAL_PHONE,
    ActingReason,
    AlternativeAssessment,
    AlternativeChannel,
    AlternativeOutcome,
    ChannelKind,
    Decision,
    Kind,
    LessIntrusiveMeasure,
    Letter,
    LetterKind,
    NoticeStatus,
    SignedAs,
    StatementStatus,
)

# NAV's general phone number, in the footer only: never given as a staff member's number.
NAV_PHONE = NAV_GENERAL_PHONE
DATE_FORMAT = "%d.%m.%Y"
# A Norwegian postal address needs no country line.
DOMESTIC = {"", "norge", "noreg", "norway", "no"}

TEMPLATES = {
    LetterKind.NOTICE: "utestenging/letters/notice.html",
    LetterKind.DECISION: "utestenging/letters/decision.html",
    LetterKind.EXTENSION: "utestenging/letters/decision.html",
    LetterKind.LIFTING: "utestenging/letters/lifting.html",
    LetterKind.COMPLAINT_ANSWER: "utestenging/letters/complaint_answer.html",
}


# Kept under their old names: the letters, views and tests use them from here.
_FontsOnly = FontsOnly


def letter_for_rendering(letter_id: int, *, lock: bool = False) -> Letter:
    """The letter with everything its template shows, in a fixed number of queries (locked if asked)."""
    letters = Letter.objects.select_for_update(of=("self",)) if lock else Letter.objects.all()
    return (
        letters.select_related(
            "decision__citizen",
            "decision__unit",
            "decision__signed_by",
            "decision__responsible_leader",
            "decision__contact_person",
            "decision__extends",
            "decision__created_by",
            "complaint__answered_by",
            "created_by",
        )
        .prefetch_related(
            "decision__facts", "decision__covered_units",
            Prefetch("decision__alternative_assessments",
                     queryset=AlternativeAssessment.objects.select_related("warning")),
            Prefetch("decision__channels", queryset=AlternativeChannel.objects.select_related("unit")),
        )
        .get(pk=letter_id)
    )


def _date(day: datetime.date | None) -> str:
    return day.strftime(DATE_FORMAT) if day else ""


def letter_date(letter: Letter) -> datetime.date:
    """The date the letter carries: when the notice was sent, the decision signed, the complaint answered."""
    decision = letter.decision
    if letter.kind == LetterKind.NOTICE:
        # The day the system produced it: a notice is never dated before it existed (§4).
        return timezone.localdate(letter.created_at)
    if letter.kind in (LetterKind.DECISION, LetterKind.EXTENSION) and decision.signed_at:
        return timezone.localdate(decision.signed_at)
    if letter.kind == LetterKind.COMPLAINT_ANSWER and letter.complaint.answered_on:
        return letter.complaint.answered_on
    return timezone.localdate(letter.created_at)


@dataclass(frozen=True)
class Person:
    """A staff member as the letter names them: name, title and a phone number to call."""

    name: str
    title: str
    phone: str

    @property
    def label(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


def _capacity(signed_as: str) -> str:
    if signed_as == SignedAs.ACTING:
        return pgettext("capacity", "acting head of unit")
    return pgettext("capacity", "head of unit")


# A staff member's title in the letter's language comes from their role in the unit, not the free-text profile.
ROLE_ORDER = [Role.ENHETSLEDER, Role.STEDFORTREDER, Role.SAKSBEHANDLER, Role.KONTAKTSENTER, Role.MOTTAK, Role.HMS]


def _roles_in(unit, users) -> dict[int, set[str]]:
    """Each staff member's roles in the unit, in one query."""
    roles: dict[int, set[str]] = {}
    for user_id, role in RoleAssignment.objects.filter(unit=unit, user__in=[u for u in users if u]).values_list(
        "user_id", "role"
    ):
        roles.setdefault(user_id, set()).add(role)
    return roles


def _role_title(user, roles_by_user: dict[int, set[str]]) -> str:
    roles = roles_by_user.get(getattr(user, "pk", None), set())
    role = next((r for r in ROLE_ORDER if r in roles), None)
    if role == Role.ENHETSLEDER:
        return capfirst(_capacity(SignedAs.HEAD))
    if role == Role.STEDFORTREDER:
        return capfirst(_capacity(SignedAs.ACTING))
    return str(Role(role).label) if role else ""


def _person(user, title: str, blocked=(NAV_PHONE,)) -> Person | None:
    """A staff member as the letter names them; only their own direct number, never NAV's general number nor a
    number in ``blocked``."""
    if user is None:
        return None
    phone = phones.normalised(user.phone) if rules.has_direct_phone(user, blocked) else ""
    return Person(name=user.get_full_name() or user.username, title=title, phone=phone)


def unit_phone(unit) -> str:
    """The number the letter gives for the unit: its own, else NAV's general number."""
    return unit.phone or NAV_PHONE


def phone_restricted(letter: Letter, kind: Kind) -> bool:
    """Whether the letter speaks while a phone restriction applies: every letter of one but the lifting letter."""
    return kind.phone and letter.kind != LetterKind.LIFTING


def numbers_not_to_print(letter: Letter, kind: Kind, covered) -> list[str]:
    """Numbers a letter never prints as somebody's line: NAV's general number, and while a phone restriction
    applies any covered unit's switchboard, so the citizen is not told to call where the call is turned away."""
    return rules.blocked_numbers(covered) if phone_restricted(letter, kind) else [NAV_PHONE]


def _channel_lines(channel, blocked=()) -> list[tuple[str, str]]:
    """The concrete details of one alternative service channel, label first (a blocked number left out)."""
    details = [
        (_("Contact person"), channel.person_name),
        (_("Phone"), "" if phones.is_one_of(channel.phone, blocked) else channel.phone),
        (_("When"), channel.times),
        (_("Address"), channel.address),
        (_("Meeting place"), channel.place),
        (_("NAV unit"), channel.unit.name if channel.unit_id else ""),
        (_("Other details"), channel.note),
    ]
    return [(label, value) for label, value in details if value and value.strip()]


def _alternatives(decision: Decision) -> list[tuple[str, str, str]]:
    """Each less intrusive alternative as the letter explains it: what it was, how it was weighed, and why."""
    order = {value: index for index, value in enumerate(LessIntrusiveMeasure.values)}
    rows = sorted(decision.alternative_assessments.all(), key=lambda row: order.get(row.alternative, len(order)))
    explained = []
    for row in rows:
        if row.outcome == AlternativeOutcome.TRIED and row.measure_id:
            outcome = _("Tried: %(measure)s from %(date)s, and it was not enough") % {
                "measure": _measure(Kind(row.measure.kind)), "date": _date(row.measure.valid_from)}
        elif row.outcome == AlternativeOutcome.TRIED and row.warning_id:
            outcome = _("Tried: %(warning)s of %(date)s, and it was not enough") % {
                "warning": _warning(row.warning.form).lower(), "date": _date(row.warning.given_on)}
        elif row.outcome == AlternativeOutcome.TRIED:
            outcome = _("Tried on %(date)s, and it was not enough") % {"date": _date(row.tried_on)}
        else:
            outcome = str(AlternativeOutcome(row.outcome).label)
        explained.append((str(LessIntrusiveMeasure(row.alternative).label), outcome, row.reason))
    return explained


def _warning(form: str) -> str:
    return _("Written warning") if form == WarningForm.WRITTEN else _("Oral warning")


def _measure(kind: Kind) -> str:
    return {
        Kind.FYUS: _("exclusion from NAV's premises"),
        Kind.TFUS: _("restriction of phone contact with NAV"),
        Kind.FTUS: _("exclusion from NAV's premises and restriction of phone contact with NAV"),
        Kind.TOAN: _("two staff in every meeting with you"),
        Kind.DIUS: _("restriction of digital contact with NAV"),
        Kind.REGULATED_APPOINTMENTS: _("meetings with you only at booked appointments"),
        Kind.CHANGE_OF_CASEWORKER: _("a change of your caseworker"),
        Kind.PROTECTIVE_MEASURES: _("protective measures when you visit NAV's premises"),
    }[kind]


def _title(letter: Letter, kind: Kind) -> str:
    measure = _measure(kind)
    return {
        LetterKind.NOTICE: _("Advance notice: NAV is considering %(measure)s"),
        LetterKind.DECISION: _("Decision on %(measure)s"),
        LetterKind.EXTENSION: _("Decision to extend %(measure)s"),
        LetterKind.LIFTING: _("Decision on %(measure)s is lifted"),
        LetterKind.COMPLAINT_ANSWER: _("Answer to your service complaint"),
    }[LetterKind(letter.kind)] % {"measure": measure}


def context(letter: Letter) -> dict:
    """Everything the letter templates show, as plain strings and lists, in the letter's language.

    Call inside ``translation.override(letter.language)``: labels are translated here.
    """
    decision: Decision = letter.decision
    citizen, unit = decision.citizen, decision.unit
    kind = Kind(decision.kind)
    covered = list(decision.covered_units.all()) or [unit]
    blocked = numbers_not_to_print(letter, kind, covered)
    phone = unit_phone(unit)
    # The footer's number is the unit's switchboard or NAV's general number: left out while it may not be called.
    phone = "" if phone_restricted(letter, kind) and phones.is_one_of(phone, blocked) else phone
    signer = _person(decision.signed_by, capfirst(_capacity(decision.signed_as)), blocked)
    contact_user = decision.effective_contact or decision.signed_by or letter.created_by
    answered_by = letter.complaint.answered_by if letter.complaint else None
    roles = _roles_in(unit, [contact_user, letter.created_by, answered_by])
    contact = _person(contact_user, _role_title(contact_user, roles), blocked)
    ident = citizen.personident
    complaint = letter.complaint
    extends = decision.extends
    to_representative = bool(complaint and complaint.representative_name)
    addressee_lines = complaint.representative_address.splitlines() if to_representative else []
    # An address typed for this case replaces the register's (§6): the whole address, postal line included.
    typed = [] if to_representative else rules.postal_lines(decision, citizen) if decision.postal_address else []
    # A notice that was sent stands: no letter may then say that notice was not possible (§4).
    notice_sent = decision.notice_sent_on is not None
    return {
        "letter": letter,
        "decision": decision,
        "title": _title(letter, kind),
        "language": letter.language,
        "fonts": font_urls(),
        "date": _date(letter_date(letter)),
        "created_iso": letter_date(letter).isoformat(),
        "reference": decision.case_number,
        "unit_name": unit.name,
        "unit_number": unit.number,
        "municipality": unit.municipality_name,
        "municipal_route": _municipal_route(decision.signed_employer, unit),
        "nav_phone": NAV_PHONE,
        "unit_phone": phone,
        "unit_postal_lines": unit.postal_lines,
        # A complaint from a representative is answered to them (the address block), with a copy to the citizen.
        "citizen_name": complaint.representative_name if to_representative else citizen.name,
        "address_lines": [line for line in (addressee_lines or typed or citizen.address.splitlines()) if line.strip()],
        "postal_line": "" if to_representative or typed else f"{citizen.postal_code} {citizen.postal_city}".strip(),
        "country": "" if to_representative or typed or citizen.country.strip().lower() in DOMESTIC
        else citizen.country,
        "to_representative": to_representative,
        "about_citizen": citizen.name,
        "copy_to": _copy_to(decision, citizen, complaint),
        "ident_label": _("D number") if citizen.ident_kind == IdentKind.DNR else _("National identity number"),
        "ident": f"{ident[:6]} {ident[6:]}",
        "physical": kind.physical,
        "phone": kind.phone,
        "measure": _measure(kind),
        "valid_from": _date(decision.valid_from),
        "valid_to": _date(decision.valid_to),
        "units": [f"{u.number} {u.name}" for u in covered],
        "facts": [(_date(f.occurred_on), f.description) for f in decision.facts.all()],
        # The citizen's warnings given by the day of the letter: what the decision could rest on.
        "warnings": [(_date(w.given_on), _warning(w.form), w.note)
                     for w in incident_selectors.warnings_of(citizen_id=decision.citizen_id)
                     if w.given_on <= letter_date(letter)],
        "grounds": decision.ground_labels(),
        "case_informed": decision.case_informed,
        "risk_of_repetition": decision.risk_of_repetition,
        "clear_need": decision.clear_need,
        "alternatives": decision.alternatives,
        "alternatives_assessed": _alternatives(decision),
        "proportionality": decision.proportionality,
        "duration_assessment": decision.duration_assessment,
        "extension_assessment": decision.extension_assessment,
        "extends_reference": extends.case_number if extends else "",
        "extends_from": _date(extends.valid_from) if extends else "",
        "extends_to": _date(extends.valid_to) if extends else "",
        "channels": [(ChannelKind(c.channel).label, _channel_lines(c, blocked)) for c in decision.channels.all()],
        "notice_sent": notice_sent,
        "notice_not_possible": not notice_sent and decision.notice_status == NoticeStatus.NOT_POSSIBLE,
        "notice_not_possible_reason": decision.notice_not_possible_reason,
        "notice_sent_on": _date(decision.notice_sent_on),
        "notice_deadline": _date(decision.notice_deadline),
        "statement_received": decision.statement_status == StatementStatus.RECEIVED,
        "statement_received_on": _date(decision.statement_received_on),
        "statement_missing": decision.statement_status == StatementStatus.NONE_RECEIVED,
        "statement": decision.statement,
        "statement_assessment": decision.statement_assessment,
        "signer": signer,
        "signer_reason": _acting_reason(decision),
        "contact": contact,
        "sender": _person(letter.created_by, _role_title(letter.created_by, roles), blocked),
        "lifted_on": _date(decision.lifted_on),
        "lift_reason": decision.lift_reason,
        "complaint_from": complaint.from_whom if complaint else "",
        "complaint_received_on": _date(complaint.received_on) if complaint else "",
        "complaint_summary": complaint.summary if complaint else "",
        "answer": complaint.answer_summary if complaint else "",
        "answered_by": _person(complaint.answered_by, _role_title(complaint.answered_by, roles), blocked)
        if complaint else None,
    }


def _copy_to(decision: Decision, citizen, complaint) -> list[str]:
    """Who gets a copy of any letter: the decision's representative always, whoever the letter is addressed to;
    and the citizen, when an answer to a complaint goes to the representative who made it."""
    copies = []
    addressed_to = complaint.representative_name.strip() if complaint and complaint.representative_name else ""
    if addressed_to:
        copies.append(citizen.name)
    name = decision.representative_name.strip()
    if name and name.casefold() != addressed_to.casefold():
        address = ", ".join(line.strip() for line in decision.representative_address.splitlines() if line.strip())
        role = _("representative")
        copies.append(f"{name} ({role}), {address}")
    return copies


def _acting_reason(decision: Decision) -> str:
    """Why the acting head decided, as the letter says it beside their name (§4, §9.2)."""
    if decision.signed_as != SignedAs.ACTING or not decision.acting_reason:
        return ""
    if decision.acting_reason == ActingReason.OTHER:
        return decision.acting_reason_text
    return str(ActingReason(decision.acting_reason).label)


def _municipal_route(employer: str, unit) -> bool:
    """Whether a complaint goes the municipality's way: a municipal leader at a NAV office decided (§6)."""
    return employer == Employer.MUNICIPALITY and unit.unit_type == UnitType.NAV_KONTOR


def employer_in(unit, user) -> str:
    """The employer recorded on the user's leader role in the unit (the state outside NAV offices)."""
    employers = RoleAssignment.objects.filter(unit=unit, user=user, role__in=list(HEAD_ROLES)).values_list(
        "employer", flat=True)
    return rules.signer_employer(employers, unit)


def render_html(letter: Letter, *, draft: bool = False) -> str:
    """The letter as HTML, in the letter's language; a draft is marked as such and says what is not yet right."""
    with translation.override(letter.language):
        values = context(letter)
        if draft:
            values["draft"] = True
            # Not signed yet: the letter names the leader looking at it, in the capacity they would sign in.
            values["signer"] = values["signer"] or _person(
                letter.created_by, _role_title(letter.created_by, _roles_in(letter.decision.unit, [letter.created_by]))
            )
            if not letter.decision.signed_by_id:
                values["municipal_route"] = _municipal_route(
                    employer_in(letter.decision.unit, letter.created_by), letter.decision.unit
                )
            draft_mark = _("DRAFT")
            values["title"] = f"{draft_mark} – {values['title']}"
            values["not_to_citizen"] = [
                str(label) for label in rules.texts_not_to_citizen(quoted_texts(letter.decision))
            ]
        return render_to_string(TEMPLATES[LetterKind(letter.kind)], values)


def quoted_texts(decision: Decision) -> list[tuple[str, str]]:
    """The texts the decision letter quotes to the citizen, with their labels: facts and reasons."""
    fact = _("Fact")
    texts = [(f"{fact} {f.occurred_on:%d.%m.%Y}", f.description) for f in decision.facts.all()]
    for name in ("risk_of_repetition", "clear_need", "alternatives", "proportionality", "duration_assessment",
                 "extension_assessment", "statement_assessment"):
        texts.append((str(Decision._meta.get_field(name).verbose_name), getattr(decision, name)))
    texts += [(str(LessIntrusiveMeasure(row.alternative).label), row.reason)
              for row in decision.alternative_assessments.all()]
    return texts


def draft_letter(decision: Decision, by) -> Letter:
    """The decision letter the leader is about to sign, unsaved: previewed, never archived."""
    kind = LetterKind.EXTENSION if decision.extends_id else LetterKind.DECISION
    return Letter(decision=decision, kind=kind, language=decision.letter_language, created_by=by,
                  created_at=timezone.now())


def html_to_pdf(html: str) -> bytes:
    """HTML to PDF/A bytes with the letter fonts embedded. Title and language come from the HTML."""
    return html_to_pdfa(html)


def render_pdf(letter: Letter) -> bytes:
    return html_to_pdf(render_html(letter))


def filename(letter: Letter) -> str:
    """The download name: case number and kind, never the identity number."""
    suffix = f"-{letter.sequence}" if letter.sequence > 1 else ""
    if letter.complaint_id:
        suffix = f"-{letter.complaint_id}"
    return f"{letter.decision.case_number}-{letter.kind}{suffix}-{letter.language}.pdf"
