"""Shared core: units (enheter), citizens (brukere), staff, role assignments and the audit log."""

import datetime
import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import phones, rules
from .history import HistoricalRecords
from .identity import IdentKind, validate_personident

four_digits = RegexValidator(r"^\d{4}\Z", _("Enter exactly four digits."), code="four_digits")
nav_ident_validator = RegexValidator(
    r"^[A-Z]\d{6}\Z",
    _("A NAV ident is one capital letter followed by six digits, e.g. A123456."),
    code="nav_ident",
)
phone_validator = RegexValidator(
    r"^\+?[\d ]{8,20}\Z", _("Enter a phone number: digits and spaces, e.g. 21 07 00 00."), code="phone"
)


class Language(models.TextChoices):
    NB = "nb", _("Norwegian Bokmål")
    NN = "nn", _("Norwegian Nynorsk")
    EN = "en", _("English")


class UnitType(models.TextChoices):
    NAV_KONTOR = "nav_kontor", _("NAV office")
    KONTAKTSENTER = "kontaktsenter", _("NAV Contact Centre")
    HJELPEMIDDELSENTRAL = "hjelpemiddelsentral", _("NAV Assistive Technology Centre")
    FORVALTNING = "forvaltning", _("NAV administration unit")
    OTHER = "annen", _("Other unit")


class Unit(models.Model):
    """A NAV unit (enhet), identified by its four-digit enhetsnummer."""

    number = models.CharField(_("unit number"), max_length=4, unique=True, validators=[four_digits])
    name = models.CharField(_("name"), max_length=200)
    unit_type = models.CharField(_("unit type"), max_length=30, choices=UnitType.choices)
    municipality_number = models.CharField(_("municipality number"), max_length=4, validators=[four_digits])
    municipality_name = models.CharField(_("municipality"), max_length=100)
    result_area = models.CharField(
        _("result area"),
        max_length=100,
        help_text=_("Units in one result area (e.g. NAV Kontaktsenter) may share a decision's scope."),
    )
    region = models.CharField(_("county/region"), max_length=100)
    # The letters' return address and phone number: the citizen answers the unit that wrote to them.
    # db_default: rows inserted without them (older code during a deploy, migration tests) stay valid.
    postal_address = models.CharField(
        _("postal address"), max_length=200, blank=True, default="", db_default="",
        help_text=_("Street address or PO box, e.g. Postboks 2060."),
    )
    postal_code = models.CharField(
        _("postal code"), max_length=4, blank=True, default="", db_default="", validators=[four_digits]
    )
    postal_city = models.CharField(_("postal city"), max_length=100, blank=True, default="", db_default="")
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, default="", db_default="", validators=[phone_validator],
        help_text=_("The unit's own number, printed in its letters. Empty: NAV's general number."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["number"]
        indexes = [models.Index(fields=["municipality_number"]), models.Index(fields=["region"])]
        # Object permissions granted per unit from role assignments (see core/access.py).
        permissions = [
            ("prepare_decision", _("Draft and prepare decisions")),
            ("sign_decision", _("Sign decisions")),
            ("view_decisions", _("View decisions")),
            ("lookup_measures", _("Look up security measures")),
            ("register_incident", _("Register incidents")),
            ("view_incidents", _("View incidents")),
            ("review_incidents", _("Review incidents")),
            ("view_ros", _("View risk analyses")),
            ("manage_ros", _("Maintain risk analyses")),
            ("view_access_report", _("View access reports")),
            ("answer_access_requests", _("Answer right-of-access requests for every unit")),
            ("manage_roles", _("Manage role assignments")),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    def clean(self):
        # A return address is whole or absent: a letter must never carry half of one.
        postal = {"postal_address": self.postal_address, "postal_code": self.postal_code,
                  "postal_city": self.postal_city}
        if any(postal.values()):
            message = _("Fill in the whole postal address, or none of it.")
            missing = {name: message for name, value in postal.items() if not value}
            if missing:
                raise ValidationError(missing)

    @property
    def postal_lines(self) -> list[str]:
        """The unit's postal address as lines for a letter; empty when none is registered."""
        if not self.postal_address:
            return []
        return [self.postal_address, f"{self.postal_code} {self.postal_city}"]


class Citizen(models.Model):
    """A person NAV serves (bruker). Always addressed by public_id outside the database."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    personident = models.CharField(
        _("identity number"),
        max_length=11,
        unique=True,
        validators=[validate_personident],
        help_text=_("Fødselsnummer or D-number, 11 digits."),
    )
    ident_kind = models.CharField(_("kind of identity number"), max_length=3, choices=IdentKind.choices)
    birth_date = models.DateField(_("date of birth"))
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("postal address"), blank=True, help_text=_("Street address or PO box."))
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    postal_city = models.CharField(_("postal city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True, default="")
    preferred_language = models.CharField(
        _("preferred written language"),
        max_length=2,
        choices=Language.choices,
        default=Language.NB,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        ordering = ["name"]
        indexes = [models.Index(fields=["birth_date", "name"])]

    def __str__(self):
        # Never the identity number: __str__ ends up in logs, messages and admin titles.
        return self.name


class User(AbstractUser):
    """A NAV employee (ansatt) who logs in."""

    nav_ident = models.CharField(
        _("NAV ident"),
        max_length=7,
        unique=True,
        validators=[nav_ident_validator],
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NB)
    # A new random value whenever the user's unit permissions may have changed (core/access.py): the key under
    # which other requests may reuse the units read from the database. Empty: nothing is reused.
    access_stamp = models.UUIDField(null=True, default=uuid.uuid4, editable=False)

    REQUIRED_FIELDS = ["nav_ident", "email"]

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["username"]

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.nav_ident})" if full else f"{self.username} ({self.nav_ident})"

    def clean_fields(self, exclude=None):
        # Letters name staff with this number: a valid one, in one spelling. Field-level, so a sign-in that
        # refreshes only the name never trips over a number typed before numbers were checked.
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "phone" not in (exclude or ()) and "phone" not in errors and self.phone.strip():
            if phones.parse(self.phone) is None:
                errors["phone"] = [ValidationError(
                    _("Enter a valid phone number, e.g. 21 07 00 00 or +46 8 123 456 78."), code="phone"
                )]
            else:
                self.phone = phones.normalised(self.phone)
        if errors:
            raise ValidationError(errors)


class Role(models.TextChoices):
    ENHETSLEDER = "enhetsleder", _("Head of unit")
    STEDFORTREDER = "stedfortreder", _("Acting head of unit")
    SAKSBEHANDLER = "saksbehandler", _("Caseworker")
    MOTTAK = "mottak", _("Reception")
    KONTAKTSENTER = "kontaktsenter", _("Contact centre adviser")
    HMS = "hms", _("HMS adviser")
    VERNEOMBUD = "verneombud", _("Safety representative")
    SIKKERHETSANSVARLIG = "sikkerhetsansvarlig", _("Security officer (region)")
    PERSONVERN = "personvern", _("Privacy officer, right of access (country)")
    ADMINISTRATOR = "administrator", _("Administrator")


class Employer(models.TextChoices):
    """Who employs a head of unit: at a NAV office with shared leadership it may be the municipality (§6)."""

    STATE = "state", _("The state (NAV)")
    MUNICIPALITY = "municipality", _("The municipality")


# The roles that may decide for a unit, whose employer decides where a complaint about their decision goes.
HEAD_ROLES = frozenset({Role.ENHETSLEDER, Role.STEDFORTREDER})


class RoleAssignment(models.Model):
    """A staff member's role in one unit; the source of their object permissions."""

    user = models.ForeignKey(User, models.CASCADE, related_name="role_assignments", verbose_name=_("staff member"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="role_assignments", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    employer = models.CharField(
        _("employer"), max_length=20, choices=Employer.choices, blank=True, default="", db_default="",
        help_text=_("For a head of unit or acting head: the state, or at a NAV office with shared leadership "
                    "perhaps the municipality. The decision letter names the complaint route that follows."),
    )
    created_at = models.DateTimeField(_("assigned"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["unit__number", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_role_per_user_and_unit"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.unit}"

    def clean(self):
        if self.employer and self.role not in HEAD_ROLES:
            raise ValidationError({"employer": _("The employer is recorded only for a head of unit or acting head.")})
        if (
            self.employer == Employer.MUNICIPALITY
            and self.unit_id
            and self.unit.unit_type != UnitType.NAV_KONTOR
        ):
            raise ValidationError({"employer": _("Only a NAV office has municipal leaders; this unit is state only.")})


class AuditEvent(models.TextChoices):
    CREATE = "audit:create", _("Created")
    ACCESS = "audit:access", _("Displayed")
    UPDATE = "audit:update", _("Changed")
    DELETE = "audit:delete", _("Deleted")


class AuditLogEntry(models.Model):
    """One display of a citizen's personal data to a staff member or system. Append-only."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff"),
    )
    # Snapshots, so the record stays true even if the user or citizen is later changed.
    actor_ident = models.CharField(_("NAV ident or system"), max_length=100)
    citizen = models.ForeignKey(
        Citizen,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("citizen"),
    )
    personident = models.CharField(_("identity number"), max_length=11, db_index=True)
    event = models.CharField(_("event"), max_length=20, choices=AuditEvent.choices, default=AuditEvent.ACCESS)
    action = models.CharField(_("action"), max_length=100)
    message = models.CharField(_("description"), max_length=500)
    request_path = models.CharField(_("request path"), max_length=500, blank=True)
    request_method = models.CharField(_("request method"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["personident", "created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_ident} {self.action}"


class Reminder(models.Model):
    """A reminder to a staff member, sent once by e-mail and shown on their start page until done.

    ``key`` says what, about which object and for which due date; being unique, it is what makes
    a reminder exist and be sent once however often or concurrently the sweep runs.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    recipient = models.ForeignKey(User, models.CASCADE, related_name="reminders", verbose_name=_("recipient"))
    due_on = models.DateField(_("due on"))
    # What the reminder is about, by case number and link only: never a citizen's name or identity number.
    case_number = models.CharField(_("case number"), max_length=50)
    path = models.CharField(_("link"), max_length=300)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    # A task to send it waits in the queue since then: the sweep does not queue another (cleared by the claim).
    queued_at = models.DateTimeField(_("queued for sending"), null=True, blank=True)
    sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["recipient", "done_at"]),
            models.Index(fields=["sent_at"], name="core_reminder_unsent"),
        ]

    def __str__(self):
        return f"{self.kind} {self.case_number} {self.due_on}"


class ApiScope(models.TextChoices):
    SIKKERHETSTILTAK_READ = "sikkerhetstiltak:read", _("Read security measures")


def validate_scopes(value) -> None:
    if not isinstance(value, list) or any(scope not in ApiScope.values for scope in value):
        raise ValidationError(
            _("Choose scopes among: %(scopes)s."), code="scopes", params={"scopes": ", ".join(ApiScope.values)}
        )


class ApiKey(models.Model):
    """A key one integrating system (e.g. the contact centre's phone system) calls the API with.

    Only a SHA-256 hash of the key is stored; the prefix finds the row. The key is shown once, when made.
    """

    system = models.CharField(
        _("system"), max_length=100, help_text=_("The integrating system, e.g. «kontaktsenter-telefoni».")
    )
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True, validators=[validate_scopes])
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    # After this moment the key answers 401, as a revoked one; systems get keys that run out and are renewed.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["system", "-created_at"]

    def __str__(self):
        return f"{self.system} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class SignInEvent(models.TextChoices):
    SIGN_IN = "signin", _("Signed in")
    REFUSED = "signin_refused", _("Sign-in refused")
    SIGN_OUT = "signout", _("Signed out")


class SignInMethod(models.TextChoices):
    OIDC = "oidc", _("NAV account (OpenID Connect)")
    PASSWORD = "password", _("Password (test and demo)")


class SignInRefusal(models.TextChoices):
    """Why a sign-in was refused: the label goes in the sign-in log, signin.REFUSAL_MESSAGES to the user."""

    STATE = "state", _("unknown, used or expired state")
    NONCE = "nonce", _("nonce does not match")
    EXPIRED = "expired", _("token expired")
    SIGNATURE = "signature", _("token signature not valid")
    TOKEN_INVALID = "token_invalid", _("token not valid for this application")
    PROVIDER_ERROR = "provider_error", _("identity provider unreachable or answered with an error")
    CANCELLED = "cancelled", _("cancelled or refused at the identity provider")
    MISSING_IDENT = "missing_ident", _("no valid NAV ident in the token")
    UNKNOWN_IDENT = "unknown_ident", _("unknown NAV ident")
    INACTIVE = "inactive", _("account deactivated")
    ACCOUNT_CONFLICT = "account_conflict", _("account could not be created")
    PASSWORD = "password", _("wrong username or password")
    PASSWORD_DISABLED = "password_disabled", _("password sign-in is turned off")


class SignInLogEntry(models.Model):
    """One sign-in, refused sign-in or sign-out of a staff member. Append-only.

    Kept apart from the audit log, which records displays of a citizen's data: these events concern no citizen.
    It never holds a token; the NAV ident is recorded only once verified (from a valid token or an existing login).
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    event = models.CharField(_("event"), max_length=20, choices=SignInEvent.choices)
    method = models.CharField(_("sign-in method"), max_length=10, choices=SignInMethod.choices)
    user = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("staff member")
    )
    # A snapshot, so the record stays true if the account is later changed.
    nav_ident = models.CharField(_("NAV ident"), max_length=7, blank=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=20, choices=SignInRefusal.choices, blank=True)
    message = models.CharField(_("description"), max_length=500)
    source_ip = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    request_path = models.CharField(_("request path"), max_length=500, blank=True)
    request_method = models.CharField(_("request method"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("sign-in log entry")
        verbose_name_plural = _("sign-in log")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.nav_ident or '-'} {self.event}"


class PageSeen(models.Model):
    """When a staff member last looked at a page, so it can show what is new since (e.g. breaches on the overview)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="pages_seen", verbose_name=_("staff member"))
    page = models.CharField(_("page"), max_length=50)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("page last seen")
        verbose_name_plural = _("pages last seen")
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="core_pageseen_user_page")]

    def __str__(self):
        return f"{self.page} {self.seen_at:%Y-%m-%d %H:%M}"


HOLD_REASON_MIN_WORDS = 2


class RetentionHold(models.Model):
    """A decision or incident kept past its retention period: under complaint, with the Ombudsman or the police."""

    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+", verbose_name=_("kind"))
    object_id = models.PositiveBigIntegerField(_("object id"))
    record = GenericForeignKey("content_type", "object_id")
    reason = models.TextField(_("reason"))
    until = models.DateField(_("held until"))
    placed_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("placed by"))
    placed_at = models.DateTimeField(_("placed"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("retention hold")
        verbose_name_plural = _("retention holds")
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["content_type", "object_id", "until"])]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} – {self.until:%d.%m.%Y}"

    def clean(self):
        errors = {}
        if not (self.reason or "").strip():
            errors["reason"] = _("Give the reason for the hold (complaint, Ombudsman, police).")
        elif rules.is_placeholder(self.reason) or len(rules.words(self.reason)) < HOLD_REASON_MIN_WORDS:
            # The hold keeps a citizen's data past its period: the reason is what answers for that later.
            errors["reason"] = _("Say in a few words why the case must be kept: under complaint, with the "
                                 "Ombudsman or with the police.")
        if self.until and self.until <= timezone.localdate():
            errors["until"] = _("The hold must end after today.")
        elif self.until and self.until > timezone.localdate() + datetime.timedelta(days=3 * 366):
            errors["until"] = _("A hold may last at most three years; renew it if it is still needed.")
        if errors:
            raise ValidationError(errors)


class LetterStatus(models.TextChoices):
    PENDING = "pending", _("Being produced")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ArchivedLetter(models.Model):
    """What every archived letter to a citizen has: rendered once to PDF/A, stored with its SHA-256, retried on failure.

    Abstract: each app's letter keeps its own table (utestenging.Letter, hendelser.WarningLetter).
    """

    status = models.CharField(_("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.PENDING)
    file = models.FileField(_("file"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    generated_at = models.DateTimeField(_("produced"), null=True, blank=True)

    # A letter still pending after this long has lost its task (e.g. the broker was down): it may be retried.
    STUCK_AFTER = datetime.timedelta(minutes=10)
    # A failed letter is tried again by the sweep this many times; after that it waits for the "Try again" button.
    SWEEP_ATTEMPTS = 5

    class Meta:
        abstract = True

    @property
    def retry_allowed(self) -> bool:
        """Failed, or pending so long that its task was lost: the "Try again" button is offered."""
        return self.status == LetterStatus.FAILED or (
            self.status == LetterStatus.PENDING and self.created_at < timezone.now() - self.STUCK_AFTER
        )

    @classmethod
    def not_produced_q(cls) -> models.Q:
        """What the sweep produces again: letters whose task was lost, and failed ones not yet tried too often."""
        return models.Q(status=LetterStatus.PENDING, created_at__lt=timezone.now() - cls.STUCK_AFTER) | models.Q(
            status=LetterStatus.FAILED, attempts__lt=cls.SWEEP_ATTEMPTS
        )

    def archive_errors(self) -> dict:
        if self.status == LetterStatus.READY and not (self.file and len(self.sha256) == 64):
            return {"sha256": _("A ready letter has a stored file and its SHA-256.")}
        return {}
