"""State changes in the shared core. Each takes keyword arguments and the acting user."""

import contextlib
import datetime
import functools
import hashlib
import hmac
import ipaddress
import secrets
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import access, audit, metrics, retention, signin
from .db import prepared_cursor
from .identity import parse_personident
from .models import (
    ApiKey,
    ApiScope,
    AuditEvent,
    AuditLogEntry,
    Citizen,
    PageSeen,
    Reminder,
    RetentionHold,
    RoleAssignment,
    SignInEvent,
    SignInLogEntry,
    SignInMethod,
    SignInRefusal,
    Unit,
    User,
)


def _require_may_manage_roles(by: User, unit: Unit) -> None:
    if not access.may_manage_roles(by, unit):
        raise PermissionDenied(_("You may not manage roles in this unit."))


@transaction.atomic
def role_assign(*, by: User, user: User, unit: Unit, role: str, employer: str = "") -> RoleAssignment:
    """Give a staff member a role in a unit and grant what the role permits (a head's employer with it)."""
    _require_may_manage_roles(by, unit)
    assignment = RoleAssignment(user=user, unit=unit, role=role, employer=employer)
    assignment.full_clean()
    assignment._history_user = by
    assignment.save()
    access.sync_user_permissions(user)
    return assignment


@transaction.atomic
def role_change(
    *, by: User, assignment_id: int, unit: Unit, role: str, employer: str | None = None,
) -> RoleAssignment:
    """Move an assignment to another role or unit, or record a head's employer (kept when not given)."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment_id)
    _require_may_manage_roles(by, assignment.unit)
    _require_may_manage_roles(by, unit)
    assignment.unit, assignment.role = unit, role
    if employer is not None:
        assignment.employer = employer
    assignment.full_clean()
    assignment._history_user = by
    assignment.save()
    access.sync_user_permissions(assignment.user)
    return assignment


@transaction.atomic
def role_revoke(*, by: User, assignment_id: int) -> None:
    """Remove a role assignment and the permissions it granted."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment_id)
    _require_may_manage_roles(by, assignment.unit)
    user = assignment.user
    assignment._history_user = by
    assignment.delete()
    access.sync_user_permissions(user)


@transaction.atomic
def unit_save(*, by: User, unit: Unit) -> Unit:
    """Create or change a unit; region-wide roles follow a unit that moves region."""
    if not by.is_superuser:
        raise PermissionDenied(_("Only administrators may change units."))
    old_region = Unit.objects.filter(pk=unit.pk).values_list("region", flat=True).first() if unit.pk else None
    created = unit.pk is None
    unit.full_clean()
    unit._history_user = by
    unit.save()
    for region in {old_region, unit.region} - {None}:
        access.sync_region_permissions(region)
    if created:
        access.sync_country_permissions()
    return unit


def _apply_personident(citizen: Citizen, personident: str) -> None:
    parsed = parse_personident(personident)
    citizen.personident, citizen.ident_kind, citizen.birth_date = parsed.number, parsed.kind, parsed.birth_date


@transaction.atomic
def citizen_create(*, by: User, personident: str, name: str, **fields) -> Citizen:
    """Register a citizen; kind and birth date come from the identity number, never typed twice."""
    citizen = Citizen(name=name, **fields)
    _apply_personident(citizen, personident)
    citizen.full_clean()
    citizen._history_user = by
    citizen.save()
    return citizen


@transaction.atomic
def citizen_update(*, by: User, citizen_id: int, **fields) -> Citizen:
    """Change a citizen's details (name, address, language; a corrected identity number)."""
    citizen = Citizen.objects.select_for_update().get(pk=citizen_id)
    personident = fields.pop("personident", None)
    for name, value in fields.items():
        setattr(citizen, name, value)
    if personident is not None:
        _apply_personident(citizen, personident)
    citizen.full_clean()
    citizen._history_user = by
    citizen.save()
    return citizen


def audit_log_record(
    *,
    actor: User | None,
    citizen: Citizen,
    action: str,
    message: str,
    message_args: dict | None = None,
    request=None,
    event: str = AuditEvent.ACCESS,
    system: str = "",
) -> AuditLogEntry:
    """Write one audit-log line for a display of the citizen's data, and its CEF line after commit.

    ``actor`` is the staff member; an integrating system passes ``system`` instead. Pass a lazy
    ``message`` and its ``message_args`` separately so the text is stored in bokmål.
    """
    return _audit_line(
        actor=actor, actor_ident=actor.nav_ident if actor is not None else system, citizen=citizen, event=event,
        action=action, message=message, message_args=message_args, request=request,
    )


def audit_search_record(
    *, actor: User, shown: list[Citizen], action: str, message: str, message_args: dict | None = None, request=None,
) -> AuditLogEntry:
    """Write one audit-log line for a search (or a refused one), naming by identity number everyone it showed.

    Not tied to one citizen; the access report finds the line under each number it names (citizen_data.audit_entries).
    """
    args = {**(message_args or {}), "idents": ", ".join(citizen.personident for citizen in shown)}
    return _audit_line(actor=actor, actor_ident=actor.nav_ident, citizen=None, event=AuditEvent.ACCESS,
                       action=action, message=message, message_args=args, request=request)


def audit_log_records(
    *, actor: User, citizens_and_args: list[tuple[Citizen, dict]], action: str, message: str, request=None,
) -> list[AuditLogEntry]:
    """One audit-log line per citizen shown on a page listing several, written in one INSERT; CEF after commit.

    Each pair is the citizen shown and the ``message_args`` of the lazy ``message`` for that line.
    """
    entries = [
        _audit_entry(actor=actor, actor_ident=actor.nav_ident, citizen=citizen, event=AuditEvent.ACCESS,
                     action=action, message=message, message_args=args, request=request)
        for citizen, args in citizens_and_args
    ]
    if entries:
        AuditLogEntry.objects.bulk_create(entries)
        for entry in entries:
            transaction.on_commit(functools.partial(audit.emit, entry))
    return entries


def audit_log_record_reading(*, actor: User, sql: str, params, action: str, message: str, request=None) -> tuple | None:
    """Read one citizen's data with ``sql`` and write the audit line for showing it, in one statement on PostgreSQL.

    ``sql`` selects at most one row, with the citizen's ``id`` and ``personident`` among its columns. The line is
    written exactly when the row is found (its CEF line after commit); the row is returned, or None.
    """
    entry = _audit_entry(actor=actor, actor_ident=actor.nav_ident, citizen=None, event=AuditEvent.ACCESS,
                         action=action, message=message, message_args=None, request=request)
    read = _read_and_insert if connection.vendor == "postgresql" else _read_then_insert
    row = read(entry, sql, params)
    if row is not None:
        transaction.on_commit(lambda: audit.emit(entry))
    return row


# The columns an audit line takes from the read it records (_read_and_insert), instead of from parameters.
_FROM_READ = {"citizen_id": 'found."id"', "personident": 'found."personident"'}


@functools.cache
def _insert_sql(vendor: str, *, from_read: bool) -> tuple[str, tuple]:
    """The INSERT of an audit line, returning its id, made once per database vendor (as the look-up's SQL), and the
    fields whose values are its parameters: all of them, or (``from_read``) all but the citizen, which is selected
    from the row of a WITH query named ``found``."""
    meta = AuditLogEntry._meta
    taken = _FROM_READ if from_read else {}
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = ", ".join(taken.get(f.attname, "%s") for f in fields)
    # Names from the model's own meta, quoted; every value a parameter.
    source = f"SELECT {values} FROM found" if from_read else f"VALUES ({values})"  # noqa: S608
    table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
    parameters = tuple(f for f in fields if f.attname not in taken)
    return f"INSERT INTO {table} ({columns}) {source} RETURNING {pk}", parameters


def _insert_statement(entry: AuditLogEntry, *, from_read: bool) -> tuple[str, list]:
    """The entry's INSERT (see _insert_sql) and its parameters."""
    sql, fields = _insert_sql(connection.vendor, from_read=from_read)
    return sql, [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]


def _saved(entry: AuditLogEntry, pk: int) -> None:
    entry.pk = pk
    entry._state.adding, entry._state.db = False, connection.alias


def _insert(entry: AuditLogEntry) -> None:
    """Save one line: on PostgreSQL a prepared INSERT, planned once per connection (the ORM's save builds its SQL
    anew on every call); no signal listens to audit lines."""
    if connection.vendor != "postgresql":
        entry.save()
        return
    statement, params = _insert_statement(entry, from_read=False)
    with prepared_cursor(connection) as cursor:
        cursor.execute(statement, params)
        _saved(entry, cursor.fetchone()[0])


def _read_and_insert(entry: AuditLogEntry, sql: str, params) -> tuple | None:
    # A data-modifying WITH: the read and the insert share one round trip and one snapshot, and the insert takes
    # the citizen from the read, so a read that finds no one writes nothing.
    insert, insert_params = _insert_statement(entry, from_read=True)
    # ``sql`` is compiled by the ORM (its values are parameters), ``insert`` made above.
    statement = (
        f"WITH found AS MATERIALIZED ({sql}), logged AS ({insert}) "  # noqa: S608
        "SELECT found.*, (SELECT * FROM logged) FROM found"
    )
    with prepared_cursor(connection) as cursor:
        cursor.execute(statement, (*params, *insert_params))
        row = cursor.fetchone()
        names = [column.name for column in cursor.description][:-1]
    if row is None:
        return None
    *row, pk = row
    _found_citizen(entry, names, row)
    _saved(entry, pk)
    return tuple(row)


def _read_then_insert(entry: AuditLogEntry, sql: str, params) -> tuple | None:
    """The same in two statements, for databases without a data-modifying WITH (SQLite in development)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description]
    if row is None:
        return None
    _found_citizen(entry, names, row)
    _insert(entry)
    return tuple(row)


def _found_citizen(entry: AuditLogEntry, names: list[str], row) -> None:
    entry.citizen_id = row[names.index("id")]
    entry.personident = row[names.index("personident")]


def _audit_line(*, actor, actor_ident, citizen, event, action, message, message_args, request) -> AuditLogEntry:
    entry = _audit_entry(actor=actor, actor_ident=actor_ident, citizen=citizen, event=event, action=action,
                         message=message, message_args=message_args, request=request)
    _insert(entry)
    transaction.on_commit(lambda: audit.emit(entry))
    return entry


def _audit_entry(*, actor, actor_ident, citizen, event, action, message, message_args, request) -> AuditLogEntry:
    # The stored text is bokmål whatever language the staff member uses, so reports read alike.
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message) % message_args if message_args else str(message)
    return AuditLogEntry(
        created_at=timezone.now(),
        actor=actor,
        actor_ident=actor_ident,
        citizen=citizen,
        personident=citizen.personident if citizen is not None else "",
        event=event,
        action=action,
        message=text[:500],
        request_path=request.path[:500] if request is not None else "",
        # The method the client sent: a HEAD is answered as GET (core.middleware) but logged as HEAD.
        request_method=request.META.get("REQUEST_METHOD", request.method) if request is not None else "",
    )


# How long the database may be away when a reminder's e-mail has just been accepted: sent_at is written on a
# fresh connection, retried this long, so a failover does not make the next sweep send it again.
REMINDER_RECORD_SENT_PATIENCE = 60
# How long releasing the claim of a send that failed may wait for the database: the task retries in half a minute,
# and a claim left behind would hold the reminder for REMINDER_CLAIM_TIMEOUT.
REMINDER_RELEASE_PATIENCE = 10
# How long one reminder e-mail may take: SMTP operations time out after EMAIL_TIMEOUT seconds (the reply to the
# message itself after EMAIL_DATA_REPLY_TIMEOUT, core/mail.py), then sent_at may wait for the database. The task
# is interrupted (soft; it then retries) and killed (hard) after these limits.
REMINDER_SEND_SOFT_TIME_LIMIT = (
    settings.EMAIL_TIMEOUT + settings.EMAIL_DATA_REPLY_TIMEOUT + REMINDER_RECORD_SENT_PATIENCE + 10
)
REMINDER_SEND_TIME_LIMIT = REMINDER_SEND_SOFT_TIME_LIMIT + 20
# How long a claimed reminder stays claimed: just above the longest a send can take, so a live sender is never
# overtaken, and a crashed one's reminder is sent again within a minute or two.
REMINDER_CLAIM_TIMEOUT = datetime.timedelta(seconds=REMINDER_SEND_TIME_LIMIT + 10)
# How long a queued send task may wait before the sweep presumes it lost (the broker's data gone) and queues
# another; under the hourly sweep, the next one does. Queueing anew at each sweep instead piled up thousands of
# tasks for the same few reminders when the queue was slower than the sweep (the failover bench).
REMINDER_QUEUED_TIMEOUT = datetime.timedelta(minutes=30)


def reminders_to_queue(now: datetime.datetime | None = None):
    """Unsent, open reminders that neither a live sender holds nor a queued task waits for."""
    now = now or timezone.now()
    return Reminder.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - REMINDER_CLAIM_TIMEOUT),
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - REMINDER_QUEUED_TIMEOUT),
        sent_at__isnull=True, done_at__isnull=True,
    )


def reminder_mark_queued(*, reminder_id: int) -> datetime.datetime | None:
    """Mark the reminder as queued, unless it no longer needs a task (one conditional UPDATE, so of two sweeps
    only one queues it). Returns the mark, for reminder_unmark_queued."""
    now = timezone.now()
    return now if reminders_to_queue(now).filter(pk=reminder_id).update(queued_at=now) else None


def reminder_unmark_queued(*, reminder_id: int, marked_at: datetime.datetime) -> None:
    """The task could not be queued after all (broker down): the next sweep tries again."""
    Reminder.objects.filter(pk=reminder_id, queued_at=marked_at).update(queued_at=None)


def reminder_message_id(reminder: Reminder) -> str:
    """The reminder e-mail's Message-ID, derived from its key: a resend after a crash is the same message."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "nav-sikkerhet"
    return f"<reminder.{hashlib.sha256(reminder.key.encode()).hexdigest()[:40]}@{domain}>"


def reminder_ensure(
    *, key: str, kind: str, recipient: User, due_on: datetime.date, case_number: str, path: str,
) -> tuple[Reminder, bool]:
    """Create the reminder unless it exists; safe when two sweeps race (the key is unique)."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(key=key, kind=kind, recipient=recipient, due_on=due_on,
                                           case_number=case_number, path=path), True
    except IntegrityError:
        return Reminder.objects.get(key=key), False


def reminder_send(*, reminder_id: int) -> bool:
    """Send the reminder's e-mail once. Returns False when it was already sent, is being sent, or was
    closed first (moot, or ticked off on the start page).

    The claim is one conditional UPDATE, so only one of several concurrent senders gets it.
    A failed send releases the claim and raises, so the task retries.
    """
    from .scheduling import REMINDER_KINDS

    now = timezone.now()
    claimed = Reminder.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - REMINDER_CLAIM_TIMEOUT),
        pk=reminder_id, sent_at__isnull=True, done_at__isnull=True,
    ).update(claimed_at=now, queued_at=None, attempts=F("attempts") + 1)
    if not claimed:
        return False
    try:
        # Inside the try: a connection lost between the claim and the send must release the claim too.
        reminder = Reminder.objects.select_related("recipient").get(pk=reminder_id)
        kind = REMINDER_KINDS[reminder.kind]
        recipient = reminder.recipient
        values = reminder_values(reminder, url=settings.SITE_URL.rstrip("/") + reminder.path)
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            subject, body = str(kind.subject) % values, str(kind.body) % values
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email],
                               headers={"Message-ID": reminder_message_id(reminder)})
        message.send(fail_silently=False)
    except BaseException:  # SoftTimeLimitExceeded too: the retry may claim it again at once
        metrics.REMINDERS_FAILED.inc()
        # If the database stays away longer than the patience, the claim simply runs out.
        with contextlib.suppress(DatabaseError):
            _write_reminder(reminder_id, REMINDER_RELEASE_PATIENCE, claimed_at=None)
        raise
    metrics.REMINDERS_SENT.inc()
    # The mail server has the message: losing this write would send it again at the next sweep.
    _write_reminder(reminder_id, REMINDER_RECORD_SENT_PATIENCE, sent_at=timezone.now())
    return True


def _write_reminder(reminder_id: int, patience: float, **fields) -> None:
    """Write the fields, on a fresh connection if the old one died, until the database answers (within the patience)."""
    deadline = time.monotonic() + patience
    wait = 0.25
    while True:
        try:
            Reminder.objects.filter(pk=reminder_id).update(**fields)
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() >= deadline or not connection.get_autocommit():
                raise
            connection.close()
            time.sleep(wait)
            wait = min(wait * 2, 5)


def reminder_claim_remaining(*, reminder_id: int) -> int | None:
    """Seconds until another sender's claim on an unsent, open reminder runs out; None if there is none."""
    claimed_at = (
        Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True, done_at__isnull=True, claimed_at__isnull=False)
        .values_list("claimed_at", flat=True).first()
    )
    if claimed_at is None:
        return None
    return max(0, int((claimed_at + REMINDER_CLAIM_TIMEOUT - timezone.now()).total_seconds()))


def reminder_values(reminder: Reminder, *, url: str) -> dict:
    """What a reminder's subject and body are filled in with: its case, due date and link, and its kind's own
    values (the e-mail and the start page alike)."""
    from .scheduling import REMINDER_KINDS

    kind = REMINDER_KINDS[reminder.kind]
    values = {"case": reminder.case_number, "due": reminder.due_on.strftime("%d.%m.%Y"), "url": url}
    if kind.values is not None:
        values.update(kind.values(reminder_object_id(reminder)))
    return values


def reminder_object_id(reminder: Reminder) -> int:
    """The id of the object a reminder is about: the second part of its key (kind:object:due:recipient)."""
    return int(reminder.key.split(":")[1])


def reminder_mark_done(*, by: User, reminder_id: int) -> Reminder:
    """The recipient ticks a reminder off their start page."""
    reminder = Reminder.objects.get(pk=reminder_id, recipient=by)
    if reminder.done_at is None:
        reminder.done_at = timezone.now()
        reminder.save(update_fields=["done_at"])
    return reminder


def reminders_close_moot() -> int:
    """Close open reminders whose case no longer needs the action (answered, extended, registered …)."""
    from .scheduling import REMINDER_KINDS

    closed = 0
    for reminder in Reminder.objects.filter(done_at__isnull=True).only("pk", "kind", "key"):
        kind = REMINDER_KINDS.get(reminder.kind)
        if kind is not None and not kind.still_relevant(reminder_object_id(reminder)):
            closed += Reminder.objects.filter(pk=reminder.pk, done_at__isnull=True).update(done_at=timezone.now())
    return closed


# -- API keys for integrating systems ------------------------------------------------------------------------

API_KEY_MARK = "nsk"
# How often last_used_at is written: at most once a minute per key, so a busy phone system costs no extra write.
API_KEY_TOUCH_INTERVAL = datetime.timedelta(minutes=1)


def _api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, system: str, scopes: list[str] | None = None, by: User | None = None,
    expires_at: datetime.datetime | None = None,
) -> tuple[ApiKey, str]:
    """Make a key for an integrating system. Returns the row and the key itself, which is never stored or shown again.

    ``by`` is the administrator; the management command (run by operations on the server) passes none.
    A key with ``expires_at`` answers 401 from then on.
    """
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    if by is not None and not by.is_superuser:
        raise PermissionDenied(_("Only administrators may manage API keys."))
    prefix = secrets.token_hex(6)
    key = f"{API_KEY_MARK}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        system=system.strip(),
        prefix=prefix,
        key_hash=_api_key_hash(key),
        scopes=list(dict.fromkeys(scopes if scopes is not None else [ApiScope.SIKKERHETSTILTAK_READ])),
        expires_at=expires_at,
    )
    api_key.full_clean()
    api_key.save()
    return api_key, key


def api_key_prefix(key: str) -> str | None:
    """The prefix a well-formed key names its row by, or None for anything that is not a key."""
    mark, _sep, rest = (key or "").partition("_")
    prefix, _sep, secret = rest.partition("_")
    return prefix if mark == API_KEY_MARK and prefix and secret else None


def api_key_authenticate(*, key: str, read=None) -> ApiKey | None:
    """The active key matching ``key`` (not revoked, not expired), or None. Compared by hash in constant time.

    ``read``: how to read the row by its prefix, when the caller reads it together with other rows in one query."""
    prefix = api_key_prefix(key)
    if prefix is None:
        return None
    api_key = read(prefix) if read is not None else ApiKey.objects.filter(prefix=prefix).order_by().first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, _api_key_hash(key)) or not api_key.is_active:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > API_KEY_TOUCH_INTERVAL:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


@transaction.atomic
def api_key_revoke(*, by: User | None, api_key_id: int) -> ApiKey:
    """Revoke a key at once; a revoked key is never valid again."""
    if by is not None and not by.is_superuser:
        raise PermissionDenied(_("Only administrators may manage API keys."))
    api_key = ApiKey.objects.select_for_update().get(pk=api_key_id)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


@transaction.atomic
def api_key_set_scopes(*, by: User, api_key_id: int, scopes: list[str]) -> ApiKey:
    """Change what a key may do."""
    if not by.is_superuser:
        raise PermissionDenied(_("Only administrators may manage API keys."))
    api_key = ApiKey.objects.select_for_update().get(pk=api_key_id)
    api_key.scopes = list(dict.fromkeys(scopes))
    api_key.full_clean()
    api_key.save(update_fields=["scopes"])
    return api_key


@transaction.atomic
def staff_sign_in(*, claims: dict) -> User:
    """The staff member that a verified ID token names, matched on the NAV ident claim (never on e-mail).

    Name and e-mail are refreshed from the claims. An unknown NAV ident is refused, unless OIDC_CREATE_USERS
    is on: then an account is made with no role and no usable password, so it opens nothing until an
    administrator assigns a role. There is no acting user yet: the provider's signature vouches for the claims.
    """
    nav_ident = signin.nav_ident_from_claims(claims)
    profile = signin.profile_from_claims(claims)
    user = User.objects.select_for_update().filter(nav_ident=nav_ident).first()
    if user is None:
        if not settings.OIDC_CREATE_USERS:
            raise signin.SignInRefused(SignInRefusal.UNKNOWN_IDENT, nav_ident=nav_ident)
        user = User(username=nav_ident, nav_ident=nav_ident, language=settings.LANGUAGE_CODE, **profile)
        user.set_unusable_password()
        try:
            user.full_clean()
        except ValidationError as error:
            raise signin.SignInRefused(SignInRefusal.ACCOUNT_CONFLICT, nav_ident=nav_ident) from error
        user.save()
        user.created_at_sign_in = True
        return user
    if not user.is_active:
        raise signin.SignInRefused(SignInRefusal.INACTIVE, nav_ident=nav_ident)
    changed = [name for name, value in profile.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, profile[name])
        user.full_clean(exclude=[field.name for field in User._meta.fields if field.name not in changed])
        user.save(update_fields=changed)
    return user


def _client_ip(request) -> str | None:
    from axes.helpers import get_client_ip_address  # the address axes throttles on, behind the same proxy rules

    address = get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def signin_log_record(
    *,
    event: str,
    method: str,
    request,
    user: User | None = None,
    nav_ident: str = "",
    reason: str = "",
    detail: str = "",
) -> SignInLogEntry:
    """Write one line in the sign-in log (sign-in, refused sign-in or sign-out), and its CEF line after commit.

    The NAV ident comes from the account, or from a refusal that verified it; never a token.
    """
    with translation.override(settings.LANGUAGE_CODE):
        parts = [str(SignInEvent(event).label), str(SignInMethod(method).label)]
        if reason:
            parts.append(str(SignInRefusal(reason).label))
        if getattr(user, "created_at_sign_in", False):
            parts.append(_("new account without roles"))
    if detail:
        parts.append(detail)
    message = ": ".join(parts[:2]) + "".join(f"; {part}" for part in parts[2:])
    entry = SignInLogEntry(
        created_at=timezone.now(),
        event=event,
        method=method,
        user=user,
        nav_ident=user.nav_ident if user is not None else nav_ident,
        reason=reason,
        message=message[:500],
        source_ip=_client_ip(request),
        request_path=request.path[:500],
        request_method=request.method,
    )
    entry.full_clean(exclude=["user"])
    entry.save()
    transaction.on_commit(lambda: audit.emit_signin(entry))
    return entry



def page_seen(*, user: User, page: str) -> datetime.datetime | None:
    """Record that the user looks at the page now; returns when they last looked before (None the first time)."""
    now = timezone.now()
    with transaction.atomic():
        seen, created = PageSeen.objects.select_for_update().get_or_create(
            user=user, page=page, defaults={"seen_at": now}
        )
        if created:
            return None
        before = seen.seen_at
        seen.seen_at = now
        seen.save(update_fields=["seen_at"])
    return before


# -- retention ---------------------------------------------------------------------------------------------------

RETENTION_SYSTEM = "nav-sikkerhet-retention"


def retention_run(*, dry_run: bool = False, now: datetime.datetime | None = None) -> dict[str, int]:
    """Apply the retention schedule: per kind, how many records lost what identified a person.

    A dry run only counts. A real run writes one audit line per kind, with the count and never a person.
    Run by the scheduler (no acting user); idempotent: a second run finds nothing.
    """
    now = now or timezone.now()
    counts: dict[str, int] = {}
    retention.begin_run()
    with transaction.atomic():
        if not dry_run and connection.vendor == "postgresql":
            # The audit and sign-in logs refuse deletion except in a transaction marked so (migration 0018).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL nav_sikkerhet.retention = 'on'")
        for kind in retention.schedule():
            due = kind.due(kind.cutoff(now))
            if dry_run:
                counts[kind.key] = due.count()
                continue
            counts[kind.key] = kind.apply(due)
            with translation.override(settings.LANGUAGE_CODE):
                text = ngettext("Retention: %(count)s removed (%(kind)s, kept %(days)s day)",
                                "Retention: %(count)s removed (%(kind)s, kept %(days)s days)", kind.days) % {
                    "count": counts[kind.key], "kind": kind.key, "days": kind.days}
            entry = AuditLogEntry.objects.create(
                created_at=now, actor=None, actor_ident=RETENTION_SYSTEM, citizen=None, personident="",
                event=AuditEvent.DELETE, action=f"retention.{kind.key}", message=text[:500],
            )
            transaction.on_commit(lambda entry=entry: audit.emit(entry))
    return counts


def retention_hold_place(*, by: User, record, reason: str, until: datetime.date) -> RetentionHold:
    """Keep a decision or incident past its retention period, for a reason and until a date."""
    if not access.may_place_retention_hold(by, record.unit):
        raise PermissionDenied
    with transaction.atomic():
        hold = RetentionHold(record=record, reason=reason.strip(), until=until, placed_by=by)
        hold.full_clean()
        hold.save()
    return hold
