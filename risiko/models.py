"""Risk and vulnerability analyses (ROS) of violence and threats, on a versioned 5×5 risk matrix.

Method and scales: the Hordaland/Bergen analysis (2014) and NAV's ROS practice (docs/domain.md, "ROS analyses").
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hendelser.models import Category as Asys
from hendelser.models import Channel
from nav_sikkerhet.core.history import HistoricalRecords
from nav_sikkerhet.core.models import Unit
from utestenging import reasons

LEVELS = (1, 2, 3, 4, 5)
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}\Z")
# WCAG 2.1 AA for normal text: a zone's name is read on its colour.
MIN_CONTRAST = 4.5


# Incidents in 12 months from which each probability level holds (level 1 first): less than one a year is
# "rarer", one or more yearly, 12 monthly, 52 weekly, 250 (the working days of a year) daily.
DEFAULT_INCIDENT_THRESHOLDS = [0, 1, 12, 52, 250]


def default_incident_thresholds() -> list[int]:
    return list(DEFAULT_INCIDENT_THRESHOLDS)


def level_field(label, **kwargs):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)], **kwargs
    )


class Zone(models.TextChoices):
    """The three zones of the matrix; their names, colours and descriptions are a definition's data."""

    RED = "red", _("Red")
    YELLOW = "yellow", _("Yellow")
    GREEN = "green", _("Green")


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


class MatrixDefinition(models.Model):
    """A risk matrix: axis labels, and the zone of each of the 25 cells. Administrators edit it; every save is a
    new version (simple-history), and an analysis points at the version it was made with."""

    name = models.CharField(_("name"), max_length=200)
    is_default = models.BooleanField(_("default for new analyses"), default=False)
    probability_labels = models.JSONField(_("probability labels"), help_text=_("Five labels, level 1 first."))
    consequence_labels = models.JSONField(_("consequence labels"), help_text=_("Five labels, level 1 first."))
    # cells[probability - 1][consequence - 1] is the zone of that cell.
    cells = models.JSONField(_("zones of the cells"))
    # Per zone: name, description, colour (background) and text colour.
    zones = models.JSONField(_("zones"))
    # What the unit's incidents of the last 12 months say about probability: the fewest incidents for each level.
    incident_thresholds = models.JSONField(
        _("incidents a year per probability level"), default=default_incident_thresholds,
        help_text=_("Five whole numbers, level 1 first: the fewest incidents in 12 months for each level."))
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk matrix")
        verbose_name_plural = _("risk matrices")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="one_default_matrix"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        for field in ("probability_labels", "consequence_labels"):
            labels = getattr(self, field)
            if not (isinstance(labels, list) and len(labels) == 5
                    and all(isinstance(label, str) and label.strip() for label in labels)):
                errors[field] = _("Give five labels, one for each level from 1 to 5.")
        cells = self.cells
        if not (isinstance(cells, list) and len(cells) == 5
                and all(isinstance(row, list) and len(row) == 5 and all(z in Zone.values for z in row)
                        for row in cells)):
            errors["cells"] = _("Every one of the 25 cells needs a zone: red, yellow or green.")
        thresholds = self.incident_thresholds
        if not (isinstance(thresholds, list) and len(thresholds) == 5
                and all(type(n) is int and n >= 0 for n in thresholds)
                and thresholds[0] == 0 and all(a < b for a, b in zip(thresholds, thresholds[1:], strict=False))):
            errors["incident_thresholds"] = _(
                "Give five whole numbers of incidents a year, rising, the first (probability 1) 0.")
        zone_errors = self._zone_errors()
        if zone_errors:
            errors["zones"] = zone_errors
        if errors:
            raise ValidationError(errors)

    def _zone_errors(self) -> list[str]:
        if not (isinstance(self.zones, dict) and set(self.zones) == set(Zone.values)):
            return [_("Describe each of the zones red, yellow and green.")]
        errors = []
        for code in Zone.values:
            zone = self.zones[code]
            label = Zone(code).label
            if not isinstance(zone, dict) or not str(zone.get("name", "")).strip():
                errors.append(_("Zone %(zone)s needs a name.") % {"zone": label})
                continue
            colour, text = zone.get("colour", ""), zone.get("text_colour", "")
            if not (HEX_COLOUR.match(str(colour)) and HEX_COLOUR.match(str(text))):
                errors.append(_("Zone %(zone)s: give the colours as #rrggbb.") % {"zone": label})
            elif contrast_ratio(text, colour) < MIN_CONTRAST:
                errors.append(
                    _("Zone %(zone)s: the text colour is too weak on the zone's colour (contrast %(ratio).1f:1, "
                      "at least 4.5:1 is needed).") % {"zone": label, "ratio": contrast_ratio(text, colour)}
                )
        return errors


class MatrixUse(models.Model):
    """Which matrix a unit, or every unit of a region, makes its analyses on (the default matrix elsewhere). The
    unit's own choice wins over its region's."""

    matrix = models.ForeignKey(MatrixDefinition, models.PROTECT, related_name="uses", verbose_name=_("risk matrix"))
    unit = models.OneToOneField(Unit, models.CASCADE, null=True, blank=True, related_name="ros_matrix_use",
                                verbose_name=_("unit"))
    region = models.CharField(_("county/region"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("matrix in use")
        verbose_name_plural = _("matrices in use")
        ordering = ["region", "unit__number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit__isnull=False, region="")
                                   | models.Q(unit__isnull=True) & ~models.Q(region=""),
                                   name="ros_matrix_use_unit_or_region"),
            models.UniqueConstraint(fields=["region"], condition=~models.Q(region=""),
                                    name="ros_matrix_use_one_per_region"),
        ]

    def __str__(self):
        return f"{self.unit or self.region}: {self.matrix}"

    def clean(self):
        self.region = (self.region or "").strip()
        if (self.unit_id is None) == (not self.region):
            raise ValidationError(_("Choose either a unit or a region, not both."))


class AnalysisStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class Analysis(models.Model):
    """A unit's ROS analysis, or a template (no unit) that units start from."""

    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="ros_analyses", verbose_name=_("unit")
    )
    is_template = models.BooleanField(_("template"), default=False)
    title = models.CharField(_("title of the analysis"), max_length=300)
    scope = models.TextField(_("scope"), blank=True, help_text=_("What the analysis covers: premises, services, "
                                                                 "home visits, phone …"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    participants = models.TextField(_("participants"), blank=True)
    # Named apart from the other participants: approval needs the safety representative to have taken part.
    safety_representative = models.CharField(
        _("safety representative who took part"), max_length=200, blank=True,
        help_text=_("Full name. The unit's own, or the area's main safety representative."),
    )
    analysis_date = models.DateField(_("date of the analysis"))
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AnalysisStatus.choices, default=AnalysisStatus.DRAFT
    )
    # The matrix as it stood when the analysis was made: a row of the definition's history, never edited.
    matrix = models.ForeignKey(
        "risiko.HistoricalMatrixDefinition", models.PROTECT, related_name="+", verbose_name=_("risk matrix version")
    )
    based_on = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("based on")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ROS analysis")
        verbose_name_plural = _("ROS analyses")
        ordering = ["-analysis_date", "-pk"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["status", "next_review_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_template=True, unit__isnull=True)
                | models.Q(is_template=False, unit__isnull=False),
                name="ros_template_has_no_unit",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def reference(self) -> str:
        return f"ROS-{self.pk or 0:05d}"

    def clean(self):
        errors = {}
        if not self.title.strip():
            errors["title"] = _("Give the analysis a title.")
        if self.next_review_on and self.analysis_date and self.next_review_on <= self.analysis_date:
            errors["next_review_on"] = _("The next review must come after the date of the analysis.")
        if not self.is_template and self.status == AnalysisStatus.APPROVED and self.next_review_on is None:
            errors["next_review_on"] = _("Set the date of the next review before approving.")
        if errors:
            raise ValidationError(errors)


class EventCategory(models.TextChoices):
    THREATS = "threats", _("Threats")
    VIOLENCE = "violence", _("Violence")
    OTHER = "other", _("Other")


class Event(models.Model):
    """An unwanted event (uønsket hendelse), with its risk before and after measures."""

    analysis = models.ForeignKey(Analysis, models.CASCADE, related_name="events", verbose_name=_("analysis"))
    category = models.CharField(_("category"), max_length=20, choices=EventCategory.choices)
    title = models.CharField(_("unwanted event"), max_length=300)
    description = models.TextField(_("description"), blank=True,
                                   help_text=_("Concrete and local: where, when and how it happens here."))
    frequency = models.CharField(_("frequency as written"), max_length=100, blank=True)
    probability = level_field(_("probability"))
    consequence = level_field(_("consequence"))
    barriers = models.TextField(_("existing barriers"), blank=True)
    residual_probability = level_field(_("probability after measures"), null=True, blank=True)
    residual_consequence = level_field(_("consequence after measures"), null=True, blank=True)
    position = models.PositiveIntegerField(_("order"), default=0)
    # The ASYS categories and channels whose incidents are this event happening (empty: no exact match).
    asys_categories = models.JSONField(_("ASYS categories"), default=list, blank=True)
    asys_channels = models.JSONField(_("ASYS channels"), default=list, blank=True,
                                     help_text=_("None chosen: every channel."))
    # Copied from a template and not yet changed: shown, so the unit makes each event its own (ROS work that
    # stays general is the staff's first complaint about it).
    as_in_template = models.BooleanField(_("as in the template"), default=False)
    # The unit read the template's event and kept it as it stands: as good as changing it, and recorded.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unwanted event")
        verbose_name_plural = _("unwanted events")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(probability__gte=1, probability__lte=5)
                                   & models.Q(consequence__gte=1, consequence__lte=5), name="ros_event_levels"),
            models.CheckConstraint(
                condition=models.Q(residual_probability__isnull=True, residual_consequence__isnull=True)
                | models.Q(residual_probability__isnull=False, residual_consequence__isnull=False),
                name="ros_event_residual_both_or_none",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def has_residual(self) -> bool:
        return self.residual_probability is not None and self.residual_consequence is not None

    def clean(self):
        errors = {}
        if not self.title.strip():
            errors["title"] = _("Name the event.")
        if (self.residual_probability is None) != (self.residual_consequence is None):
            field = "residual_consequence" if self.residual_consequence is None else "residual_probability"
            errors[field] = _("Give both probability and consequence after measures, or neither.")
        elif self.has_residual and self.probability and self.consequence:
            # Measures lower the risk; a higher value after them is a typing error, not an assessment.
            if self.residual_probability > self.probability:
                errors["residual_probability"] = _("Probability after measures cannot be higher than before.")
            if self.residual_consequence > self.consequence:
                errors["residual_consequence"] = _("Consequence after measures cannot be higher than before.")
        errors.update(self._mapping_errors())
        if errors:
            raise ValidationError(errors)


    def _mapping_errors(self) -> dict:
        errors = {}
        for name, codes in (("asys_categories", Asys.values), ("asys_channels", Channel.values)):
            value = getattr(self, name)
            if not (isinstance(value, list) and all(isinstance(c, str) and c in codes for c in value)):
                errors[name] = _("Choose from the list.")
            elif len(set(value)) != len(value):
                errors[name] = _("Each choice only once.")
        if not errors and self.asys_channels and not self.asys_categories:
            errors["asys_categories"] = _("Choose the ASYS categories too: channels alone do not say which "
                                          "incidents are this event.")
        return errors


class Cause(models.Model):
    """A cause of unwanted events, ranked 1–5 as a triggering factor (5 highest)."""

    analysis = models.ForeignKey(Analysis, models.CASCADE, related_name="causes", verbose_name=_("analysis"))
    description = models.CharField(_("cause"), max_length=300)
    rating = level_field(_("likelihood as a triggering factor"))
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["-rating", "position", "pk"]

    def __str__(self):
        return f"{self.description} ({self.rating})"

    def clean(self):
        if not self.description.strip():
            raise ValidationError({"description": _("Describe the cause.")})


class MeasureKind(models.TextChoices):
    """Measures that lower probability are considered first; then those that limit the damage."""

    PREVENTIVE = "preventive", _("Preventive (lowers probability)")
    DAMAGE_REDUCING = "damage_reducing", _("Damage-reducing (lowers consequence)")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


OPEN_MEASURE_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


class Measure(models.Model):
    """A measure against an event, with who answers for it and by when."""

    event = models.ForeignKey(Event, models.CASCADE, related_name="measures", verbose_name=_("event"))
    kind = models.CharField(_("kind"), max_length=20, choices=MeasureKind.choices)
    description = models.TextField(_("measure"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("responsible")
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices,
                              default=MeasureStatus.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="done", done_on__isnull=False)
                | (~models.Q(status="done") & models.Q(done_on__isnull=True)),
                name="ros_measure_done_on_when_done",
            ),
        ]

    def __str__(self):
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEASURE_STATUSES

    def clean(self):
        errors = {}
        if not self.description.strip():
            errors["description"] = _("Describe the measure.")
        if self.status == MeasureStatus.DONE and self.done_on is None:
            errors["done_on"] = _("Give the date the measure was done.")
        if self.status != MeasureStatus.DONE and self.done_on is not None:
            errors["done_on"] = _("Only a measure that is done has a done date.")
        if self.done_on and self.done_on > timezone.localdate():
            errors["done_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class RiskAcceptance(models.Model):
    """The head of unit's acceptance of a red event's risk without a measure, with the reason. It holds for the
    probability and consequence it was given for: an event assessed anew needs a new acceptance."""

    event = models.OneToOneField(Event, models.CASCADE, related_name="acceptance", verbose_name=_("event"))
    reason = models.TextField(_("why the risk is accepted"))
    probability = level_field(_("probability accepted"))
    consequence = level_field(_("consequence accepted"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("accepted by")
    )
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("acceptance of a risk")
        verbose_name_plural = _("acceptances of risks")

    def __str__(self):
        return str(self.event)

    def holds_for(self, event) -> bool:
        return (self.probability, self.consequence) == (event.probability, event.consequence)

    def clean(self):
        # The same rule as every reason a decision letter prints: a sentence, not "x" or "se over".
        problem = reasons.problem(self.reason, reasons.REASON)
        if problem:
            raise ValidationError({"reason": problem})


class TemplateMeasure(models.Model):
    """A measure a template proposes (the Hordaland report's lists), linked to the events it addresses. A unit's
    analysis made from the template carries it, marked as from the template, until the unit adds its own measure
    with a responsible person and a due date."""

    analysis = models.ForeignKey(Analysis, models.CASCADE, related_name="template_measures",
                                 verbose_name=_("analysis"))
    kind = models.CharField(_("kind"), max_length=20, choices=MeasureKind.choices)
    description = models.TextField(_("measure"))
    events = models.ManyToManyField(Event, related_name="template_measures", verbose_name=_("events addressed"))
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("measure from the template")
        verbose_name_plural = _("measures from the template")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        if not self.description.strip():
            raise ValidationError({"description": _("Describe the measure.")})
