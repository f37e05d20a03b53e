"""Incidents (hendelser) of violence and threats, in NAV's ASYS categories, and what follows them.

This app complements ASYS and the municipal deviation system; it does not replace them: an incident
keeps the references to its reports there.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core.history import HistoricalRecords
from nav_sikkerhet.core.models import ArchivedLetter, Citizen, Language, LetterStatus, Unit

# Clocks on the desk's PC and the server may differ a little; a minute or two is not "the future".
CLOCK_SLACK = datetime.timedelta(minutes=5)


class Category(models.TextChoices):
    """ASYS categories, exactly as NAV's note of 2021 (§3 «Definisjoner og begreper») defines them."""

    VERBAL = "verbal", _("Verbal abuse")
    HARASSMENT = "harassment", _("Harassment or bullying")
    THREAT = "threat", _("Threatening behaviour or threat")
    SELF_HARM = "self_harm", _("Threat of suicide or self-harm")
    VANDALISM = "vandalism", _("Physical attack on building or furnishings (vandalism)")
    ASSAULT = "assault", _("Physical attack on a person")
    HATE_SPEECH = "hate_speech", _("Hate speech")


CATEGORY_DEFINITIONS = {
    Category.VERBAL: _("Statements with especially negative content; frightening, forceful utterances."),
    Category.HARASSMENT: _(
        "Personal harassment and degrading statements; acts, omissions or utterances meant to offend, frighten, "
        "demean or humiliate."
    ),
    Category.THREAT: _(
        "Non-verbal threatening behaviour (a raised fist) or a verbal threat («I know where you live»)."
    ),
    Category.SELF_HARM: _("A verbal or written threat, face to face, by phone, e-mail, letter or social media."),
    Category.VANDALISM: _("Damage to doors, furniture or equipment such as a public PC."),
    Category.ASSAULT: _("A physical attack on staff, citizens or others."),
    Category.HATE_SPEECH: _(
        "Offensive or hostile statements aimed at NAV, often anonymous, via nav.no, social media or written "
        "channels."
    ),
}


class Channel(models.TextChoices):
    """Where it happened (the ASYS note, figure 5)."""

    RECEPTION = "reception", _("Reception (publikumsmottak)")
    INTERVIEW_ROOM = "interview_room", _("Interview room")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    DIGITAL = "digital", _("Digital channel or case system")
    SMS = "sms", _("SMS/MMS")
    SOCIAL_MEDIA = "social_media", _("Social media")
    LETTER = "letter", _("Letter")
    HOME_VISIT = "home_visit", _("Home visit")
    OUTSIDE_OFFICE = "outside_office", _("Outside the office")
    OTHER = "other", _("Other")


class Injury(models.IntegerChoices):
    """The consequence scale of NAV's ROS method (1–5), used for what the incident did to people."""

    NONE = 1, _("1 – No injury")
    NO_SICK_LEAVE = 2, _("2 – Injury without lasting harm, without sick leave")
    SICK_LEAVE = 3, _("3 – Injury without lasting harm, with sick leave")
    LASTING = 4, _("4 – Physical and/or psychological injury with lasting harm")
    DEATH = 5, _("5 – Death")


class Perpetrator(models.TextChoices):
    CITIZEN = "citizen", _("A known person")
    UNKNOWN = "unknown", _("Not known")
    ANONYMOUS = "anonymous", _("Anonymous (e.g. a message without a sender)")


class PoliceOutcome(models.TextChoices):
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    DROPPED = "dropped", _("Dropped by the police")
    CHARGED = "charged", _("Charged")
    JUDGMENT = "judgment", _("Judgment")


# Incidents in these categories are closed only after a review and a decision on reporting to the police.
HANDLED_CATEGORIES = frozenset({Category.THREAT, Category.ASSAULT, Category.VANDALISM, Category.SELF_HARM})


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered, not yet reviewed")
    UNDER_REVIEW = "under_review", _("Under review")
    MEASURES_DECIDED = "measures_decided", _("Measures decided")
    CLOSED = "closed", _("Closed")


class Incident(models.Model):
    """One incident of violence or threats against NAV staff, as a staff member registered it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="incidents", verbose_name=_("unit"))
    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("where or how"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category (ASYS)"), max_length=20, choices=Category.choices)
    other_categories = models.JSONField(_("other categories"), default=list, blank=True)
    description = models.TextField(_("what happened"))
    perpetrator = models.CharField(_("who did it"), max_length=20, choices=Perpetrator.choices)
    citizen = models.ForeignKey(
        Citizen, models.PROTECT, null=True, blank=True, related_name="incidents", verbose_name=_("person")
    )
    injury = models.PositiveSmallIntegerField(_("injury"), choices=Injury.choices, default=Injury.NONE)
    sick_leave = models.BooleanField(_("sick leave"), default=False)
    weapon = models.CharField(_("weapon or object used"), max_length=200, blank=True)
    police_reported = models.BooleanField(_("reported to the police"), default=False)
    police_reported_on = models.DateField(_("reported to the police on"), null=True, blank=True)
    police_reported_by_unit = models.BooleanField(
        _("reported by the unit as such"),
        default=False,
        help_text=_("The unit can report on behalf of the staff member, so their name need not be used."),
    )
    police_reference = models.CharField(_("police reference"), max_length=50, blank=True)
    police_outcome = models.CharField(
        _("outcome with the police"), max_length=20, choices=PoliceOutcome.choices, blank=True
    )
    police_not_reported_reason = models.TextField(
        _("why it is not reported to the police"), blank=True,
        help_text=_("When the unit decides not to report it, say why."),
    )
    # The breach of an exclusion this incident was registered from, if any (both pages show the other).
    breach = models.OneToOneField(
        "utestenging.Breach", models.PROTECT, null=True, blank=True, related_name="incident",
        verbose_name=_("registered from breach"),
    )
    witnesses = models.TextField(_("witnesses"), blank=True)
    asys_reference = models.CharField(_("ASYS reference"), max_length=50, blank=True)
    municipal_reference = models.CharField(_("municipal deviation system reference"), max_length=50, blank=True)

    # How many of the exposed staff are state and municipal employees. Kept by the services that add exposed
    # staff, so the statistics count them in the same pass over the incidents, without a join.
    exposed_state = models.PositiveSmallIntegerField(_("exposed state employees"), default=0, editable=False)
    exposed_municipal = models.PositiveSmallIntegerField(_("exposed municipal employees"), default=0, editable=False)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    review_meeting = models.ForeignKey(
        "ReviewMeeting", models.PROTECT, null=True, blank=True, related_name="incidents",
        verbose_name=_("reviewed at meeting"),
    )
    lessons_learned = models.TextField(_("what was learned"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopened_reason = models.TextField(_("why it was reopened"), blank=True)

    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # The unit's list and the weekly review read by unit, status and time; statistics by time and unit.
            models.Index(fields=["unit", "status", "occurred_at"]),
            # Everything the statistics read, so they are answered from the index alone.
            models.Index(fields=["occurred_at", "unit", "category", "channel", "exposed_state", "exposed_municipal"],
                         name="hendelser_stats"),
            models.Index(fields=["citizen", "occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(perpetrator="citizen", citizen__isnull=False)
                | (~models.Q(perpetrator="citizen") & models.Q(citizen__isnull=True))
                # Anonymised (core.retention): the person is gone, that it was a known person stays.
                | models.Q(anonymised_at__isnull=False, citizen__isnull=True),
                name="incident_citizen_only_when_known",
            ),
            models.CheckConstraint(condition=models.Q(injury__gte=1, injury__lte=5), name="incident_injury_1_to_5"),
        ]

    def __str__(self):
        return f"{self.reference} {self.get_category_display()}"

    @property
    def reference(self) -> str:
        return f"HEN-{self.created_at:%Y}-{self.pk or 0:05d}"

    @property
    def categories(self) -> list[str]:
        """The main category first, then the others."""
        return [self.category, *[c for c in self.other_categories if c != self.category]]

    def other_category_labels(self) -> list[str]:
        return [Category(c).label for c in self.other_categories if c in Category.values]

    @property
    def needs_handling(self) -> bool:
        """Threats, physical attacks and threats of self-harm are closed only after a review and a police decision."""
        return bool(HANDLED_CATEGORIES & set(self.categories))

    def clean(self):
        errors = {}
        if self.occurred_at and self.occurred_at > timezone.now() + CLOCK_SLACK:
            errors["occurred_at"] = _("An incident cannot be registered in the future.")
        if not isinstance(self.other_categories, list) or any(
            c not in Category.values for c in self.other_categories
        ):
            errors["other_categories"] = _("Choose categories from the list.")
        elif self.category in self.other_categories:
            errors["other_categories"] = _("The main category is already chosen; pick only other categories here.")
        if self.perpetrator == Perpetrator.CITIZEN and self.citizen_id is None:
            errors["citizen"] = _("Find the person by identity number, or by name and date of birth.")
        if self.perpetrator != Perpetrator.CITIZEN and self.citizen_id is not None:
            errors["perpetrator"] = _("A person is chosen: mark the one who did it as known.")
        # The scale's own words: level 2 is "without sick leave", level 3 "with sick leave".
        if self.injury == Injury.NO_SICK_LEAVE and self.sick_leave:
            errors["sick_leave"] = _("Injury level 2 means no sick leave: choose level 3 if there was sick leave.")
        if self.injury == Injury.SICK_LEAVE and not self.sick_leave:
            errors["sick_leave"] = _("Injury level 3 means sick leave: answer yes, or choose level 2.")
        if self.police_reported:
            if self.police_reported_on is None:
                errors["police_reported_on"] = _("Give the date it was reported to the police.")
            elif self.police_reported_on > timezone.localdate():
                errors["police_reported_on"] = _("The date cannot be in the future.")
            elif self.occurred_at and self.police_reported_on < timezone.localdate(self.occurred_at):
                errors["police_reported_on"] = _("The report cannot be dated before the incident.")
            if self.police_not_reported_reason.strip():
                errors["police_not_reported_reason"] = _(
                    "It is reported to the police: remove the reason for not reporting it."
                )
        elif self.police_reported_on or self.police_reported_by_unit or self.police_reference or self.police_outcome:
            errors["police_reported"] = _(
                "Tick «reported to the police» when giving the date, who reported it, the reference or the outcome."
            )
        if self.status == Status.CLOSED and not self.lessons_learned.strip():
            errors["lessons_learned"] = _("Write what was learned before closing the incident.")
        if errors:
            raise ValidationError(errors)


class Employer(models.TextChoices):
    STATE = "state", _("State employee")
    MUNICIPAL = "municipal", _("Municipal employee")


class Bht(models.TextChoices):
    """Occupational health service (bedriftshelsetjenesten)."""

    NOT_ASSESSED = "not_assessed", _("Not yet assessed")
    OFFERED = "offered", _("Offered")
    REFERRED = "referred", _("Referred")
    NOT_NEEDED = "not_needed", _("Not needed")


class ExposedPerson(models.Model):
    """A staff member the incident was aimed at, and their follow-up (debrief, BHT, sick leave)."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="exposed", verbose_name=_("incident"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("staff member"),
    )
    name = models.CharField(_("name"), max_length=200)
    employer = models.CharField(_("employed by"), max_length=20, choices=Employer.choices)
    debrief_offered_on = models.DateField(_("debrief offered on"), null=True, blank=True)
    bht = models.CharField(
        _("occupational health service (BHT)"), max_length=20, choices=Bht.choices, default=Bht.NOT_ASSESSED
    )
    sick_leave = models.BooleanField(_("on sick leave"), default=False)
    follow_up_note = models.TextField(_("follow-up note"), blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exposed staff member")
        verbose_name_plural = _("exposed staff")
        ordering = ["pk"]
        indexes = [models.Index(fields=["follow_up_done_on"], name="hendelser_followup_open",
                                condition=models.Q(follow_up_done_on__isnull=True))]

    def __str__(self):
        return self.name

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_done_on is None

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if not self.name.strip():
            errors["name"] = _("Give the name of the person who was exposed.")
        for field in ("debrief_offered_on", "follow_up_done_on"):
            value = getattr(self, field)
            if value and value > today:
                errors[field] = _("The date cannot be in the future.")
        if self.follow_up_done_on and not errors:
            if self.debrief_offered_on is None:
                errors["debrief_offered_on"] = _("Offer a debrief before the follow-up is marked as done.")
            if self.bht == Bht.NOT_ASSESSED:
                errors["bht"] = _("Assess the occupational health service before the follow-up is marked as done.")
        if errors:
            raise ValidationError(errors)


class MeasureKind(models.TextChoices):
    WARNING_ORAL = "warning_oral", _("Oral warning given")
    WARNING_WRITTEN = "warning_written", _("Written warning given")
    TWO_IN_MEETING = "two_in_meeting", _("Two staff in meetings with the person («to i samtale»)")
    PROPOSE_EXCLUSION = "propose_exclusion", _("Propose exclusion")
    PROPOSE_PHONE_RESTRICTION = "propose_phone_restriction", _("Propose phone restriction")
    OTHER = "other", _("Other measure")
    NONE = "none", _("No further measures")


WARNING_MEASURES = frozenset({MeasureKind.WARNING_ORAL, MeasureKind.WARNING_WRITTEN})
PROPOSAL_MEASURES = frozenset({MeasureKind.PROPOSE_EXCLUSION, MeasureKind.PROPOSE_PHONE_RESTRICTION})
# Measures aimed at the person who did it, so they need a known person.
PERSON_MEASURES = WARNING_MEASURES | PROPOSAL_MEASURES | {MeasureKind.TWO_IN_MEETING}


class WarningForm(models.TextChoices):
    ORAL = "oral", _("Oral")
    WRITTEN = "written", _("Written")


class CitizenWarning(models.Model):
    """A warning given to a citizen that repeated incidents may lead to exclusion (guideline §3).

    Warnings belong to the citizen: a decision shows the citizen's warnings from here.
    """

    # Empty only once the retention period has passed (core.retention): the warning is then anonymised.
    citizen = models.ForeignKey(Citizen, models.PROTECT, null=True, blank=True, related_name="warnings",
                                verbose_name=_("citizen"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="warnings", verbose_name=_("unit"))
    given_on = models.DateField(_("date"))
    form = models.CharField(_("form"), max_length=10, choices=WarningForm.choices)
    note = models.TextField(_("note"), blank=True)
    # Who warned the citizen, by name: often not the one who registers it (a guard, a colleague at the desk).
    given_by = models.CharField(_("given by"), max_length=200, blank=True)
    incident = models.ForeignKey(
        Incident, models.PROTECT, null=True, blank=True, related_name="warnings", verbose_name=_("incident")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["given_on", "pk"]
        indexes = [models.Index(fields=["citizen", "given_on"])]

    def __str__(self):
        return f"{self.given_on:%d.%m.%Y} {self.get_form_display()}"

    def clean(self):
        errors = {}
        if self.given_on and self.given_on > timezone.localdate():
            errors["given_on"] = _("A warning cannot be dated in the future.")
        if self.form == WarningForm.ORAL and not self.given_by.strip():
            errors["given_by"] = _("Say who gave the oral warning.")
        if errors:
            raise ValidationError(errors)


# The same statuses as every archived letter (core.ArchivedLetter).
WarningLetterStatus = LetterStatus


class WarningLetter(ArchivedLetter):
    """The letter a written warning produces (§3): rendered once to PDF/A and archived with its SHA-256."""

    warning = models.OneToOneField(CitizenWarning, models.PROTECT, related_name="letter", verbose_name=_("warning"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("warning letter")
        verbose_name_plural = _("warning letters")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready") | (~models.Q(file="") & ~models.Q(sha256="")),
                name="warning_letter_ready_has_file_and_hash",
            ),
        ]

    def __str__(self):
        return self.reference

    def clean(self):
        if errors := self.archive_errors():
            raise ValidationError(errors)

    @property
    def reference(self) -> str:
        return f"ADV-{self.created_at:%Y}-{self.pk or 0:05d}"


class Measure(models.Model):
    """What was decided after an incident, by whom and when."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="measures", verbose_name=_("incident"))
    kind = models.CharField(_("measure"), max_length=30, choices=MeasureKind.choices)
    decided_on = models.DateField(_("date"))
    description = models.TextField(_("details"), blank=True)
    warning = models.OneToOneField(
        CitizenWarning, models.PROTECT, null=True, blank=True, related_name="measure", verbose_name=_("warning")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["warning_oral", "warning_written"], warning__isnull=False)
                | (~models.Q(kind__in=["warning_oral", "warning_written"]) & models.Q(warning__isnull=True)),
                name="measure_warning_only_for_warnings",
            ),
        ]

    def __str__(self):
        return f"{self.decided_on:%d.%m.%Y} {self.get_kind_display()}"

    def clean(self):
        errors = {}
        if self.decided_on and self.decided_on > timezone.localdate():
            errors["decided_on"] = _("The date cannot be in the future.")
        if self.kind in (MeasureKind.OTHER, MeasureKind.NONE) and not self.description.strip():
            errors["description"] = (
                _("Describe the measure.") if self.kind == MeasureKind.OTHER
                else _("Say why no further measures are needed.")
            )
        if errors:
            raise ValidationError(errors)


class ReviewMeeting(models.Model):
    """The unit's weekly review of its incidents (ROS report, «Avviksrapportering»)."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="review_meetings", verbose_name=_("unit"))
    held_on = models.DateField(_("meeting date"))
    attendees = models.TextField(_("attendees"))
    safety_rep_present = models.BooleanField(_("the safety representative took part"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.unit.number} {self.held_on:%d.%m.%Y}"

    def clean(self):
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = _("The meeting cannot be dated in the future.")
        if not self.attendees.strip():
            errors["attendees"] = _("Name who attended the review.")
        if errors:
            raise ValidationError(errors)


class ProposalKind(models.TextChoices):
    """What a review can propose: exclusion, or a measure on the ladder of less intrusive ones."""

    EXCLUSION = "exclusion", _("Exclusion from the premises")
    PHONE_RESTRICTION = "phone_restriction", _("Phone restriction")
    WARNING_ORAL = "warning_oral", _("Oral warning")
    WARNING_WRITTEN = "warning_written", _("Written warning")
    TWO_IN_MEETING = "two_in_meeting", _("Two staff in every meeting (TOAN)")
    DIGITAL_RESTRICTION = "digital_restriction", _("Digital restriction (DIUS)")
    REGULATED_APPOINTMENTS = "regulated_appointments", _("Appointments in regulated forms")
    CHANGE_CASEWORKER = "change_caseworker", _("Change of caseworker")
    PREMISES_PROTECTION = "premises_protection", _("Protective measures in the premises")


# What carries each proposal out. Most kinds are a decision in utestenging: the decision kinds (its codes, so this
# app does not import that one) a draft answering the proposal may have, the first the one a new draft starts with.
PROPOSAL_DECISION_KINDS: dict[str, tuple[str, ...]] = {
    ProposalKind.EXCLUSION: ("FYUS", "FTUS"),
    ProposalKind.PHONE_RESTRICTION: ("TFUS", "FTUS"),
    ProposalKind.TWO_IN_MEETING: ("TOAN",),
    ProposalKind.DIGITAL_RESTRICTION: ("DIUS",),
    ProposalKind.REGULATED_APPOINTMENTS: ("regulated_appointments",),
    ProposalKind.CHANGE_CASEWORKER: ("change_of_caseworker",),
    ProposalKind.PREMISES_PROTECTION: ("protective_measures",),
}
DECISION_PROPOSALS = {kind: codes[0] for kind, codes in PROPOSAL_DECISION_KINDS.items()}
# A proposed warning is carried out by registering the warning (its form) from the proposal.
WARNING_PROPOSALS = {ProposalKind.WARNING_ORAL: "oral", ProposalKind.WARNING_WRITTEN: "written"}
# Every kind but the premises' protection is aimed at the person who did it.
PERSON_PROPOSALS = frozenset(ProposalKind) - {ProposalKind.PREMISES_PROTECTION}


class ProposalOutcome(models.TextChoices):
    SIGNED = "signed", _("Decided and signed")
    DROPPED = "dropped", _("Dropped")
    REJECTED = "rejected", _("Rejected by the head of unit")


class Proposal(models.Model):
    """A measure a review proposed, followed until it is signed, dropped or rejected with a reason.

    The outcome is the linked draft decision's (signed or dropped there), or the registered warning's (given).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(Incident, models.CASCADE, related_name="proposals", verbose_name=_("incident"))
    review_meeting = models.ForeignKey(
        ReviewMeeting, models.PROTECT, null=True, blank=True, related_name="proposals",
        verbose_name=_("review meeting"),
    )
    kind = models.CharField(_("proposed measure"), max_length=30, choices=ProposalKind.choices)
    description = models.TextField(_("details"), blank=True)
    proposed_on = models.DateField(_("proposed on"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    decision = models.ForeignKey(
        "utestenging.Decision", models.PROTECT, null=True, blank=True, related_name="proposals",
        verbose_name=_("draft decision"),
    )
    warning = models.OneToOneField(
        CitizenWarning, models.PROTECT, null=True, blank=True, related_name="proposal",
        verbose_name=_("registered warning"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=ProposalOutcome.choices, blank=True)
    outcome_reason = models.TextField(_("reason"), blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("outcome recorded by"),
    )
    outcome_on = models.DateField(_("outcome recorded on"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["proposed_on", "pk"]
        indexes = [models.Index(fields=["outcome", "proposed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__isnull=True) | ~models.Q(kind__in=["warning_oral", "warning_written"]),
                name="proposal_decision_only_for_decision_kinds",
            ),
            models.CheckConstraint(
                condition=models.Q(warning__isnull=True) | models.Q(kind__in=["warning_oral", "warning_written"]),
                name="proposal_warning_only_for_warning_kinds",
            ),
        ]

    def __str__(self):
        return f"{self.proposed_on:%d.%m.%Y} {self.get_kind_display()}"

    @property
    def current_outcome(self) -> str:
        """The recorded outcome, or the linked draft's: signed or dropped there; empty while open."""
        if self.outcome:
            return self.outcome
        if self.warning_id is not None:
            return ProposalOutcome.SIGNED
        if self.decision_id is not None:
            from utestenging.models import DECIDED_STATUSES
            from utestenging.models import Status as DecisionStatus

            if self.decision.status in DECIDED_STATUSES:
                return ProposalOutcome.SIGNED
            if self.decision.status == DecisionStatus.DROPPED:
                return ProposalOutcome.DROPPED
        return ""

    def get_current_outcome_display(self) -> str:
        if self.warning_id is not None and not self.outcome:
            return str(_("Warning given"))
        outcome = self.current_outcome
        return ProposalOutcome(outcome).label if outcome else ""

    def clean(self):
        errors = {}
        if self.proposed_on and self.proposed_on > timezone.localdate():
            errors["proposed_on"] = _("The date cannot be in the future.")
        if self.decision_id is not None and self.kind not in DECISION_PROPOSALS:
            errors["decision"] = _("A proposed warning is given as a warning, not as a draft decision.")
        if self.warning_id is not None and self.kind not in WARNING_PROPOSALS:
            errors["warning"] = _("Only a proposed warning is carried out by registering a warning.")
        if self.outcome and not self.outcome_reason.strip():
            errors["outcome_reason"] = _("Give the reason for the outcome.")
        # Aimed at the person, it is carried out as a decision or a warning: by hand it can only be rejected.
        if self.outcome in (ProposalOutcome.SIGNED, ProposalOutcome.DROPPED) and self.kind in PERSON_PROPOSALS:
            errors["outcome"] = _(
                "This proposal ends with its draft decision signed or dropped, or with the warning registered: "
                "open it from the incident's page."
            )
        if errors:
            raise ValidationError(errors)


def _count_field(label):
    return models.PositiveIntegerField(label, default=0)


class MonthlyCount(models.Model):
    """A unit's incidents in one month, counted for the statistics (hendelser/counts.py).

    Derived data: the services recount an incident's month whenever they change it, and the sweep checks every
    month, so the statistics add up a few thousand rows in the database instead of reading a million incidents.
    One column per ASYS category (main, and chosen as another), channel and main category by channel, so the sums
    are the database's work.
    """

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("unit"))
    month = models.DateField(_("month"))
    total = _count_field(_("incidents"))
    exposed_state = _count_field(_("exposed state employees"))
    exposed_municipal = _count_field(_("exposed municipal employees"))
    for _code, _label in Category.choices:
        locals()[f"category_{_code}"] = _count_field(_label)
    for _code, _label in Channel.choices:
        locals()[f"channel_{_code}"] = _count_field(_label)
    # Chosen as one of the other categories ("also involved"), so that table too is a sum of months.
    for _code, _label in Category.choices:
        locals()[f"also_{_code}"] = _count_field(format_lazy("{}: {}", _("Also involved"), _label))
    # Main category by channel, for the one-year category × channel table: a sum of months, not a year of incidents.
    for _code, _label in Category.choices:
        for _channel, _channel_label in Channel.choices:
            locals()[f"cross_{_code}_{_channel}"] = _count_field(format_lazy("{} × {}", _label, _channel_label))
    del _code, _label, _channel, _channel_label

    class Meta:
        verbose_name = _("monthly count")
        verbose_name_plural = _("monthly counts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="one_count_per_unit_and_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="monthly_count_first_of_month"),
        ]
        # With the total, the per unit and year sums over ten years are read from the index alone (half the time of
        # reading the table's rows, which are wide: a column per figure).
        indexes = [models.Index(fields=["month", "unit"], include=["total"], name="hendelser_monthly_unit_total")]

    def __str__(self):
        return f"{self.unit_id} {self.month:%Y-%m}: {self.total}"


class Headcount(models.Model):
    """How many work at a unit in a year, kept by the administrator, for incidents per 100 employees."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    employees = models.PositiveIntegerField(_("employees"), help_text=_("Staff working at the unit that year."))

    class Meta:
        verbose_name = _("headcount")
        verbose_name_plural = _("headcounts")
        ordering = ["unit__number", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_headcount_per_unit_and_year"),
            models.CheckConstraint(condition=models.Q(employees__gt=0), name="headcount_positive"),
            models.CheckConstraint(condition=models.Q(year__gte=2000), name="headcount_year_from_2000"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}: {self.employees}"

    def clean(self):
        errors = {}
        if self.employees is not None and self.employees < 1:
            errors["employees"] = _("A unit with a headcount has at least one employee.")
        if self.year is not None and not 2000 <= self.year <= timezone.localdate().year + 1:
            errors["year"] = _("Choose a year from 2000 up to next year.")
        if errors:
            raise ValidationError(errors)
