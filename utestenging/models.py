"""Decisions (beslutninger) on physical exclusion and phone restriction, guideline §1–9.

It is a decision, never a "vedtak": an administrative decision without appeal rights (§6).
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import phones
from nav_sikkerhet.core.history import HistoricalRecords
from nav_sikkerhet.core.models import (
    ArchivedLetter,
    Citizen,
    Employer,
    Language,
    LetterStatus,  # noqa: F401 - re-exported: the app's modules import it from here; defined once in core
    Unit,
)

from . import reasons

# NAV's general phone number (answered by NAV Kontaktsenter): never a contact person's direct number.
NAV_GENERAL_PHONE = "55 55 33 33"


def is_general_nav_number(phone: str) -> bool:
    """Whether a phone number is NAV's general number, in any spelling ("+47 (0) 55 55 33 33" included)."""
    return phones.is_one_of(phone, [NAV_GENERAL_PHONE])


# 12 weeks counted inclusive: the last day may be at most 83 days after the first (§5, §9.3).
MAX_PERIOD_DAYS = 84


class Kind(models.TextChoices):
    """Every security measure on the ladder (§3): PDL's type codes where PDL has one, else an internal name."""

    FYUS = "FYUS", _("Physical exclusion")
    TFUS = "TFUS", _("Phone restriction")
    FTUS = "FTUS", _("Physical exclusion and phone restriction")
    TOAN = "TOAN", _("Two staff in every meeting")
    DIUS = "DIUS", _("Digital restriction")
    REGULATED_APPOINTMENTS = "regulated_appointments", _("Appointments only in regulated forms")
    CHANGE_OF_CASEWORKER = "change_of_caseworker", _("Change of caseworker")
    PROTECTIVE_MEASURES = "protective_measures", _("Protective measures in the premises")

    @property
    def physical(self) -> bool:
        return self in (Kind.FYUS, Kind.FTUS)

    @property
    def phone(self) -> bool:
        return self in (Kind.TFUS, Kind.FTUS)

    @property
    def rules(self) -> "KindRules":
        return KIND_RULES[self]

    @property
    def exclusion(self) -> bool:
        """An exclusion or phone restriction (§3–9): the top of the ladder, with notice, warning and alternatives."""
        return self.rules.exclusion


@dataclass(frozen=True)
class KindRules:
    """What differs between kinds of measure; everything else (workflow, signing, history) is shared."""

    # PDL's code and description (bokmål, as PDL sends them); empty for measures PDL has no code for.
    pdl_code: str
    pdl_description: str
    # The longest period, counted inclusive; ``max_from_guideline`` False marks a proposal still to be confirmed.
    max_days: int
    max_from_guideline: bool
    # Exclusions need advance notice, a warning or serious incident, and the less intrusive alternatives assessed.
    exclusion: bool
    # The citizen keeps a working alternative channel (§5): exclusions, and a digital restriction likewise.
    needs_channel: bool
    # What reception and the contact centre do when the person comes or calls.
    instruction: str


_EXCLUSION_DESK = _("Ask the person to leave the premises. If they refuse, call the police.")
_RESTRICTION_PHONE = _("End the call politely and refer the person to the alternative channel.")
KIND_RULES: dict[str, KindRules] = {
    Kind.FYUS: KindRules("FYUS", "Fysisk utestengelse", 84, True, True, True, _EXCLUSION_DESK),
    Kind.TFUS: KindRules("TFUS", "Telefonisk utestengelse", 84, True, True, True, _RESTRICTION_PHONE),
    Kind.FTUS: KindRules("FTUS", "Fysisk/telefonisk utestengelse", 84, True, True, True, _EXCLUSION_DESK),
    Kind.TOAN: KindRules(
        "TOAN", "To ansatte i samtale", 182, False, False, False,
        _("Meet the person only with two staff present; no drop-in. Book a room and a second colleague first."),
    ),
    Kind.DIUS: KindRules(
        "DIUS", "Digital utestengelse", 84, False, False, True,
        _("Do not answer the person in the closed digital channels; refer them to the alternative channel."),
    ),
    Kind.REGULATED_APPOINTMENTS: KindRules(
        "", "", 182, False, False, False,
        _("Meet the person only at a booked appointment; no drop-in. Refer them to their contact person."),
    ),
    Kind.CHANGE_OF_CASEWORKER: KindRules(
        "", "", 364, False, False, False,
        _("The person has a new caseworker: put them through to the contact person, not the former caseworker."),
    ),
    Kind.PROTECTIVE_MEASURES: KindRules(
        "", "", 182, False, False, False,
        _("Meet the person only in the secured meeting room, with the alarm within reach."),
    ),
}


class DigitalChannel(models.TextChoices):
    """NAV's digital channels a digital restriction (DIUS) may close."""

    CHAT = "chat", _("Chat with NAV")
    WRITE_TO_US = "write_to_us", _("«Write to us» messages")
    ACTIVITY_PLAN = "activity_plan", _("Dialogue in the activity plan")
    DIGITAL_MAILBOX_REPLIES = "mailbox_replies", _("Replies to letters in the digital mailbox")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOTICE_SENT = "notice_sent", _("Advance notice sent")
    READY = "ready", _("Ready for decision")
    SIGNED = "signed", _("Signed, not yet in force")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    LIFTED = "lifted", _("Lifted")
    DROPPED = "dropped", _("Closed without a decision")


IN_FORCE_STATUSES = (Status.SIGNED, Status.ACTIVE)
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.NOTICE_SENT, Status.READY})
DECIDED_STATUSES = frozenset({Status.SIGNED, Status.ACTIVE, Status.EXPIRED, Status.LIFTED})


class Ground(models.TextChoices):
    """Grounds (§3; for phone restriction §9.1)."""

    VIOLENCE = "violence", _("Violent behaviour or physical attack")
    THREATS = "threats", _("Threatening behaviour or threats")
    HARASSMENT = "harassment", _("Harassment")
    DAMAGE = "damage", _("Serious damage to NAV's premises")
    PHONE_THREATS = "phone_threats", _("Threats of violence (phone)")
    PHONE_HARASSMENT = "phone_harassment", _("Gross harassment (phone)")
    PHONE_SYSTEMATIC = "phone_systematic", _("Systematic gross phone harassment that keeps the unit from working")


PHYSICAL_GROUNDS = frozenset({Ground.VIOLENCE, Ground.THREATS, Ground.HARASSMENT, Ground.DAMAGE})
PHONE_GROUNDS = frozenset({Ground.PHONE_THREATS, Ground.PHONE_HARASSMENT, Ground.PHONE_SYSTEMATIC})


class Scope(models.TextChoices):
    """Which units a decision covers (§4): the own unit, or more within the municipality or result area."""

    UNIT = "unit", _("This unit only")
    MUNICIPALITY = "municipality", _("All NAV offices in the municipality")
    RESULT_AREA = "result_area", _("All units in the result area")


class NoticeStatus(models.TextChoices):
    NOT_HANDLED = "not_handled", _("Not handled yet")
    SENT = "sent", _("Sent")
    NOT_POSSIBLE = "not_possible", _("Not possible")


class NoticeMethod(models.TextChoices):
    LETTER = "letter", _("Letter by post")
    IN_PERSON = "in_person", _("Handed over in person")
    PHONE = "phone", _("By phone, confirmed in writing")
    DIGITAL = "digital", _("Digital mailbox")


class NoticeImpossibleReason(models.TextChoices):
    """Why advance notice could not be given (§4: "så sant det er mulig"); a written explanation goes with it."""

    ACUTE_DANGER = "acute_danger", _("Acute danger to staff")
    UNREACHABLE = "unreachable", _("The citizen cannot be reached")
    OTHER = "other", _("Other reason")


# The citizen's deadline to give their view is at least this many days after the notice was sent, unless the
# leader records why a shorter one is needed (§4).
MIN_NOTICE_DAYS = 7


class ShortDeadlineReason(models.TextChoices):
    """Why the citizen gets less than 7 days to give their view: one of a short list, with a written reason."""

    ACUTE_DANGER = "acute_danger", _("Acute danger to staff")
    URGENT = "urgent", _("The measure is urgent for another reason")


class ActingReason(models.TextChoices):
    """Why the acting head of unit decides instead of the head (§4, §9.2)."""

    HEAD_ABSENT = "head_absent", _("The head of unit is absent")
    HEAD_DISQUALIFIED = "head_disqualified", _("The head of unit is disqualified")
    OTHER = "other", _("Other reason")


class SignedAs(models.TextChoices):
    """In which capacity the decision was signed (§4, §9.2): the head of unit or their stand-in."""

    HEAD = "head", _("Head of unit")
    ACTING = "acting", _("Acting head of unit")


class StatementStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting the citizen's statement")
    RECEIVED = "received", _("Statement received")
    NONE_RECEIVED = "none_received", _("No statement received by the deadline")


class WrittenDelivery(models.TextChoices):
    POST = "post", _("By post")
    HANDED_OVER = "handed_over", _("Handed over in person")
    DIGITAL = "digital", _("Digital mailbox")


# The written assessments of §3–5 and §9.2 (the period's own reasoning is asked with the dates).
ASSESSMENT_FIELDS = (
    "case_informed",
    "risk_of_repetition",
    "clear_need",
    "alternatives",
    "proportionality",
    "other_measures",
    "whole_situation",
    "other_units_views",
    "extension_assessment",
)


class Decision(reasons.RemembersLoadedValues, models.Model):
    """A decision to exclude a citizen from NAV premises and/or restrict their phone contact."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind of measure"), max_length=30, choices=Kind.choices)
    # Only for a digital restriction (DIUS): which digital channels it closes.
    digital_channels = models.JSONField(_("digital channels closed"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Empty only once the retention period has passed and the decision is anonymised (core.retention).
    citizen = models.ForeignKey(Citizen, models.PROTECT, null=True, blank=True, related_name="decisions",
                                verbose_name=_("citizen"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="decisions", verbose_name=_("deciding unit"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, default=Scope.UNIT)
    covered_units = models.ManyToManyField(
        Unit, related_name="covering_decisions", verbose_name=_("units covered"), blank=True
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("responsible leader"),
        null=True,
        blank=True,
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("contact person for the citizen"),
        null=True,
        blank=True,
        help_text=_("Usually the leader. Leave empty to use the responsible leader."),
    )
    extends = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions",
        verbose_name=_("extends decision"),
    )

    grounds = models.JSONField(_("grounds"), default=list, blank=True)
    # Written assessments (§3, §4, §5, §9.2). Empty means "not yet assessed".
    case_informed = models.TextField(_("the case is sufficiently informed"), blank=True)
    risk_of_repetition = models.TextField(_("risk of repetition"), blank=True)
    clear_need = models.TextField(_("clear need for the measure"), blank=True)
    alternatives = models.TextField(_("less intrusive alternatives considered or tried"), blank=True)
    proportionality = models.TextField(_("proportionality"), blank=True)
    other_measures = models.TextField(_("other security measures on the citizen checked"), blank=True)
    whole_situation = models.TextField(_("the citizen's whole situation"), blank=True)
    other_units_views = models.TextField(_("views of other units the citizen deals with"), blank=True)
    duration_assessment = models.TextField(_("why this length"), blank=True)
    extension_assessment = models.TextField(_("assessment of continued risk (extension)"), blank=True)

    notice_status = models.CharField(
        _("advance notice"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.NOT_HANDLED
    )
    notice_sent_on = models.DateField(_("notice sent on"), null=True, blank=True)
    notice_method = models.CharField(
        _("how the notice was given"), max_length=20, choices=NoticeMethod.choices, blank=True
    )
    notice_deadline = models.DateField(_("deadline for the citizen's statement"), null=True, blank=True)
    notice_not_possible_kind = models.CharField(
        _("reason advance notice was not possible"), max_length=20, choices=NoticeImpossibleReason.choices,
        blank=True,
    )
    notice_not_possible_reason = models.TextField(_("why advance notice was not possible"), blank=True)
    # The day the system produced the notice letter: the letter carries it, and "sent on" is not earlier.
    notice_produced_on = models.DateField(_("notice letter produced on"), null=True, blank=True)
    notice_short_deadline_reason = models.TextField(_("why the citizen's deadline is shorter than 7 days"),
                                                    blank=True)
    notice_short_deadline_kind = models.CharField(
        _("reason for a deadline shorter than 7 days"), max_length=20, choices=ShortDeadlineReason.choices,
        blank=True,
    )
    # What the advance notice told the citizen (kind, units, period, grounds, facts), recorded when it was sent:
    # a decision that goes beyond it needs a new notice before it is signed (§4).
    noticed_content = models.JSONField(_("what the advance notice said"), default=dict, blank=True, editable=False)
    statement_status = models.CharField(
        _("citizen's statement"), max_length=20, choices=StatementStatus.choices, blank=True
    )
    statement = models.TextField(_("the citizen's statement"), blank=True)
    statement_received_on = models.DateField(_("statement received on"), null=True, blank=True)
    statement_assessment = models.TextField(_("NAV's assessment of the citizen's statement"), blank=True)
    no_warning_reason = models.TextField(_("why no warning was given before the decision"), blank=True)
    representative_name = models.CharField(_("representative (fullmektig)"), max_length=200, blank=True)
    representative_address = models.TextField(_("representative's postal address"), blank=True)
    postal_address = models.TextField(
        _("postal address for this case"), blank=True,
        help_text=_("Only if the register has no usable address: street or PO box, postal code and city, "
                    "one per line. Letters by post go here instead."),
    )

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    letter_language = models.CharField(
        _("letter language"), max_length=2, choices=Language.choices, default=Language.NB
    )

    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("signed by")
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_as = models.CharField(_("signed as"), max_length=10, choices=SignedAs.choices, blank=True)
    acting_reason = models.CharField(
        _("why the acting head decided"), max_length=20, choices=ActingReason.choices, blank=True
    )
    acting_reason_text = models.TextField(_("the acting head's reason, in words"), blank=True)
    # The signer's employer when they signed: it decides which complaint route the letter names (§6).
    signed_employer = models.CharField(_("the signer's employer"), max_length=20, choices=Employer.choices,
                                       blank=True)
    told_orally_on = models.DateField(_("citizen told orally on"), null=True, blank=True)
    written_delivery = models.CharField(
        _("written decision delivered"), max_length=20, choices=WrittenDelivery.choices, blank=True
    )
    written_delivered_on = models.DateField(_("written decision sent or handed over on"), null=True, blank=True)
    written_delivery_note = models.TextField(_("how the written decision will reach the citizen"), blank=True)
    # What actually happened, recorded afterwards: the overview lists signed decisions not yet delivered.
    delivered_on = models.DateField(_("written decision delivered on"), null=True, blank=True)
    delivered_how = models.CharField(
        _("written decision delivered how"), max_length=20, choices=WrittenDelivery.choices, blank=True
    )

    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    closed_reason = models.TextField(_("reason for closing without a decision"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    history = HistoricalRecords(m2m_fields=[covered_units])

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "valid_to"]),
            models.Index(fields=["status", "valid_from"]),
            models.Index(fields=["citizen", "status"]),
            # The sweep's registration reminders read decisions signed in a date range.
            models.Index(fields=["signed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="decision_period_in_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["signed", "active", "expired", "lifted"])
                | (
                    models.Q(signed_by__isnull=False)
                    & models.Q(signed_at__isnull=False)
                    & models.Q(valid_from__isnull=False)
                    & models.Q(valid_to__isnull=False)
                ),
                name="decision_signed_has_signature_and_period",
            ),
            models.CheckConstraint(
                condition=models.Q(citizen__isnull=False) | models.Q(anonymised_at__isnull=False),
                name="decision_citizen_unless_anonymised",
            ),
        ]

    def __str__(self):
        return f"{self.case_number} {self.get_kind_display()}"

    @property
    def case_number(self) -> str:
        return f"US-{self.created_at:%Y}-{self.pk or 0:05d}"

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)

    def get_digital_channel_labels(self) -> list[str]:
        return [DigitalChannel(c).label for c in self.digital_channels if c in DigitalChannel.values]

    def ground_labels(self) -> list[str]:
        return [Ground(g).label for g in self.grounds if g in Ground.values]

    @property
    def effective_contact(self):
        return self.contact_person or self.responsible_leader

    @property
    def ends_on(self) -> datetime.date | None:
        """The last day in force: the lifting date if lifted early."""
        return self.lifted_on if self.lifted_on else self.valid_to

    @staticmethod
    def in_force_q(day: datetime.date) -> models.Q:
        """in_force_on(day) as a query: signed or active, the day within the period."""
        return models.Q(status__in=IN_FORCE_STATUSES, valid_from__lte=day, valid_to__gte=day)

    def in_force_on(self, day: datetime.date) -> bool:
        """In force from the dates alone, whether or not the daily job has updated the status."""
        if self.status not in IN_FORCE_STATUSES or self.valid_from is None:
            return False
        return self.valid_from <= day <= self.valid_to

    def clean(self):
        errors = {}
        if self.valid_from and self.valid_to:
            if self.valid_to < self.valid_from:
                errors["valid_to"] = _("The end date cannot be before the start date.")
            elif (self.valid_to - self.valid_from).days >= self.max_days:
                last = (self.valid_from + datetime.timedelta(days=self.max_days - 1)).strftime("%d.%m.%Y")
                errors["valid_to"] = (
                    _("The period may be at most 12 weeks: the last day can be no later than %(last)s.")
                    % {"last": last}
                    if self.max_days == MAX_PERIOD_DAYS
                    else _("The period may be at most %(weeks)s weeks: the last day can be no later than %(last)s.")
                    % {"weeks": self.max_days // 7, "last": last}
                )
        if self.signed_at and self.valid_from and self.valid_from < timezone.localdate(self.signed_at):
            errors["valid_from"] = _("A decision cannot start before the day it is signed.")
        allowed = (
            PHONE_GROUNDS
            if self.kind == Kind.TFUS
            else (PHYSICAL_GROUNDS if self.kind == Kind.FYUS else PHYSICAL_GROUNDS | PHONE_GROUNDS)
        )
        if not isinstance(self.grounds, list) or any(g not in allowed for g in self.grounds):
            errors["grounds"] = _("Choose only grounds that fit the kind of measure.")
        errors.update(self._digital_channel_errors())
        errors.update(self._notice_errors())
        if self.notice_sent_on and self.notice_produced_on and self.notice_sent_on < self.notice_produced_on:
            errors["notice_sent_on"] = _(
                "The notice cannot have been sent before the letter was produced (%(date)s)."
            ) % {"date": self.notice_produced_on.strftime("%d.%m.%Y")}
        if self.statement_received_on and self.statement_received_on > timezone.localdate():
            errors["statement_received_on"] = _("The date cannot be in the future.")
        elif self.statement_received_on and self.notice_sent_on and self.statement_received_on < self.notice_sent_on:
            errors["statement_received_on"] = _(
                "The statement cannot have been received before the advance notice was sent (%(date)s)."
            ) % {"date": self.notice_sent_on.strftime("%d.%m.%Y")}
        errors.update(self._signing_errors())
        if bool(self.representative_name.strip()) != bool(self.representative_address.strip()):
            field = "representative_address" if self.representative_name.strip() else "representative_name"
            errors[field] = _("A representative needs both a name and a postal address for the copy of the letter.")
        if (
            self.lifted_on
            and self.valid_from
            and not (self.signed_at and timezone.localdate(self.signed_at) <= self.lifted_on <= self.valid_to)
        ):
            errors["lifted_on"] = _("The lifting date must lie between the signing date and the end of the period.")
        errors = {**reasons.field_errors(self), **errors}
        if errors:
            raise ValidationError(errors)

    @property
    def max_days(self) -> int:
        return KIND_RULES[self.kind].max_days if self.kind in KIND_RULES else MAX_PERIOD_DAYS

    def _digital_channel_errors(self) -> dict:
        """A digital restriction names the channels it closes; no other kind closes any."""
        channels = self.digital_channels
        if not isinstance(channels, list) or any(c not in DigitalChannel.values for c in channels):
            return {"digital_channels": _("Choose only NAV's digital channels from the list.")}
        if channels and self.kind != Kind.DIUS:
            return {"digital_channels": _("Only a digital restriction closes digital channels.")}
        return {}

    def _notice_errors(self) -> dict:
        """A notice stands once sent (§4): a real deadline after the day it was sent, and never "not possible"."""
        errors = {}
        sent, deadline = self.notice_sent_on, self.notice_deadline
        if sent and self.notice_status == NoticeStatus.NOT_POSSIBLE:
            errors["notice_not_possible_kind"] = _(
                "Advance notice was sent on %(date)s: it stands, and cannot also be recorded as not possible."
            ) % {"date": sent.strftime("%d.%m.%Y")}
        if not (sent and deadline):
            return errors
        if deadline <= sent:
            errors["notice_deadline"] = _(
                "The deadline must be after the day the notice is sent: the citizen needs time to answer."
            )
        elif (deadline - sent).days < MIN_NOTICE_DAYS:
            kind, reason = self.notice_short_deadline_kind, self.notice_short_deadline_reason.strip()
            if not kind and not reason:
                errors["notice_deadline"] = _(
                    "Give the citizen at least 7 days (until %(date)s), or choose why a shorter deadline is needed."
                ) % {"date": (sent + datetime.timedelta(days=MIN_NOTICE_DAYS)).strftime("%d.%m.%Y")}
            elif not kind:
                errors["notice_short_deadline_kind"] = _("Choose why the citizen gets less than 7 days.")
            elif not reason:
                errors["notice_short_deadline_reason"] = _("Explain why the citizen gets less than 7 days.")
        return errors

    def _signing_errors(self) -> dict:
        """Who signed and in what capacity (§4, §9.2), and when the written decision was actually delivered (§6)."""
        errors = {}
        if self.signed_as == SignedAs.ACTING and not self.acting_reason:
            errors["acting_reason"] = _("Choose why you decide as acting head of unit.")
        elif self.acting_reason == ActingReason.OTHER and not self.acting_reason_text.strip():
            errors["acting_reason_text"] = _("Explain why you decide as acting head of unit.")
        elif self.acting_reason and self.signed_as == SignedAs.HEAD:
            errors["acting_reason"] = _("The head of unit decides in their own right: no reason is recorded.")
        if self.delivered_on:
            if self.delivered_on > timezone.localdate():
                errors["delivered_on"] = _("The date cannot be in the future.")
            elif self.signed_at and self.delivered_on < timezone.localdate(self.signed_at):
                errors["delivered_on"] = _("The written decision cannot have been delivered before it was signed.")
            if not self.delivered_how:
                errors["delivered_how"] = _("Say how the written decision was delivered.")
        return errors


class Fact(reasons.RemembersLoadedValues, models.Model):
    """A concrete, dated incident the decision rests on (§3)."""

    decision = models.ForeignKey(Decision, models.CASCADE, related_name="facts")
    occurred_on = models.DateField(_("date"))
    description = models.TextField(_("what happened"))
    serious = models.BooleanField(
        _("serious enough on its own"), default=False,
        help_text=_("A single serious incident can ground a decision; repeated milder ones need an earlier warning."),
    )
    # The registered incident the fact was taken from, if any: the decision page links it.
    incident = models.ForeignKey(
        "hendelser.Incident", models.PROTECT, null=True, blank=True, related_name="decision_facts",
        verbose_name=_("registered incident"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        ordering = ["occurred_on", "pk"]

    def __str__(self):
        return f"{self.occurred_on:%d.%m.%Y}"

    def clean(self):
        errors = reasons.field_errors(self)
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = _("An incident cannot be dated in the future.")
        if errors:
            raise ValidationError(errors)


class ChannelKind(models.TextChoices):
    WRITTEN = "written", _("Written communication")
    PHONE = "phone", _("Phone with a named person")
    PROXY = "proxy", _("Through a proxy (fullmektig)")
    MEETING = "meeting", _("Meetings at a named NAV unit or at an address outside NAV")


class AlternativeChannel(reasons.RemembersLoadedValues, models.Model):
    """How the citizen keeps access to NAV's services during the measure (§5)."""

    decision = models.ForeignKey(Decision, models.CASCADE, related_name="channels")
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices)
    person_name = models.CharField(_("name of person"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    times = models.CharField(_("when"), max_length=200, blank=True, help_text=_("E.g. Tuesdays 10–12."))
    address = models.TextField(_("address"), blank=True)
    place = models.CharField(_("meeting place"), max_length=200, blank=True)
    note = models.TextField(_("other details"), blank=True)
    # The NAV unit the channel runs through: the named person's unit, or the unit where a meeting is held.
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("at NAV unit"),
        help_text=_("The named person's unit, or where the meeting is held. Leave empty for a place outside NAV."),
    )
    history = HistoricalRecords()

    # Which details each channel must state, so the letter gives the citizen something concrete. A meeting
    # also needs where: a NAV unit chosen from the list, or the address of a place outside NAV.
    REQUIRED_DETAILS = {
        ChannelKind.WRITTEN: ["address"],
        ChannelKind.PHONE: ["person_name", "phone", "times"],
        ChannelKind.PROXY: ["person_name"],
        ChannelKind.MEETING: ["times"],
    }

    class Meta:
        verbose_name = _("alternative service channel")
        verbose_name_plural = _("alternative service channels")
        ordering = ["pk"]

    def __str__(self):
        return self.get_channel_display()

    def missing_details(self) -> list[str]:
        """The fields this channel still lacks for the letter to say something concrete."""
        required = self.REQUIRED_DETAILS.get(self.channel)
        if required is None:
            return ["channel"]
        missing = [name for name in required if not str(getattr(self, name) or "").strip()]
        if self.channel == ChannelKind.MEETING and not self.unit_id and not self.address.strip():
            missing.append("address")
        if self.channel == ChannelKind.PHONE and self.phone.strip() and phones.parse(self.phone) is None:
            missing.append("phone")
        return missing

    def clean(self):
        errors = {}
        # A number typed before numbers were checked stays as it was until someone changes it: the checklist
        # shows it, and a signed decision's record is never rewritten.
        phone_written = getattr(self, "_loaded_values", {}).get("phone") != self.phone
        if self.phone.strip() and phone_written:
            if phones.parse(self.phone) is None:
                errors["phone"] = _("Enter a valid phone number, e.g. 21 07 00 00 or +46 8 123 456 78.")
            else:
                self.phone = phones.normalised(self.phone)
        if self.phone and is_general_nav_number(self.phone):
            # The general number reaches the contact centre and every office's switchboard: not a direct line.
            errors["phone"] = _(
                "NAV's general number is not a contact person's number: give the person's direct number."
            )
        for name in self.missing_details():
            if name == "phone" and self.phone.strip() and not phone_written:
                continue  # an old number that does not parse: the checklist shows the channel as incomplete
            if name == "address" and self.channel == ChannelKind.MEETING:
                errors[name] = _("Choose the NAV unit where the meeting is held, or give the address of the place "
                                 "outside NAV.")
            elif name not in errors:
                errors[name] = _("Fill in this detail for the chosen channel.")
        if errors:
            raise ValidationError(errors)


class LessIntrusiveMeasure(models.TextChoices):
    """The less intrusive reactions the guideline names (§3), each assessed before a decision is made."""

    ASKED_TO_LEAVE = "asked_to_leave", _("Asked to leave the premises at once")
    ORAL_WARNING = "oral_warning", _("Oral warning")
    WRITTEN_WARNING = "written_warning", _("Written warning")
    TWO_STAFF = "two_staff", _("Two staff in every meeting")
    REGULATED_APPOINTMENTS = "regulated_appointments", _("Appointments in regulated forms")
    CHANGE_OF_CASEWORKER = "change_of_caseworker", _("Change of caseworker")
    PROTECTIVE_MEASURES = "protective_measures", _("Protective measures in the premises")
    PHONE_OR_DIGITAL_ONLY = "phone_or_digital_only", _("Contact by phone or digitally only")


# The alternatives that are warnings: a row that says one was tried may point at the registered warning.
WARNING_ALTERNATIVES = {LessIntrusiveMeasure.ORAL_WARNING: "oral", LessIntrusiveMeasure.WRITTEN_WARNING: "written"}
# The alternatives that are measures of their own: a row that says one was tried may point at the decided measure.
MEASURE_ALTERNATIVES = {
    LessIntrusiveMeasure.TWO_STAFF: Kind.TOAN,
    LessIntrusiveMeasure.REGULATED_APPOINTMENTS: Kind.REGULATED_APPOINTMENTS,
    LessIntrusiveMeasure.CHANGE_OF_CASEWORKER: Kind.CHANGE_OF_CASEWORKER,
    LessIntrusiveMeasure.PROTECTIVE_MEASURES: Kind.PROTECTIVE_MEASURES,
}


class AlternativeOutcome(models.TextChoices):
    TRIED = "tried", _("Tried, and it was not enough")
    NOT_ENOUGH = "not_enough", _("Considered: it would not be enough")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class AlternativeAssessment(reasons.RemembersLoadedValues, models.Model):
    """How one less intrusive alternative was weighed (§3): tried (when, or which registered warning), would not
    be enough, or not relevant, and why.

    What was tried is a date, a registered warning (hendelser), or the citizen's decided measure of that kind
    (two staff in every meeting, regulated appointments, change of caseworker, protective measures).
    """

    decision = models.ForeignKey(Decision, models.CASCADE, related_name="alternative_assessments")
    alternative = models.CharField(_("alternative"), max_length=30, choices=LessIntrusiveMeasure.choices)
    outcome = models.CharField(_("assessment"), max_length=20, choices=AlternativeOutcome.choices)
    tried_on = models.DateField(_("tried on"), null=True, blank=True)
    warning = models.ForeignKey(
        "hendelser.CitizenWarning", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("the registered warning"),
    )
    measure = models.ForeignKey(
        Decision, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("the registered measure"),
    )
    reason = models.TextField(_("why"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("less intrusive alternative")
        verbose_name_plural = _("less intrusive alternatives")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "alternative"], name="one_assessment_per_alternative"),
            models.CheckConstraint(
                condition=models.Q(outcome="tried")
                | models.Q(tried_on__isnull=True, warning__isnull=True, measure__isnull=True),
                name="alternative_date_only_when_tried",
            ),
        ]

    def __str__(self):
        return f"{self.get_alternative_display()}: {self.get_outcome_display()}"

    def clean(self):
        errors = reasons.field_errors(self)
        if self.outcome == AlternativeOutcome.TRIED:
            if self.tried_on is None and self.warning_id is None and self.measure_id is None:
                errors["tried_on"] = _("Give the date it was tried, or choose the registered warning.")
            elif self.tried_on and self.tried_on > timezone.localdate():
                errors["tried_on"] = _("The date cannot be in the future.")
            if self.warning_id and self.alternative not in WARNING_ALTERNATIVES:
                errors["warning"] = _("Only a warning can refer to a registered warning.")
            if self.measure_id and self.alternative not in MEASURE_ALTERNATIVES:
                errors["measure"] = _("Only a measure on the ladder can refer to a registered measure.")
        elif self.tried_on or self.warning_id or self.measure_id:
            errors["tried_on"] = _("A date or warning belongs only to an alternative that was tried.")
        if errors:
            raise ValidationError(errors)


class RegistrationKind(models.TextChoices):
    """Registration duties after signing (§7)."""

    GOSYS = "gosys", _("Flag registered in Gosys")
    ARCHIVE = "archive", _("Decision and documents stored in the administrative archive")
    ASYS = "asys", _("Registered in ASYS (state deviation system)")
    MUNICIPAL = "municipal", _("Registered in the municipal deviation system")


class Registration(models.Model):
    decision = models.ForeignKey(Decision, models.CASCADE, related_name="registrations")
    kind = models.CharField(_("registration"), max_length=20, choices=RegistrationKind.choices)
    done_on = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["decision", "kind"], name="one_registration_per_kind")]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        if (
            self.kind in (RegistrationKind.ARCHIVE, RegistrationKind.ASYS, RegistrationKind.MUNICIPAL)
            and not self.reference.strip()
        ):
            raise ValidationError({"reference": _("Give the reference (case or document number).")})
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": _("The date cannot be in the future.")})


class ServiceComplaint(reasons.RemembersLoadedValues, models.Model):
    """A service complaint (serviceklage) about the decision and NAV's written answer (§6)."""

    decision = models.ForeignKey(Decision, models.CASCADE, related_name="complaints")
    received_on = models.DateField(_("received on"))
    from_whom = models.CharField(
        _("from whom"), max_length=200, help_text=_("The citizen, or their representative's name.")
    )
    summary = models.TextField(_("what the complaint is about"))
    # Filled when a representative (fullmektig) complained: the answer goes to them, with a copy to the citizen.
    representative_name = models.CharField(_("representative (fullmektig)"), max_length=200, blank=True)
    representative_address = models.TextField(_("representative's postal address"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_summary = models.TextField(_("the written answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("answered by")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service complaint")
        verbose_name_plural = _("service complaints")
        ordering = ["received_on", "pk"]
        # The sweep's reminders read the unanswered complaints received in a date range.
        indexes = [
            models.Index(fields=["received_on"], condition=models.Q(answered_on__isnull=True),
                         name="complaint_unanswered_received"),
        ]

    def __str__(self):
        return f"{self.received_on:%d.%m.%Y} {self.from_whom}"

    def clean(self):
        today = timezone.localdate()
        errors = {}
        if self.received_on and self.received_on > today:
            errors["received_on"] = _("The date cannot be in the future.")
        if self.answered_on:
            if self.answered_on > today:
                errors["answered_on"] = _("The date cannot be in the future.")
            elif self.received_on and self.answered_on < self.received_on:
                errors["answered_on"] = _("The answer cannot be dated before the complaint was received.")
            if not self.answer_summary.strip():
                errors["answer_summary"] = _("Describe the written answer that was sent.")
        if bool(self.representative_name.strip()) != bool(self.representative_address.strip()):
            field = "representative_address" if self.representative_name.strip() else "representative_name"
            errors[field] = _("A representative needs both a name and a postal address for the copy of the letter.")
        errors = {**reasons.field_errors(self), **errors}
        if errors:
            raise ValidationError(errors)


class EventKind(models.TextChoices):
    CREATED = "created", _("Case created")
    UPDATED = "updated", _("Case updated")
    NOTICE_SENT = "notice_sent", _("Advance notice sent")
    NOTICE_NOT_POSSIBLE = "notice_not_possible", _("Advance notice not possible")
    STATEMENT = "statement", _("Citizen's statement recorded")
    READY = "ready", _("Marked ready for decision")
    REOPENED = "reopened", _("Sent back to draft")
    SIGNED = "signed", _("Decision signed")
    DELIVERED = "delivered", _("Written decision delivered")
    ACTIVATED = "activated", _("Decision in force")
    EXPIRED = "expired", _("Decision expired")
    LIFTED = "lifted", _("Decision lifted")
    DROPPED = "dropped", _("Closed without a decision")
    EXTENSION_STARTED = "extension_started", _("Extension started")
    REGISTERED = "registered", _("Registration done")
    COMPLAINT_RECEIVED = "complaint_received", _("Service complaint received")
    COMPLAINT_ANSWERED = "complaint_answered", _("Service complaint answered")
    BREACH = "breach", _("Breach: the citizen came or called despite the decision")


class DecisionEvent(models.Model):
    """One line on the decision's timeline. Written by the services, never edited."""

    decision = models.ForeignKey(Decision, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("by")
    )
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    text = models.TextField(_("details"), blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_kind_display()}"


class LetterKind(models.TextChoices):
    NOTICE = "notice", _("Advance notice")
    DECISION = "decision", _("Decision letter")
    EXTENSION = "extension", _("Extension letter")
    LIFTING = "lifting", _("Lifting letter")
    COMPLAINT_ANSWER = "complaint_answer", _("Answer to the service complaint")


class Letter(ArchivedLetter):
    """A letter to the citizen, rendered once to PDF/A and archived with its SHA-256; never replaced (§6, §7)."""

    decision = models.ForeignKey(Decision, models.PROTECT, related_name="letters", verbose_name=_("decision"))
    kind = models.CharField(_("kind of letter"), max_length=20, choices=LetterKind.choices)
    complaint = models.ForeignKey(
        ServiceComplaint, models.PROTECT, null=True, blank=True, related_name="letters", verbose_name=_("complaint")
    )
    # The n-th letter of its kind: an advance notice can be sent again after the case went back to draft.
    sequence = models.PositiveSmallIntegerField(_("number"), default=1)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["created_at", "pk"]
        # The sweep looks for letters not yet produced; they are few among all archived letters.
        indexes = [models.Index(fields=["status", "created_at"], condition=~models.Q(status="ready"),
                                name="utestenging_letter_not_ready")]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "kind", "sequence"],
                condition=models.Q(complaint__isnull=True),
                name="one_letter_per_decision_and_kind",
            ),
            models.UniqueConstraint(
                fields=["decision", "kind", "complaint"],
                condition=models.Q(complaint__isnull=False),
                name="one_letter_per_complaint",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="complaint_answer", complaint__isnull=False)
                | (~models.Q(kind="complaint_answer") & models.Q(complaint__isnull=True)),
                name="letter_complaint_only_for_answers",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready") | (~models.Q(file="") & ~models.Q(sha256="")),
                name="letter_ready_has_file_and_hash",
            ),
        ]

    def __str__(self):
        return f"{self.decision.case_number} {self.get_kind_display()} ({self.language})"

    def clean(self):
        errors = {}
        if (self.kind == LetterKind.COMPLAINT_ANSWER) != (self.complaint_id is not None):
            errors["complaint"] = _("Only an answer to a service complaint refers to a complaint, and it must.")
        elif self.complaint_id and self.complaint.decision_id != self.decision_id:
            errors["complaint"] = _("The complaint belongs to another decision.")
        errors.update(self.archive_errors())
        if errors:
            raise ValidationError(errors)


class BreachChannel(models.TextChoices):
    IN_PERSON = "in_person", _("Came to the office")
    PHONE = "phone", _("Called")


class Breach(models.Model):
    """The citizen came or called despite the decision (§8), as reception or the contact centre registered it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(Decision, models.PROTECT, related_name="breaches", verbose_name=_("decision"))
    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("how"), max_length=10, choices=BreachChannel.choices)
    description = models.TextField(_("what happened"))
    asked_to_leave = models.BooleanField(_("asked to leave or end the call"))
    police_called = models.BooleanField(_("police called"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    # Whose desk or phone it was: with the decision's unit, the only unit that may read the receipt.
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("registering unit")
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        ordering = ["occurred_at", "pk"]

    def __str__(self):
        return f"{self.occurred_at:%d.%m.%Y %H:%M} {self.get_channel_display()}"

    def clean(self):
        # A few minutes of slack for clocks that differ between the desk's PC and the server.
        if self.occurred_at and self.occurred_at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError({"occurred_at": _("A breach cannot be registered in the future.")})


# -- risk check before a meeting or home visit -------------------------------------------------------------


class ContactKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    HOME_VISIT = "home_visit", _("Home visit")


class ContactPlace(models.TextChoices):
    OFFICE = "office", _("At the NAV office")
    HOME = "home", _("At the citizen's home")
    ELSEWHERE = "elsewhere", _("Somewhere else")


class Recommendation(models.TextChoices):
    """From least to most: the order is the rule's (rules.risk_recommendation takes the highest that applies)."""

    GO_AHEAD = "go_ahead", _("Go ahead as planned")
    TWO_STAFF = "two_staff", _("Two staff")
    MEET_AT_OFFICE = "meet_at_office", _("Meet at the office")
    WITH_POLICE = "with_police", _("Only with the police")
    POSTPONE = "postpone", _("Postpone")


class RiskCheck(models.Model):
    """A staff member's structured check before a planned meeting or home visit, kept with the citizen.

    What the app knew (measures in force, incidents the staff member may see) is stored as counted then,
    beside the answers and the recommendation, so a later reader sees what the check rested on.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    citizen = models.ForeignKey(Citizen, models.PROTECT, related_name="risk_checks", verbose_name=_("citizen"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    planned_on = models.DateField(_("planned on"))
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind.choices)
    place = models.CharField(_("place"), max_length=20, choices=ContactPlace.choices)
    companions = models.PositiveSmallIntegerField(_("colleagues coming along"), default=0)
    alarm_available = models.BooleanField(_("alarm available"))
    police_informed = models.BooleanField(_("police informed"))
    measures_in_force = models.PositiveSmallIntegerField(_("measures in force"))
    incidents_24_months = models.PositiveSmallIntegerField(_("incidents in the last 24 months"))
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("checked by"))
    created_at = models.DateTimeField(_("checked at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("risk check")
        verbose_name_plural = _("risk checks")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(companions__lte=10), name="risk_check_companions_at_most_10"),
        ]

    def __str__(self):
        return f"{self.planned_on:%d.%m.%Y} {self.get_kind_display()}"

    def clean(self):
        errors = {}
        if self.planned_on and self.planned_on < timezone.localdate():
            errors["planned_on"] = _("A risk check is made before the meeting: the date cannot be in the past.")
        if self.companions is not None and self.companions > 10:
            errors["companions"] = _("At most 10 colleagues.")
        if self.kind == ContactKind.HOME_VISIT and self.place == ContactPlace.OFFICE:
            errors["place"] = _("A home visit is not at the office: choose the citizen's home or somewhere else.")
        if errors:
            raise ValidationError(errors)
