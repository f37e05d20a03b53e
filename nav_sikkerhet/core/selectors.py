"""Reads with access control for the shared core."""

import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Greatest
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from . import access, citizen_data, startpage
from .models import AuditLogEntry, Citizen, Reminder, Role, RoleAssignment, User
from .services import audit_log_record


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


def access_report_entries(*, personident: str, date_from: datetime.date, date_to: datetime.date):
    """Audit-log entries for one identity number between two dates (inclusive), oldest first."""
    return (
        AuditLogEntry.objects.filter(
            personident=personident,
            created_at__date__gte=date_from,
            created_at__date__lte=date_to,
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )


def access_report(
    *,
    user: User,
    personident: str,
    date_from: datetime.date,
    date_to: datetime.date,
    request=None,
) -> AccessReport:
    """Who was shown this citizen's data between two dates: for leaders, for the right of access."""
    if not access.may_view_access_report(user):
        raise Http404
    citizen = Citizen.objects.filter(personident=personident).first()
    entries = access_report_entries(personident=personident, date_from=date_from, date_to=date_to)
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
    )


def citizen_export(*, user: User, personident: str, request=None) -> citizen_data.CitizenExport:
    """Everything held about one citizen, for the right of access: leaders only, one audit line.

    Raises ValidationError (for the form) when nothing is registered about the number.
    """
    if not access.may_view_access_report(user):
        raise Http404
    citizen = Citizen.objects.filter(personident=personident).first()
    if citizen is None:
        raise ValidationError(_("No data is registered about this identity number."), code="unknown")
    with transaction.atomic():
        # The export shows all the citizen's data: logged first, so the export's own audit log includes it.
        audit_log_record(
            actor=user,
            citizen=citizen,
            action="innsyn.export",
            message=_("Right of access export"),
            request=request,
        )
        return citizen_data.collect(citizen, by=user)


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
