"""Reads with access control for the shared core."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Greatest
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import access, citizen_data, demo_logins, retention, rules, startpage
from .models import AuditLogEntry, Citizen, Reminder, Role, RoleAssignment, User
from .services import audit_log_record, audit_search_record


@dataclass(frozen=True)
class StartPage:
    assignments: list[RoleAssignment]
    may_view_access_report: bool
    may_use_admin: bool
    panels: list[tuple[str, dict]]


def start_page(*, user: User) -> StartPage:
    """The user's units and roles, and which parts of the system their roles open."""
    assignments = list(RoleAssignment.objects.filter(user=user).select_related("unit").order_by("unit__number", "role"))
    return StartPage(
        assignments=assignments,
        may_view_access_report=access.may_view_access_report(user),
        may_use_admin=user.is_staff,
        panels=startpage.panels_for(user),
    )


def has_role(*, user: User) -> bool:
    """Whether the staff member holds any role here (a superuser needs none)."""
    return user.is_superuser or RoleAssignment.objects.filter(user=user).exists()


def staff_by_username(*, username: str) -> User | None:
    """The account a login form's username names, if any (for the sign-in log)."""
    return User.objects.filter(username=username).first() if username else None


def demo_login_exists() -> bool:
    """Whether the demo's first login is there to be offered (after `demo_data`, with test identities on)."""
    return settings.ALLOW_TEST_IDENTS and User.objects.filter(username=demo_logins.FIRST_LOGIN, is_active=True).exists()


def role_administrators() -> list[RoleAssignment]:
    """Who assigns roles: the active administrators, with their units, for a staff member who has none yet."""
    return list(
        RoleAssignment.objects.filter(role=Role.ADMINISTRATOR, user__is_active=True)
        .select_related("user", "unit")
        .order_by("unit__number", "user__last_name", "user__first_name")
    )


@dataclass(frozen=True)
class AccessReport:
    personident: str
    citizen: Citizen | None
    date_from: datetime.date
    date_to: datetime.date
    entries: QuerySet[AuditLogEntry]
    covers: str


def access_report_entries(
    *, personident: str, date_from: datetime.date, date_to: datetime.date, scope: access.InnsynScope
) -> QuerySet[AuditLogEntry]:
    """Audit-log entries for one identity number between two dates (inclusive) in the scope, oldest first."""
    return (
        citizen_data.audit_entries(personident=personident, scope=scope)
        .filter(created_at__date__gte=date_from, created_at__date__lte=date_to)
        .select_related("actor")
    )


def access_report(
    *,
    user: User,
    personident: str,
    date_from: datetime.date,
    date_to: datetime.date,
    request=None,
) -> AccessReport:
    """Who was shown this citizen's data between two dates: the asker's units' staff, or everyone for the
    privacy officer. For the right of access."""
    scope = access.innsyn_scope(user)
    citizen = Citizen.objects.filter(personident=personident).first()
    entries = access_report_entries(personident=personident, date_from=date_from, date_to=date_to, scope=scope)
    if citizen is not None:
        # The report itself shows the citizen's data, so it is logged like any other display.
        audit_log_record(
            actor=user,
            citizen=citizen,
            action="access_report",
            message=_("Access report %(from)s–%(to)s"),
            message_args={"from": date_from.strftime("%d.%m.%Y"), "to": date_to.strftime("%d.%m.%Y")},
            request=request,
        )
    return AccessReport(
        personident=personident,
        citizen=citizen,
        date_from=date_from,
        date_to=date_to,
        entries=entries,
        covers=citizen_data.scope_label(scope),
    )


def citizen_export(
    *, user: User, personident: str, access_request: citizen_data.AccessRequest, request=None
) -> citizen_data.CitizenExport:
    """What the asking user may see about one citizen, for the right of access; one audit line naming the request.

    A head of unit gets their units' data; the privacy officer everything. Raises ValidationError (for the
    form) when nothing in the scope concerns the number: the same answer as for an unknown number, so the
    export never reveals that another unit holds something.
    """
    scope = access.innsyn_scope(user)
    citizen = Citizen.objects.filter(personident=personident).first()
    nothing = ValidationError(
        _("No data is registered about this identity number.") if scope.complete
        else _("No data about this identity number is registered in the units you answer for."),
        code="unknown",
    )
    if citizen is None:
        raise nothing
    with transaction.atomic():
        export = citizen_data.collect(citizen, by=user, scope=scope, request=access_request)
        if not scope.complete and not citizen_data.holds_anything(export.sections):
            raise nothing
        with translation.override(settings.LANGUAGE_CODE):  # the audit line is stored in bokmål
            covers = citizen_data.scope_label(scope)
        audit_log_record(
            actor=user,
            citizen=citizen,
            action="innsyn.export",
            message=_("Right of access export (%(covers)s): request from %(who)s received %(date)s, reference "
                      "%(reference)s"),
            message_args={
                "covers": covers,
                "who": access_request.requested_by,
                "date": access_request.requested_on.strftime("%d.%m.%Y"),
                "reference": access_request.reference,
            },
            request=request,
        )
        # Only the audit log is read again after logging, so the export's own audit log includes this export.
        return citizen_data.with_audit_read_again(export, scope)


def reminders_panel(user) -> dict | None:
    """The user's open reminders, as tasks on the start page."""
    reminders = list(Reminder.objects.filter(recipient=user, done_at__isnull=True).order_by("due_on", "pk")[:50])
    return {"reminders": reminders} if reminders else None


# Trigram similarity (0–1) a name must reach to be listed; 0.3 is pg_trgm's own default threshold.
NAME_SIMILARITY_THRESHOLD = 0.3
NAME_RESULTS_LIMIT = 20


def search_by_name(*, name: str, birth_date: datetime.date, limit: int = NAME_RESULTS_LIMIT) -> list[Citizen]:
    """Citizens born on the date whose name is like the one typed: names and birth dates only, no audit line.

    On PostgreSQL typo-tolerant (pg_trgm: the better of whole-name and word similarity); on SQLite
    every typed word must occur in the name.
    """
    name = " ".join(name.split())
    citizens = Citizen.objects.filter(birth_date=birth_date).only("public_id", "name", "birth_date")
    if not name:
        return []
    if connection.vendor == "postgresql":
        citizens = (
            citizens.annotate(similarity=Greatest(TrigramSimilarity("name", name), TrigramWordSimilarity(name, "name")))
            .filter(similarity__gte=NAME_SIMILARITY_THRESHOLD)
            .order_by("-similarity", "name", "pk")
        )
    else:
        for word in name.split():
            citizens = citizens.filter(name__icontains=word)
        citizens = citizens.order_by("name", "pk")
    return list(citizens[:limit])


def name_search(*, user: User, name: str, birth_date: datetime.date, request=None) -> list[Citizen]:
    """A staff member's search by name and date of birth: the rule checked (rules.check_name_search), the
    matches listed, and one audit line naming everyone shown (or none).

    Every screen that lists people by name goes through here. Raises ValidationError keyed by field.
    """
    name = rules.check_name_search(name=name, birth_date=birth_date)
    citizens = search_by_name(name=name, birth_date=birth_date)
    message = _("Name search; shown: %(idents)s") if citizens else _("Name search; nobody shown")
    audit_search_record(actor=user, shown=citizens, action=citizen_data.SEARCH_ACTION, message=message,
                        request=request)
    return citizens


@dataclass(frozen=True)
class RetentionRow:
    kind: object
    now: int
    soon: int
    records: list


def retention_upcoming(*, user, days: int = 30) -> list[RetentionRow]:
    """For the privacy officer: per kind, what the schedule removes now and within ``days``; 404 for others.

    Decisions and incidents are listed by reference and unit only, so the page shows no citizen's data.
    """
    if not access.may_see_retention_plan(user):
        raise Http404
    now = timezone.now()
    later = now + datetime.timedelta(days=days)
    rows = []
    for kind in retention.schedule():
        due_now = kind.due(kind.cutoff(now)).count()
        due_later = kind.due(kind.cutoff(later))
        records = list(due_later.select_related("unit")[:200]) if kind.holdable else []
        rows.append(RetentionRow(kind=kind, now=due_now, soon=due_later.count() - due_now, records=records))
    return rows


def retention_holdable(*, user, model_name: str, public_id):
    """A decision or incident the user may place a retention hold on, or 404."""
    models_by_name = {kind.holdable._meta.model_name: kind.holdable for kind in retention.KINDS.values()
                      if kind.holdable is not None}
    model = models_by_name.get(model_name)
    if model is None:
        raise Http404
    try:
        record = model.objects.select_related("unit").get(public_id=public_id, anonymised_at__isnull=True)
    except (model.DoesNotExist, ValueError) as error:
        raise Http404 from error
    if not access.may_place_retention_hold(user, record.unit):
        raise Http404
    return record
