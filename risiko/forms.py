"""Forms parse input only; the rules live in the models' clean(), rules.py and the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hendelser.models import Category as Asys
from hendelser.models import Channel
from nav_sikkerhet.core.models import User

from .models import EventCategory, MeasureKind, MeasureStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


def level_choices(labels: list[str], *, blank: bool = False, blank_label=None):
    choices = [(level, f"{level} – {label}") for level, label in enumerate(labels, start=1)]
    return [("", blank_label or _("Not assessed yet")), *choices] if blank else choices


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def unit_staff(unit):
    return User.objects.filter(is_active=True, role_assignments__unit=unit).distinct().order_by("first_name",
                                                                                                 "last_name")


class AnalysisForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    scope = forms.CharField(label=_("Scope"), widget=TEXT, required=False,
                            help_text=_("What the analysis covers: premises, services, home visits, phone …"))
    owner = StaffChoiceField(queryset=User.objects.none(), label=_("Owner"), required=False)
    participants = forms.CharField(label=_("Participants"), widget=TEXT, required=False,
                                   help_text=_("Who took part: leaders, staff, safety representative, HMS."))
    safety_representative = forms.CharField(
        label=_("Safety representative who took part"), max_length=200, required=False,
        help_text=_("Full name. Needed before approval: the safety representative takes part in the analysis."),
    )
    analysis_date = forms.DateField(label=_("Date of the analysis"), widget=DATE)
    next_review_on = forms.DateField(label=_("Next review"), widget=DATE, required=False,
                                     help_text=_("Needed before approval. Reminders go out 30 days before."))

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners


class CreateForm(AnalysisForm):
    unit = forms.ModelChoiceField(queryset=None, label=_("Unit"), empty_label=None)
    template = forms.ModelChoiceField(
        queryset=None, label=_("Start from"), required=False, empty_label=_("An empty analysis"),
        help_text=_("A template gives you its events and causes to adapt: keep them concrete and local."),
    )
    field_order = ["unit", "template"]

    def __init__(self, *args, units, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["template"].queryset = templates
        self.fields["owner"].queryset = User.objects.filter(is_active=True, role_assignments__unit__in=units) \
            .distinct().order_by("first_name", "last_name")


class EventForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=EventCategory.choices)
    title = forms.CharField(label=_("Unwanted event"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=TEXT, required=False,
                                  help_text=_("Concrete and local: where, when and how it happens here."))
    probability = forms.TypedChoiceField(label=_("Probability"), coerce=int)
    consequence = forms.TypedChoiceField(label=_("Consequence"), coerce=int)
    barriers = forms.CharField(label=_("Existing barriers"), widget=TEXT, required=False,
                               help_text=_("What already stops the event or limits the damage."))
    residual_probability = forms.TypedChoiceField(label=_("Probability after measures"), coerce=int, required=False,
                                                  empty_value=None)
    residual_consequence = forms.TypedChoiceField(label=_("Consequence after measures"), coerce=int, required=False,
                                                  empty_value=None)
    asys_categories = forms.MultipleChoiceField(
        label=_("ASYS categories of this event"), choices=Asys.choices, widget=forms.CheckboxSelectMultiple,
        required=False, help_text=_("The unit's incidents in these categories are counted beside the event, and "
                                    "point out a probability set too low. None chosen: not counted."))
    asys_channels = forms.MultipleChoiceField(
        label=_("Only incidents in these channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple,
        required=False, help_text=_("For «threats by phone»: threat × phone. None chosen: every channel."))

    def __init__(self, *args, probability_labels, consequence_labels, **kwargs):
        super().__init__(*args, **kwargs)
        # Required, yet nothing chosen for them: a first option pre-chosen would pass as an assessment never made.
        choose = _("Choose a level")
        self.fields["probability"].choices = level_choices(probability_labels, blank=True, blank_label=choose)
        self.fields["consequence"].choices = level_choices(consequence_labels, blank=True, blank_label=choose)
        self.fields["residual_probability"].choices = level_choices(probability_labels, blank=True)
        self.fields["residual_consequence"].choices = level_choices(consequence_labels, blank=True)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=MeasureKind.choices, widget=forms.RadioSelect,
        help_text=_("Measures that lower the probability are considered first; then those that limit the damage."),
    )
    description = forms.CharField(label=_("Measure"), widget=TEXT)
    responsible = StaffChoiceField(queryset=User.objects.none(), label=_("Responsible"))
    due_on = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = unit_staff(unit)


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    done_on = forms.DateField(label=_("Done on"), widget=DATE, required=False)
    due_on = forms.DateField(label=_("Due date"), widget=DATE, required=False)


class RiskAcceptanceForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the risk is accepted"), widget=TEXT,
        help_text=_("Why no measure is taken against this red event now, in whole sentences. It holds for the "
                    "event's present probability and consequence."),
    )


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read the analysis and approve it as the unit's analysis in force."),
        error_messages={"required": _("Tick the box to confirm the approval.")},
    )
    # The analysis in force the page said would be replaced (empty: the unit's first).
    replaces = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CauseForm(forms.Form):
    description = forms.CharField(label=_("Cause"), max_length=300)
    rating = forms.TypedChoiceField(
        label=_("Likelihood as a triggering factor"), coerce=int,
        choices=[(level, str(level)) for level in range(5, 0, -1)], help_text=_("5 highest, 1 lowest."),
    )


class ImportForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Unit"), empty_label=None)
    file = forms.FileField(label=_("ROS file (JSON)"),
                           help_text=_("The format of the Hordaland analysis, or a file exported here."))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
