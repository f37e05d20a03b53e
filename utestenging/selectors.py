"""Reads of decisions with access control: what a user may not see answers 404."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Unit, User
from nav_sikkerhet.core.services import audit_log_record

from . import rules
from .models import (
    EDITABLE_STATUSES,
    IN_FORCE_STATUSES,
    Breach,
    Decision,
    Kind,
    Letter,
    Registration,
    ServiceComplaint,
    Status,
)

EXPIRING_WITHIN_DAYS = 21
RECENTLY_EXPIRED_DAYS = 30


def visible_decisions(user) -> QuerySet[Decision]:
    """Decisions of the units where the user may view decisions."""
    return Decision.objects.filter(unit__in=access.units_with_perm(user, Perm.VIEW_DECISIONS))


def decision_for_visible(*, user, public_id) -> Decision:
    """One decision the user may see, or 404. Writes no audit line: use it when nothing is shown yet."""
    try:
        return (
            visible_decisions(user)
            .select_related(
                "citizen", "unit", "responsible_leader", "contact_person", "signed_by", "extends", "created_by"
            )
            .get(public_id=public_id)
        )
    except (Decision.DoesNotExist, ValueError) as error:
        raise Http404 from error


def audit_decision_display(*, user, decision: Decision, request=None, action: str = "decision.view") -> None:
    audit_log_record(
        actor=user,
        citizen=decision.citizen,
        action=action,
        message=_("Decision %(case)s shown"),
        message_args={"case": decision.case_number},
        request=request,
    )


def decision_for_display(*, user, public_id, request=None, action: str = "decision.view") -> Decision:
    """One decision for a page that shows the citizen's data: 404 unless visible, and one audit line."""
    decision = decision_for_visible(user=user, public_id=public_id)
    audit_decision_display(user=user, decision=decision, request=request, action=action)
    return decision


def timeline(decision: Decision):
    return decision.events.select_related("actor").order_by("at", "pk")


def missing_registrations(decision: Decision, done: list[Registration] | None = None) -> list[str]:
    if decision.status not in (Status.SIGNED, Status.ACTIVE, Status.EXPIRED, Status.LIFTED):
        return []
    kinds = {r.kind for r in (done if done is not None else decision.registrations.all())}
    return [kind for kind in rules.required_registrations(decision.unit) if kind not in kinds]


@dataclass(frozen=True)
class ExistingCase:
    decision: Decision
    # Whether the user may open the case (its unit is one of theirs); others are named, not linked.
    visible: bool


@dataclass(frozen=True)
class ExistingCases:
    """The citizen's measures in force or signed, and cases under preparation, in any unit."""

    in_force: list[ExistingCase]
    under_preparation: list[ExistingCase]

    def __bool__(self) -> bool:
        return bool(self.in_force or self.under_preparation)


def existing_cases(*, user, citizen_id: int, today: datetime.date | None = None) -> ExistingCases:
    """What a caseworker must see before opening a new draft about the citizen. Lists no personal data: the
    page that shows it writes the audit line."""
    today = today or timezone.localdate()
    decisions = (
        Decision.objects.filter(citizen_id=citizen_id)
        .filter(Q(status__in=IN_FORCE_STATUSES, valid_to__gte=today) | Q(status__in=EDITABLE_STATUSES))
        .select_related("unit")
        .order_by("valid_from", "created_at", "pk")
    )
    visible_units = access.unit_ids_with_perm(user, Perm.VIEW_DECISIONS)
    cases = [ExistingCase(decision, decision.unit_id in visible_units) for decision in decisions]
    return ExistingCases(
        in_force=[case for case in cases if case.decision.status in IN_FORCE_STATUSES],
        under_preparation=[case for case in cases if case.decision.status in EDITABLE_STATUSES],
    )


def audit_citizen_for_new_case(*, user, citizen, request=None) -> None:
    """The new-case page shows the chosen citizen and their cases: one audit line."""
    audit_log_record(
        actor=user,
        citizen=citizen,
        action="decision.create_check",
        message=_("Citizen and existing cases shown before opening a new case"),
        request=request,
    )


@dataclass
class LeaderOverview:
    drafts: list[Decision] = field(default_factory=list)
    awaiting_statement: list[Decision] = field(default_factory=list)
    ready: list[Decision] = field(default_factory=list)
    active: list[Decision] = field(default_factory=list)
    expiring: list[Decision] = field(default_factory=list)
    recently_expired: list[Decision] = field(default_factory=list)
    missing_registrations: list[Decision] = field(default_factory=list)
    unanswered_complaints: list[ServiceComplaint] = field(default_factory=list)
    # Signed, and the written decision not yet recorded as delivered: each with its ``delivery_due`` day (§6).
    undelivered: list[Decision] = field(default_factory=list)
    channel_shut: list[Decision] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(vars(self).values())


@dataclass(frozen=True)
class OverviewFilter:
    status: str = ""
    kind: str = ""
    leader_id: int | None = None

    def apply(self, decisions: QuerySet[Decision], prefix: str = "") -> QuerySet[Decision]:
        conditions = {"status": self.status, "kind": self.kind, "responsible_leader_id": self.leader_id}
        return decisions.filter(**{prefix + name: value for name, value in conditions.items() if value})


def overview(
    *, user, today: datetime.date | None = None, filters: OverviewFilter | None = None
) -> LeaderOverview:
    """The decisions of the user's units, sorted into what needs attention. Lists names only: no audit line."""
    today = today or timezone.localdate()
    filters = filters or OverviewFilter()
    decisions = (
        filters.apply(visible_decisions(user))
        .exclude(
            Q(status=Status.DROPPED)
            | Q(
                status__in=[Status.EXPIRED, Status.LIFTED],
                valid_to__lt=today - datetime.timedelta(days=RECENTLY_EXPIRED_DAYS),
            )
        )
        .select_related("citizen", "unit", "responsible_leader")
        .prefetch_related(Prefetch("registrations", queryset=Registration.objects.only("decision_id", "kind")))
        .order_by("valid_to", "created_at")
    )
    result = LeaderOverview()
    days = rules.configured_delivery_days()
    for decision in decisions:
        status = decision.status
        in_force = decision.in_force_on(today)
        if status == Status.DRAFT:
            result.drafts.append(decision)
        elif status == Status.NOTICE_SENT:
            result.awaiting_statement.append(decision)
        elif status == Status.READY:
            result.ready.append(decision)
        elif in_force or status == Status.SIGNED and decision.valid_to >= today:
            result.active.append(decision)
            if decision.valid_to <= today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS):
                result.expiring.append(decision)
        elif status in (Status.ACTIVE, Status.EXPIRED):
            result.recently_expired.append(decision)
        if missing_registrations(decision, list(decision.registrations.all())):
            result.missing_registrations.append(decision)
        if status in IN_FORCE_STATUSES and decision.delivered_on is None:
            decision.delivery_due = rules.delivery_due(
                how=decision.written_delivery, valid_from=decision.valid_from,
                told_orally_on=decision.told_orally_on, days=days,
            )
            result.undelivered.append(decision)
    result.undelivered.sort(key=lambda decision: decision.delivery_due)
    result.channel_shut = channel_shut(result.active)
    result.unanswered_complaints = list(
        ServiceComplaint.objects.filter(
            decision__in=filters.apply(visible_decisions(user)), answered_on__isnull=True
        )
        .select_related("decision__citizen", "decision__unit")
        .order_by("received_on")
    )
    return result


def overview_leaders(user) -> QuerySet:
    """The responsible leaders of the decisions the user sees, for the overview's filter."""
    return User.objects.filter(
        pk__in=visible_decisions(user).filter(responsible_leader__isnull=False).values("responsible_leader_id")
    ).order_by("first_name", "last_name", "pk")


# The first time a leader opens the overview, breaches of this many days count as new.
BREACHES_FIRST_LOOK_DAYS = 30


def breaches_since(*, user, since: datetime.datetime | None) -> list[Breach]:
    """Breaches of the user's units' decisions registered after ``since``, newest first. Names only: no audit."""
    since = since or timezone.now() - datetime.timedelta(days=BREACHES_FIRST_LOOK_DAYS)
    return list(
        Breach.objects.filter(decision__in=visible_decisions(user), created_at__gt=since)
        .select_related("decision__citizen", "decision__unit")
        .order_by("-created_at", "-pk")
    )


def breaches_with_police(*, unit_ids) -> list[Breach]:
    """Breaches of the units' decisions where the police were called, newest first: for the incidents' police
    list (the caller checks the user sees incidents there). Case numbers and dates only: no audit."""
    return list(
        Breach.objects.filter(police_called=True, decision__unit__in=unit_ids)
        .select_related("decision__unit", "incident")
        .order_by("-occurred_at", "-pk")[:500]
    )


def start_panel(user) -> dict | None:
    """The decisions panel on the start page: what needs the user's attention, for roles that see decisions."""
    may_view = access.has_perm_anywhere(user, Perm.VIEW_DECISIONS)
    may_prepare = access.has_perm_anywhere(user, Perm.PREPARE_DECISION)
    if not (may_view or may_prepare):
        return None
    return {"overview": overview(user=user) if may_view else None, "may_create": may_prepare}


# --- Letters and the reception list ---


def letters_of(decision: Decision) -> QuerySet[Letter]:
    """The decision's letters, oldest first. Lists no personal data: no audit line."""
    return decision.letters.select_related("complaint").order_by("created_at", "pk")


def letter_for_visible(*, user, public_id, letter_id: int) -> Letter:
    """One letter of a decision the user may see, or 404. Writes no audit line: log when the file is shown."""
    decision = decision_for_visible(user=user, public_id=public_id)
    try:
        letter = Letter.objects.select_related("complaint").get(pk=letter_id, decision=decision)
    except Letter.DoesNotExist as error:
        raise Http404 from error
    letter.decision = decision
    return letter


RECEPTION_PERMS = (Perm.LOOKUP_MEASURES, Perm.VIEW_DECISIONS)
PHYSICAL_KINDS = [kind for kind in Kind if kind.physical]


def may_see_reception_list(user, unit: Unit) -> bool:
    """Reception (look-up) and those who see the unit's decisions may print its list."""
    return any(access.has_unit_perm(user, perm, unit) for perm in RECEPTION_PERMS)


def reception_units(user) -> list[Unit]:
    """The active units whose reception list the user may print."""
    lookup, view = (access.units_with_perm(user, perm) for perm in RECEPTION_PERMS)
    return list((lookup | view).filter(is_active=True).distinct().order_by("number"))


@dataclass(frozen=True)
class ReceptionList:
    unit: Unit
    day: datetime.date
    decisions: list[Decision]


def reception_list(*, user, unit_number: str, request=None, today: datetime.date | None = None) -> ReceptionList:
    """Everyone excluded from the unit's premises today, for reception to print; 404 unless permitted.

    Shows names and birth dates, so each citizen on it gets one audit line.
    """
    unit = Unit.objects.filter(number=unit_number).first()
    if unit is None or not may_see_reception_list(user, unit):
        raise Http404
    today = today or timezone.localdate()
    covering = Decision.covered_units.through.objects.filter(unit=unit).values("decision_id")
    decisions = list(
        Decision.objects.filter(
            Q(unit=unit) | Q(pk__in=covering),
            Decision.in_force_q(today),
            kind__in=PHYSICAL_KINDS,
        )
        .select_related("citizen", "unit", "contact_person", "responsible_leader")
        .prefetch_related("channels")
        .order_by("citizen__name", "valid_to")
    )
    for citizen in {decision.citizen_id: decision.citizen for decision in decisions}.values():
        audit_log_record(
            actor=user,
            citizen=citizen,
            action="reception_list.view",
            message=_("Reception list for unit %(unit)s shown"),
            message_args={"unit": unit.number},
            request=request,
        )
    return ReceptionList(unit=unit, day=today, decisions=decisions)


def reception_panel(user) -> dict | None:
    """The start-page link to the reception list, for each unit whose list the user may print."""
    units = reception_units(user)
    return {"units": units} if units else None


def channel_shut(decisions: list[Decision]) -> list[Decision]:
    """The signed or active decisions among these that leave the citizen no open alternative channel beside
    their other measures: decided before signing checked both directions (§4), to be given a new channel.

    Three queries however many decisions: every measure in force of their citizens, with units and channels.
    """
    if not decisions:
        return []
    measures = (
        Decision.objects.filter(citizen_id__in={d.citizen_id for d in decisions}, status__in=IN_FORCE_STATUSES)
        .only("pk", "citizen_id", "unit_id", "kind", "created_at", "valid_from", "valid_to")
        .prefetch_related("covered_units", "channels")
    )
    by_citizen: dict[int, list[Decision]] = {}
    for measure in measures:
        by_citizen.setdefault(measure.citizen_id, []).append(measure)
    shut = []
    for decision in decisions:
        own = next((m for m in by_citizen.get(decision.citizen_id, []) if m.pk == decision.pk), None)
        if own is None:
            continue
        alongside = [rules.as_measure(other) for other in by_citizen[decision.citizen_id]
                     if other.pk != own.pk and rules.overlaps(own, other)]
        if not rules.has_open_channel(own, list(own.channels.all()), alongside):
            shut.append(decision)
    return shut
