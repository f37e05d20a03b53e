"""The right-of-access section of the decisions app: every decision about the citizen, in full."""

from django.utils import timezone
from django.utils.translation import gettext as _

from nav_sikkerhet.core import citizen_data
from nav_sikkerhet.core.access import InnsynScope
from nav_sikkerhet.core.citizen_data import Section, label, person
from nav_sikkerhet.core.models import Citizen

from .models import (
    AlternativeAssessment,
    AlternativeChannel,
    Breach,
    ChannelKind,
    Decision,
    Fact,
    Letter,
    Registration,
    ServiceComplaint,
)

ASSESSMENTS = [
    "case_informed", "risk_of_repetition", "clear_need", "alternatives", "proportionality", "other_measures",
    "whole_situation", "other_units_views", "duration_assessment", "extension_assessment",
]
DECISION_FIELDS = [
    "kind", "status", "scope", "covered_units", "valid_from", "valid_to", "grounds", "notice_status",
    "notice_sent_on", "notice_method", "notice_deadline", "notice_not_possible_reason", "statement_status",
    "statement", "statement_received_on", "letter_language", "signed_by", "signed_at", "signed_as",
    "acting_reason", "told_orally_on", "written_delivery", "delivered_on", "lifted_on", "lift_reason",
    "closed_reason", "extends", "created_at",
]


def _local(moment):
    return timezone.localtime(moment) if moment else None


def _labels() -> dict[str, str]:
    labels = {name: label(Decision, name) for name in DECISION_FIELDS}
    labels.update(
        case_number=_("case number"),
        unit=label(Decision, "unit"),
        assessments=_("assessments"),
        topic=_("topic"),
        digital_channels=label(Decision, "digital_channels"),
        alternatives_assessed=str(AlternativeAssessment._meta.verbose_name_plural),
        alternative=label(AlternativeAssessment, "alternative"),
        outcome=label(AlternativeAssessment, "outcome"),
        tried_on=label(AlternativeAssessment, "tried_on"),
        warning=label(AlternativeAssessment, "warning"),
        measure=label(AlternativeAssessment, "measure"),
        why=label(AlternativeAssessment, "reason"),
        text=_("assessment"),
        extensions=_("extensions"),
        facts=str(Fact._meta.verbose_name_plural),
        occurred_on=label(Fact, "occurred_on"),
        description=label(Fact, "description"),
        alternative_channels=str(AlternativeChannel._meta.verbose_name_plural),
        channel=label(AlternativeChannel, "channel"),
        person_name=label(AlternativeChannel, "person_name"),
        phone=label(AlternativeChannel, "phone"),
        times=label(AlternativeChannel, "times"),
        address=label(AlternativeChannel, "address"),
        place=label(AlternativeChannel, "place"),
        other_details=label(AlternativeChannel, "note"),
        registrations=str(Registration._meta.verbose_name_plural),
        registration=label(Registration, "kind"),
        done_on=label(Registration, "done_on"),
        reference=label(Registration, "reference"),
        done_by=label(Registration, "done_by"),
        complaints=str(ServiceComplaint._meta.verbose_name_plural),
        received_on=label(ServiceComplaint, "received_on"),
        from_whom=label(ServiceComplaint, "from_whom"),
        summary=label(ServiceComplaint, "summary"),
        answered_on=label(ServiceComplaint, "answered_on"),
        answer_summary=label(ServiceComplaint, "answer_summary"),
        answered_by=label(ServiceComplaint, "answered_by"),
        breaches=str(Breach._meta.verbose_name_plural),
        occurred_at=label(Breach, "occurred_at"),
        breach_channel=label(Breach, "channel"),
        asked_to_leave=label(Breach, "asked_to_leave"),
        police_called=label(Breach, "police_called"),
        registered_by=label(Breach, "registered_by"),
        registered_at=label(Breach, "created_at"),
        letters=str(Letter._meta.verbose_name_plural),
        letter_kind=label(Letter, "kind"),
        language=label(Letter, "language"),
        letter_status=label(Letter, "status"),
        produced_at=label(Letter, "generated_at"),
        sha256=label(Letter, "sha256"),
    )
    return labels


def _decision(decision: Decision) -> dict:
    return {
        "case_number": decision.case_number,
        "kind": decision.get_kind_display(),
        "status": decision.get_status_display(),
        "unit": str(decision.unit),
        "scope": decision.get_scope_display(),
        "covered_units": [str(unit) for unit in decision.covered_units.all()],
        "valid_from": decision.valid_from,
        "valid_to": decision.valid_to,
        "grounds": decision.ground_labels(),
        "assessments": [
            {"topic": label(Decision, name), "text": getattr(decision, name)}
            for name in ASSESSMENTS
            if getattr(decision, name).strip()
        ],
        "digital_channels": decision.get_digital_channel_labels(),
        "facts": [{"occurred_on": f.occurred_on, "description": f.description} for f in decision.facts.all()],
        "alternatives_assessed": [
            {
                "alternative": a.get_alternative_display(),
                "outcome": a.get_outcome_display(),
                "tried_on": a.tried_on,
                "warning": f"{a.warning.get_form_display()} {a.warning.given_on:%d.%m.%Y}" if a.warning_id else "",
                "measure": f"{a.measure.case_number} {a.measure.get_kind_display()}" if a.measure_id else "",
                "why": a.reason,
            }
            for a in decision.alternative_assessments.all()
        ],
        "alternative_channels": [
            {
                "channel": ChannelKind(c.channel).label,
                "person_name": c.person_name,
                "phone": c.phone,
                "times": c.times,
                "address": c.address,
                "place": c.place,
                "other_details": c.note,
            }
            for c in decision.channels.all()
        ],
        "notice_status": decision.get_notice_status_display(),
        "notice_sent_on": decision.notice_sent_on,
        "notice_method": decision.get_notice_method_display(),
        "notice_deadline": decision.notice_deadline,
        "notice_not_possible_reason": decision.notice_not_possible_reason,
        "statement_status": decision.get_statement_status_display(),
        "statement": decision.statement,
        "statement_received_on": decision.statement_received_on,
        "letter_language": decision.get_letter_language_display(),
        "signed_by": person(decision.signed_by),
        "signed_at": _local(decision.signed_at),
        "signed_as": decision.get_signed_as_display(),
        # Why the acting head decided, in their words where they gave the reason as "other".
        "acting_reason": decision.acting_reason_text or decision.get_acting_reason_display(),
        "told_orally_on": decision.told_orally_on,
        "written_delivery": decision.get_written_delivery_display(),
        "delivered_on": decision.delivered_on,
        "lifted_on": decision.lifted_on,
        "lift_reason": decision.lift_reason,
        "closed_reason": decision.closed_reason,
        "extends": decision.extends.case_number if decision.extends_id else "",
        "extensions": [extension.case_number for extension in decision.extensions.all()],
        "registrations": [
            {"registration": r.get_kind_display(), "done_on": r.done_on, "reference": r.reference,
             "done_by": person(r.done_by)}
            for r in decision.registrations.all()
        ],
        "complaints": [
            {
                "received_on": c.received_on,
                "from_whom": c.from_whom,
                "summary": c.summary,
                "answered_on": c.answered_on,
                "answer_summary": c.answer_summary,
                "answered_by": person(c.answered_by),
            }
            for c in decision.complaints.all()
        ],
        "breaches": [
            {
                "occurred_at": _local(b.occurred_at),
                "breach_channel": b.get_channel_display(),
                "description": b.description,
                "asked_to_leave": b.asked_to_leave,
                "police_called": b.police_called,
                "registered_by": person(b.registered_by),
                "registered_at": _local(b.created_at),
            }
            for b in decision.breaches.all()
        ],
        "letters": [
            {
                "letter_kind": letter.get_kind_display(),
                "language": letter.get_language_display(),
                "letter_status": letter.get_status_display(),
                "produced_at": _local(letter.generated_at),
                "sha256": letter.sha256,
            }
            for letter in decision.letters.all()
        ],
        "created_at": _local(decision.created_at),
    }


def decisions_section(citizen: Citizen, scope: InnsynScope) -> Section:
    """Every decision about the citizen made by a unit in the scope, oldest first, with everything recorded on it.

    By deciding unit, as the case pages: a unit merely covered by another's decision does not see its case.
    """
    decisions = Decision.objects.filter(citizen=citizen)
    if not scope.complete:
        decisions = decisions.filter(unit_id__in=scope.unit_ids)
    decisions = (
        decisions
        .select_related("unit", "signed_by", "extends")
        .prefetch_related(
            "covered_units", "facts", "channels", "extensions", "alternative_assessments__warning",
            "alternative_assessments__measure", "registrations__done_by",
            "complaints__answered_by", "breaches__registered_by", "letters",
        )
        .order_by("created_at", "pk")
    )
    return Section(
        _("Decisions on exclusion and phone restriction"), [_decision(d) for d in decisions], _labels()
    )


def register() -> None:
    citizen_data.register(decisions_section)
