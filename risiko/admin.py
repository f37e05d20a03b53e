"""Administrators edit the risk matrix here (each save a new version) and read the analyses."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core.admin import ReadOnlyAdminMixin
from nav_sikkerhet.core.admin_history import HistoryAdmin
from nav_sikkerhet.core.models import Unit

from . import rules, services
from .models import (
    DEFAULT_INCIDENT_THRESHOLDS,
    LEVELS,
    Analysis,
    Cause,
    Event,
    MatrixDefinition,
    MatrixUse,
    Measure,
    RiskAcceptance,
    Zone,
)


def _is_grid(value) -> bool:
    return bool(value) and isinstance(value[0], list | tuple)


class MatrixGridWidget(forms.MultiWidget):
    """The 25 cells as the matrix itself: probability 5 at the top, consequence 1 to 5 across, one zone each.
    Each cell posts as ``cell_p<p>_c<c>``, as the 25 separate fields before it did."""

    template_name = "risiko/admin/matrix_grid.html"

    def __init__(self, attrs=None):
        super().__init__({f"p{p}_c{c}": forms.Select(choices=Zone.choices) for p in reversed(LEVELS) for c in LEVELS},
                         attrs)

    def decompress(self, value):
        # cells[p - 1][c - 1], in the widgets' order (probability 5 first).
        return [value[p - 1][c - 1] for p in reversed(LEVELS) for c in LEVELS] if value else [None] * 25

    def get_context(self, name, value, attrs):
        if _is_grid(value):  # the model's rows of five, not yet the 25 cells
            value = self.decompress(value)
        context = super().get_context(name, value, attrs)
        cells = context["widget"]["subwidgets"]
        labels = getattr(self, "labels", {})
        for index, cell in enumerate(cells):
            p, c = LEVELS[-1 - index // 5], LEVELS[index % 5]
            cell["attrs"]["aria-label"] = _("Probability %(p)d × consequence %(c)d") % {"p": p, "c": c}
        context["widget"]["columns"] = [labels.get(("c", c), c) for c in LEVELS]
        context["widget"]["rows"] = [(labels.get(("p", p), p), cells[i * 5:(i + 1) * 5])
                                     for i, p in enumerate(reversed(LEVELS))]
        return context


class MatrixGridField(forms.MultiValueField):
    """The zones of the 25 cells, cleaned to ``cells[p - 1][c - 1]`` as the model keeps them."""

    widget = MatrixGridWidget

    def __init__(self, **kwargs):
        super().__init__([forms.ChoiceField(choices=Zone.choices) for _cell in range(25)], **kwargs)

    def has_changed(self, initial, data):
        initial = self.widget.decompress(initial) if _is_grid(initial) else initial
        return [str(zone) for zone in initial or []] != [str(zone) for zone in data or []]

    def compress(self, data_list):
        rows = {p: data_list[i * 5:(i + 1) * 5] for i, p in enumerate(reversed(LEVELS))}
        return [rows[p] for p in LEVELS]


class MatrixDefinitionForm(forms.ModelForm):
    """The matrix as 25 choices and a few texts, rather than raw JSON."""

    class Meta:
        model = MatrixDefinition
        fields = ["name", "is_default"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        matrix = self.instance
        for level in LEVELS:
            self.fields[f"probability_{level}"] = forms.CharField(
                label=_("Probability %(level)d") % {"level": level}, max_length=200,
                initial=(matrix.probability_labels or [""] * 5)[level - 1] if matrix.pk else
                services.DEFAULT_PROBABILITY_LABELS[level - 1])
        for level in LEVELS:
            self.fields[f"consequence_{level}"] = forms.CharField(
                label=_("Consequence %(level)d") % {"level": level}, max_length=200,
                initial=(matrix.consequence_labels or [""] * 5)[level - 1] if matrix.pk else
                services.DEFAULT_CONSEQUENCE_LABELS[level - 1])
        thresholds = matrix.incident_thresholds if matrix.pk else DEFAULT_INCIDENT_THRESHOLDS
        for level in LEVELS:
            self.fields[f"threshold_{level}"] = forms.IntegerField(
                label=_("Probability %(level)d from this many incidents in 12 months") % {"level": level},
                min_value=0, initial=thresholds[level - 1])
        self.fields["cell"] = MatrixGridField(
            label=_("Zones of the cells"), initial=matrix.cells if matrix.pk else rules.default_cells(),
            help_text=_("Probability 5 at the top, consequence 1 to 5 from the left, as the matrix is shown."))
        # The grid's headers: the level with its label as the matrix now has it.
        self.fields["cell"].widget.labels = {
            (axis[0], level): f"{level} {text}"
            for axis in ("probability", "consequence")
            for level, text in zip(LEVELS, self._labels(axis), strict=True)
        }
        zones = matrix.zones if matrix.pk else {str(k): v for k, v in services.DEFAULT_ZONES.items()}
        for code, label in Zone.choices:
            zone = zones.get(code, {})
            self.fields[f"{code}_name"] = forms.CharField(label=_("%(zone)s: name") % {"zone": label},
                                                          initial=zone.get("name"))
            self.fields[f"{code}_description"] = forms.CharField(
                label=_("%(zone)s: description") % {"zone": label}, initial=zone.get("description"),
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{code}_colour"] = forms.CharField(label=_("%(zone)s: colour (#rrggbb)") % {"zone": label},
                                                            initial=zone.get("colour"), max_length=7)
            self.fields[f"{code}_text_colour"] = forms.CharField(
                label=_("%(zone)s: text colour (#rrggbb)") % {"zone": label}, initial=zone.get("text_colour"),
                max_length=7)

    def _labels(self, axis: str) -> list[str]:
        saved = getattr(self.instance, f"{axis}_labels") if self.instance.pk else None
        defaults = services.DEFAULT_PROBABILITY_LABELS if axis == "probability" else services.DEFAULT_CONSEQUENCE_LABELS
        return list(saved or defaults)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        matrix = self.instance
        matrix.probability_labels = [cleaned[f"probability_{level}"] for level in LEVELS]
        matrix.consequence_labels = [cleaned[f"consequence_{level}"] for level in LEVELS]
        matrix.cells = cleaned["cell"]
        matrix.incident_thresholds = [cleaned[f"threshold_{level}"] for level in LEVELS]
        matrix.zones = {code: {"name": cleaned[f"{code}_name"], "description": cleaned[f"{code}_description"],
                               "colour": cleaned[f"{code}_colour"], "text_colour": cleaned[f"{code}_text_colour"]}
                        for code in Zone.values}
        return cleaned

    def _update_errors(self, errors):
        # The model's rules name its JSON fields, which this form shows as many small fields: list them above.
        super()._update_errors(ValidationError(errors.messages))


@admin.register(MatrixDefinition)
class MatrixDefinitionAdmin(HistoryAdmin):
    form = MatrixDefinitionForm
    list_display = ["name", "is_default", "changed_at"]

    def has_delete_permission(self, request, obj=None):
        # Analyses point at the definition's versions: it is changed, never deleted.
        return False

    def get_form(self, request, obj=None, **kwargs):
        # The model's own fields; the form adds the labels, zones and cells itself.
        kwargs["fields"] = ["name", "is_default"]
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["name", "is_default"]}),
            (_("Probability labels"), {"fields": [f"probability_{level}" for level in LEVELS]}),
            (_("Consequence labels"), {"fields": [f"consequence_{level}" for level in LEVELS]}),
            (_("What the incidents suggest"), {
                "fields": [f"threshold_{level}" for level in LEVELS],
                "description": _("A ROS event whose incidents of the last 12 months reach the number of a higher "
                                 "probability level than the analysis states is marked, and the leader reminded."),
            }),
            (_("Zones"), {"fields": [f"{code}_{part}" for code in Zone.values
                                     for part in ("name", "description", "colour", "text_colour")]}),
            (_("Cells"), {"fields": ["cell"]}),
        ]

    def save_model(self, request, obj, form, change):
        services.matrix_save(by=request.user, matrix=obj)


class MatrixUseForm(forms.ModelForm):
    class Meta:
        model = MatrixUse
        fields = ["matrix", "unit", "region"]

    def clean_region(self):
        region = (self.cleaned_data.get("region") or "").strip()
        try:
            rules.require_known_region(region, Unit.objects.values_list("region", flat=True).distinct())
        except ValidationError as error:
            raise ValidationError(error.message_dict["region"]) from error
        return region


@admin.register(MatrixUse)
class MatrixUseAdmin(HistoryAdmin):
    """Which matrix a unit, or a region's units, make new analyses on."""

    form = MatrixUseForm
    list_display = ["__str__", "matrix", "unit", "region"]
    list_select_related = ["matrix", "unit"]

    def get_readonly_fields(self, request, obj=None):
        # A use says whose it is; to move it elsewhere, remove it and add another.
        return ["unit", "region"] if obj else []

    def save_model(self, request, obj, form, change):
        saved = services.matrix_use_set(by=request.user, matrix=obj.matrix, unit=obj.unit, region=obj.region)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.matrix_use_remove(by=request.user, use_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for use in queryset:
            services.matrix_use_remove(by=request.user, use_id=use.pk)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class EventInline(ReadOnlyInline):
    model = Event
    fields = ["category", "title", "probability", "consequence", "residual_probability", "residual_consequence"]


class CauseInline(ReadOnlyInline):
    model = Cause
    fields = ["description", "rating"]


@admin.register(Analysis)
class AnalysisAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["title", "unit", "is_template", "status", "analysis_date", "next_review_on"]
    list_filter = ["status", "is_template", "unit__region", "unit"]
    search_fields = ["title", "unit__number", "unit__name"]
    list_select_related = ["unit"]
    inlines = [CauseInline, EventInline]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["description", "kind", "status", "due_on", "responsible"]
    list_filter = ["status", "kind"]
    list_select_related = ["responsible"]


@admin.register(RiskAcceptance)
class RiskAcceptanceAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """Accepted by the head of unit on the analysis' page only: here it is read."""

    list_display = ["event", "accepted_by", "accepted_at", "probability", "consequence"]
    list_select_related = ["event", "accepted_by"]
