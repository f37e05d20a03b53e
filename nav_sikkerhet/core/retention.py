"""The retention schedule: one entry per kind of record, how long it is kept and what goes when it has passed.

Each app registers its kinds (``register``) from its AppConfig.ready; a new kind of record is one entry.
The periods are the defaults below unless settings.RETENTION_DAYS overrides them (by key). What is removed
is whatever identifies a person; what the statistics and ROS counts read (unit, month, category, channel,
kind, injury level) stays. The service ``retention_run`` (core.services) applies the schedule.
"""

import datetime
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RetentionKind:
    """One kind of record in the schedule, with what GDPR art. 30 asks of it."""

    key: str
    label: str
    counted_from: str
    default_days: int
    why: str
    # The record of processing (GDPR art. 30), for docs/retention.md: in English, as the docs are.
    purpose: str
    persons: str
    data: str
    recipients: str
    # Given the moment before which the counted-from event must lie, the records whose period has passed and
    # that still hold personal data, holds already left out.
    due: Callable[[datetime.datetime], models.QuerySet]
    # Removes what identifies a person from those records; returns how many.
    apply: Callable[[models.QuerySet], int]
    # The model a hold can be placed on, if any (a decision, an incident).
    holdable: type[models.Model] | None = None
    # Kinds that tidy up after the others (citizens left with nothing, copies and files left behind) run later.
    stage: int = 0
    # What the kind removes: "app.Model" (the row goes) or "app.Model.field" (the field is emptied). A test walks
    # every model and fails for a field holding personal data that no kind covers and ``not_personal`` does not
    # explain, so a new field cannot slip past the schedule.
    covers: tuple[str, ...] = ()

    @property
    def days(self) -> int:
        return int(getattr(settings, "RETENTION_DAYS", {}).get(self.key, self.default_days))

    def cutoff(self, now: datetime.datetime) -> datetime.datetime:
        return now - datetime.timedelta(days=self.days)


KINDS: dict[str, RetentionKind] = {}
# Fields that look personal (free text, a person link) but stay after every period, with the reason why.
KEPT: dict[str, str] = {}
# Records that belong to another record's case, so a hold on the case keeps them too: per model, functions giving
# the ids (as a values() queryset) held through some other record.
HOLD_LINKS: dict[type[models.Model], list[Callable[[], models.QuerySet]]] = {}


def register(kind: RetentionKind) -> None:
    KINDS[kind.key] = kind


def not_personal(reason: str, *fields: str) -> None:
    """Record that these fields ("app.Model.field" or "app.Model") stay after every period, and why."""
    for field in fields:
        KEPT[field] = reason


def hold_link(model: type[models.Model], held_through: Callable[[], models.QuerySet]) -> None:
    """A hold on a case also keeps these records of ``model`` (a decision's cited incidents, for one)."""
    HOLD_LINKS.setdefault(model, []).append(held_through)


def held(model: type[models.Model], field: str = "pk") -> models.Q:
    """Matches the rows whose ``field`` is a held record of ``model``: held itself or through its case."""
    query = models.Q(**{f"{field}__in": held_ids(model)})
    for held_through in HOLD_LINKS.get(model, []):
        query |= models.Q(**{f"{field}__in": held_through()})
    return query


def schedule() -> list[RetentionKind]:
    """The schedule in the order it is applied: records first, then what they leave behind."""
    return sorted(KINDS.values(), key=lambda kind: (kind.stage, kind.days, kind.key))


def held_ids(model: type[models.Model], today: datetime.date | None = None) -> models.QuerySet:
    """The ids of the model's records under a hold that has not ended."""
    from django.contrib.contenttypes.models import ContentType

    from .models import RetentionHold

    today = today or timezone.localdate()
    return RetentionHold.objects.filter(
        content_type=ContentType.objects.get_for_model(model), until__gte=today
    ).values("object_id")


def active_hold(record, today: datetime.date | None = None):
    """The hold on this record that ends last, or None."""
    from django.contrib.contenttypes.models import ContentType

    from .models import RetentionHold

    return (
        RetentionHold.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
            until__gte=today or timezone.localdate(),
        ).order_by("-until").first()
    )


def delete_history(model: type[models.Model], **lookup) -> int:
    """Delete the model's historical rows (django-simple-history) matching the lookup: no copy outlives."""
    return model.history.model.objects.filter(**lookup).delete()[0]


def delete_files(names: list[str]) -> None:
    """Delete the files once the run has committed: a rollback must not leave a row whose file is gone. A file
    left behind (the process died in between) has no row any longer, so ``media_files`` removes it next day."""
    names = [name for name in names if name]
    if names:
        _SCHEDULED.update(names)
        transaction.on_commit(lambda: _delete_now(names))


# The files this run will delete on commit, so the orphan scan later in the same run does not count them again.
_SCHEDULED: set[str] = set()


def begin_run() -> None:
    _SCHEDULED.clear()


def _delete_now(names: list[str]) -> None:
    for name in names:
        if default_storage.exists(name):
            default_storage.delete(name)


# -- the core's own kinds ----------------------------------------------------------------------------------------


def held_citizen_ids() -> set[int]:
    """The citizens named by a held record of any kind (held itself or through its case)."""
    ids = set()
    for model in {kind.holdable for kind in KINDS.values() if kind.holdable} | set(HOLD_LINKS):
        if any(field.name == "citizen" for field in model._meta.fields):
            ids |= set(model.objects.filter(held(model), citizen__isnull=False).values_list("citizen_id", flat=True))
    return ids


def _audit_due(cutoff):
    from .models import AuditLogEntry, Citizen

    # A citizen whose case is on hold keeps who saw their data: the police or the Ombudsman may ask.
    held_people = Citizen.objects.filter(pk__in=held_citizen_ids()).values("personident")
    return AuditLogEntry.objects.filter(created_at__lt=cutoff).exclude(personident__in=held_people)


def _delete(queryset) -> int:
    return queryset.delete()[0]


def _signin_due(cutoff):
    from .models import SignInLogEntry

    return SignInLogEntry.objects.filter(created_at__lt=cutoff)


def _sessions_due(cutoff):
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__lt=cutoff)


def _api_keys_due(cutoff):
    from .models import ApiKey

    return ApiKey.objects.filter(models.Q(revoked_at__lt=cutoff) | models.Q(expires_at__lt=cutoff))


def _reminders_due(cutoff):
    from .models import Reminder

    return Reminder.objects.filter(models.Q(sent_at__lt=cutoff) | models.Q(done_at__lt=cutoff))


def _holds_due(cutoff):
    from .models import RetentionHold

    return RetentionHold.objects.filter(until__lt=timezone.localdate(cutoff))


def _citizens_due(cutoff):
    from .models import Citizen

    last_change = (
        Citizen.history.model.objects.filter(id=models.OuterRef("pk")).order_by("-history_date").values("history_date")
    )
    citizens = Citizen.objects.annotate(last_change=models.Subquery(last_change[:1])).filter(
        models.Q(last_change__lt=cutoff) | models.Q(last_change__isnull=True)
    )
    # Nothing left about them: every decision, incident and warning anonymised (so no longer linked), every
    # risk check gone.
    for relation in ("decisions", "incidents", "warnings", "risk_checks"):
        if relation in {rel.get_accessor_name() for rel in Citizen._meta.related_objects}:
            citizens = citizens.filter(**{f"{relation}__isnull": True})
    return citizens


def _citizens_apply(queryset) -> int:
    from .models import AuditLogEntry, Citizen

    ids = list(queryset.values_list("pk", flat=True))
    # The audit log keeps its lines for its own period by identity number; the link alone goes.
    AuditLogEntry.objects.filter(citizen_id__in=ids).update(citizen=None)
    count = Citizen.objects.filter(pk__in=ids).delete()[0]
    delete_history(Citizen, id__in=ids)
    return count


def _history_copies_due(cutoff):
    """Historical rows of records deleted (by this schedule or by hand): one queryset per history model."""
    return _HistoryCopies(cutoff)


class _HistoryCopies:
    """A stand-in queryset over every history table: the copies whose original no longer exists."""

    def __init__(self, cutoff):
        self.cutoff = cutoff

    def _querysets(self):
        from simple_history.models import registered_models

        for model in set(registered_models.values()):
            attribute = getattr(model._meta, "simple_history_manager_attribute", None)
            if attribute is None:
                continue  # a many-to-many table: its history rows go with their parent's
            history = getattr(model, attribute).model
            pk = model._meta.pk.attname
            yield history.objects.filter(history_date__lt=self.cutoff).exclude(
                **{f"{pk}__in": model._default_manager.values(model._meta.pk.name)}
            )

    def count(self) -> int:
        return sum(queryset.count() for queryset in self._querysets())

    def delete(self):
        return (sum(queryset.delete()[0] for queryset in self._querysets()), {})

    def __iter__(self):
        return iter(())


def _media_due(cutoff):
    return _OrphanFiles(cutoff)


def stored_names(storage=None, folder: str = ""):
    """Every file in the storage (default: ``default_storage``), by name, through the storage API only, so the
    same walk works on the filesystem and on a bucket, where a folder is only a prefix of the objects' names."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return  # on the filesystem, MEDIA_ROOT is made by the first file saved
    for file in files:
        # A bucket lists a folder's placeholder object ("letters/", made by the console) as a file with no name.
        if file:
            yield posixpath.join(folder, file)
    for subfolder in folders:
        yield from stored_names(storage, posixpath.join(folder, subfolder))


def _modified(name: str) -> datetime.datetime | None:
    """When the file was last written, or None if it has gone since it was listed (another run, by hand)."""
    from google.api_core.exceptions import NotFound

    try:
        return default_storage.get_modified_time(name)
    except (FileNotFoundError, NotFound):
        return None


class _OrphanFiles:
    """Files in the media storage (the filesystem or the bucket) no record points to any longer, older than the
    cutoff."""

    def __init__(self, cutoff):
        self.cutoff = cutoff

    def names(self) -> list[str]:
        from django.apps import apps

        referenced = set()
        for model in apps.get_models():
            for field in model._meta.fields:
                if isinstance(field, models.FileField):
                    referenced |= set(model._default_manager.exclude(**{field.name: ""}).values_list(field.name,
                                                                                                    flat=True))
        # Only the files nothing points to are asked for their time: on a bucket that is one request per file.
        unreferenced = [name for name in stored_names() if name not in referenced and name not in _SCHEDULED]
        found = []
        for name in unreferenced:
            modified = _modified(name)
            if modified is not None and modified < self.cutoff:
                found.append(name)
        return sorted(found)

    def count(self) -> int:
        return len(self.names())

    def delete(self):
        names = self.names()
        delete_files(names)
        return (len(names), {})

    def __iter__(self):
        return iter(())


register(RetentionKind(
    key="sessions", label=_("Sessions"), counted_from=_("the session expired"), default_days=0,
    why=_("An expired session is of no use to anyone; it holds who was signed in."),
    purpose=("Keeping a staff member signed in."), persons=("Staff"), data=("Session key, staff member"),
    recipients=("None"), due=_sessions_due, apply=_delete,
    covers=('sessions.Session',),
))
register(RetentionKind(
    key="history_copies", label=_("Historical copies of deleted records"),
    counted_from=_("the original was deleted"), default_days=1,
    why=_("A copy that outlives its original is a defect; one day lets a mistaken deletion be noticed."),
    purpose=("Change history (who changed what) while the record exists."), persons=("Citizens, staff"),
    data=("As the original record"), recipients=("None"), due=_history_copies_due, apply=_delete, stage=2,
))
register(RetentionKind(
    key="media_files", label=_("Files no record points to"), counted_from=_("the file was written"),
    default_days=1,
    why=_("A letter's PDF goes with its decision; a file left behind (a failed run) is removed the next day."),
    purpose=("Letters to the citizen as PDF."), persons=("Citizens"), data=("Letters"), recipients=("None"),
    due=_media_due, apply=_delete, stage=2,
))
register(RetentionKind(
    key="citizens", label=_("Citizens with nothing left"),
    counted_from=_("the citizen was last changed, once no decision, incident or warning names them"),
    default_days=30,
    why=_("Kept briefly so a case being opened again finds the person; then nothing justifies keeping them."),
    purpose=("Identifying the person a decision or incident is about."), persons=("Citizens"),
    data=("Identity number, name, date of birth, address, preferred language"),
    recipients=("None"), due=_citizens_due, apply=_citizens_apply, stage=1,
    covers=('core.Citizen',),
))
register(RetentionKind(
    key="reminders", label=_("Reminders"), counted_from=_("the reminder was sent or ticked off"),
    default_days=90,
    why=_("A reminder is done once sent; three months answer a question about a missed deadline."),
    purpose=("Reminding leaders of deadlines."), persons=("Staff"), data=("Recipient, case number"),
    recipients=("The leader, by e-mail"), due=_reminders_due, apply=_delete,
    covers=('core.Reminder',),
))
register(RetentionKind(
    key="signin_log", label=_("Sign-in log"), counted_from=_("the line was written"), default_days=365,
    why=_("A year covers the investigation of a misused account and NAV's security reviews."),
    purpose=("Security: who signed in, and refused sign-ins."), persons=("Staff"),
    data=("NAV ident, time, IP address, method"), recipients=("NAV's security operations (syslog)"),
    due=_signin_due, apply=_delete,
    covers=('core.SignInLogEntry',),
))
register(RetentionKind(
    key="api_keys", label=_("API keys and their use"), counted_from=_("the key was revoked or ran out"),
    default_days=365,
    why=_("A year after a key stopped working, its last use no longer answers any question."),
    purpose=("Integrating systems calling the API."), persons=("None (systems)"),
    data=("System name, key hash, last use"), recipients=("None"), due=_api_keys_due, apply=_delete,
    covers=('core.ApiKey',),
))
register(RetentionKind(
    key="audit_log", label=_("Audit log (who saw a citizen's data)"), counted_from=_("the line was written"),
    default_days=3 * 365,
    why=_("A citizen may ask who saw their data; three years covers a complaint and the Ombudsman after a "
          "measure has ended. Lines about a citizen whose case is on hold are kept."),
    purpose=("The citizen's right to know who saw their data; control of staff access."),
    persons=("Citizens, staff"), data=("Identity number, NAV ident, time, what was shown"),
    recipients=("The citizen on request; NAV's security operations (syslog)"), due=_audit_due, apply=_delete,
    covers=('core.AuditLogEntry',),
))

register(RetentionKind(
    key="retention_holds", label=_("Ended retention holds"), counted_from=_("the hold ended"), default_days=365,
    why=_("Once the hold has ended its records go at the next run; the hold itself answers, for a year, why "
          "they were kept past their period."),
    purpose=("Keeping a case under complaint, with the Ombudsman or the police past its period."),
    persons=("Citizens (through the case), staff"), data=("Which case, the reason, until when, who placed it"),
    recipients=("None"), due=_holds_due, apply=_delete, covers=("core.RetentionHold",),
))
not_personal(
    "The office's own name, address and phone: not a person's.", "core.Unit",
)
not_personal(
    "Staff accounts and their access: kept while the person works here, closed through the identity provider "
    "when they leave; who acted in a case stays with the case as its accountability.",
    "core.User", "core.RoleAssignment", "core.PageSeen",
)

# The ROS analyses (risiko) describe the unit's hazards and measures, not a person: their owner, participants and
# who is responsible for a measure are staff in their work role, and the analysis is the unit's own working record
# under the Working Environment Act, kept while it is in use.
not_personal(
    "A ROS analysis: the unit's hazards and measures, worked on by staff in their role; kept while in use.",
    "risiko.MatrixDefinition", "risiko.Analysis", "risiko.Event", "risiko.Cause", "risiko.Measure",
    "risiko.RiskAcceptance", "risiko.TemplateMeasure", "risiko.MatrixUse",
)


DOC_START = "<!-- retention schedule: generated by `manage.py apply_retention --markdown`; do not edit by hand -->"
DOC_END = "<!-- end of the generated schedule -->"


def _years(days: int) -> str:
    if days >= 365 and days % 365 == 0:
        return f"{days} days ({days // 365} year{'s' if days > 365 else ''})"
    return f"{days} day{'s' if days != 1 else ''}"


def _kept_by_reason() -> dict[str, list[str]]:
    by_reason: dict[str, list[str]] = {}
    for field, reason in sorted(KEPT.items()):
        by_reason.setdefault(reason, []).append(field)
    return by_reason


def markdown() -> str:
    """The schedule with its defaults and the record of processing (GDPR art. 30), for docs/retention.md."""
    from django.utils import translation

    rows = sorted(KINDS.values(), key=lambda kind: (kind.stage, kind.default_days, kind.key))
    with translation.override("en"):
        lines = [
            DOC_START, "",
            "| Key | Record | Kept | Counted from | Why this default |",
            "|---|---|---|---|---|",
            *(f"| `{k.key}` | {k.label} | {_years(k.default_days)} | {k.counted_from} | {k.why} |" for k in rows),
            "",
            "| Key | Purpose | Persons | Data | Recipients |",
            "|---|---|---|---|---|",
            *(f"| `{k.key}` | {k.purpose} | {k.persons} | {k.data} | {k.recipients} |" for k in rows),
            "",
            "What each kind removes (`app.Model` the whole row, `app.Model.field` the field):",
            "",
            "| Key | Removes |",
            "|---|---|",
            *(f"| `{k.key}` | {', '.join(f'`{entry}`' for entry in k.covers) or '(see the table above)'} |"
              for k in rows),
            "",
            "Free text or person links that stay after every period, and why:",
            "",
            "| Reason | Fields |",
            "|---|---|",
            *(f"| {reason} | {', '.join(f'`{field}`' for field in fields)} |"
              for reason, fields in _kept_by_reason().items()),
            "", DOC_END,
        ]
    return "\n".join(lines)
