"""Forms parse input only; the rules live in the models' clean(), rules.py and the services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core.forms import PersonidentField
from nav_sikkerhet.core.models import UnitType

from . import rules
from .models import (
    CATEGORY_DEFINITIONS,
    Bht,
    Category,
    Channel,
    Employer,
    ExposedPerson,
    Incident,
    Injury,
    MeasureKind,
    Perpetrator,
    PoliceOutcome,
    ProposalKind,
    ProposalOutcome,
    Status,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
TEXT = forms.Textarea(attrs={"rows": 4})
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def yes_no(label, **kwargs):
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, coerce=lambda value: value == "yes", **kwargs
    )


class CategoryRadioSelect(forms.RadioSelect):
    """The ASYS categories, each with its definition from NAV's note beside the option."""

    option_template_name = "hendelser/widgets/category_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["definition"] = CATEGORY_DEFINITIONS.get(value, "")
        if option["definition"] and option["attrs"].get("id"):
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_definition"
        return option


class IncidentCheckboxes(forms.CheckboxSelectMultiple):
    """Incidents to tick, each with a link to its page and the start of what happened."""

    option_template_name = "hendelser/widgets/incident_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["incident"] = getattr(value, "instance", None)
        if option["incident"] is not None and option["attrs"].get("id"):
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_summary"
        return option


class PerpetratorFields(forms.Form):
    """Who did it: a known person by identity number (or name and birth date), or unknown/anonymous."""

    perpetrator = forms.ChoiceField(
        label=_("Who did it?"), choices=Perpetrator.choices, widget=forms.RadioSelect,
        help_text=_("Hate speech and messages are often anonymous: choose that rather than guessing."),
    )
    personident = PersonidentField(
        required=False, label=_("The person's identity number"),
        help_text=_("If known. Otherwise give the name and date of birth below."),
    )
    person_name = forms.CharField(label=_("The person's name"), max_length=200, required=False)
    person_birth_date = forms.DateField(label=_("The person's date of birth"), widget=DATE, required=False)

    # Set when the person is already known (a registration pre-filled from a breach): nothing to type.
    known_person = None

    def clean(self):
        cleaned = super().clean()
        named = cleaned.get("person_name", "").strip() and cleaned.get("person_birth_date")
        typed = cleaned.get("personident") or named or self.known_person is not None
        if cleaned.get("perpetrator") == Perpetrator.CITIZEN and not typed:
            self.add_error("personident", _("Give the person's identity number, or their name and date of birth."))
        # The name is asked with every number, so the form never tells whether the number is registered here.
        if (cleaned.get("perpetrator") == Perpetrator.CITIZEN and cleaned.get("personident")
                and not cleaned.get("person_name", "").strip()):
            self.add_error("person_name", _("Give the person's name with the identity number."))
        # What was typed about a person is never dropped in silence: either they are known, or nothing is typed.
        anything_typed = any(
            cleaned.get(name) or self.data.get(self.add_prefix(name), "").strip()
            for name in ("personident", "person_name", "person_birth_date")
        )
        if cleaned.get("perpetrator") in (Perpetrator.UNKNOWN, Perpetrator.ANONYMOUS) and anything_typed:
            self.add_error(
                "perpetrator",
                _("You typed who it was, but chose «%(choice)s»: choose «A known person», or clear what you typed.")
                % {"choice": Perpetrator(cleaned["perpetrator"]).label},
            )
        return cleaned


class RegisterForm(PerpetratorFields):
    """The first screen: what a staff member can fill in within two minutes. Nine inputs are required."""

    occurred_at = forms.DateTimeField(label=_("When did it happen?"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    unit = forms.ModelChoiceField(queryset=None, label=_("Unit"), empty_label=None)
    channel = forms.ChoiceField(label=_("Where or how?"), choices=[("", "---------"), *Channel.choices])
    category = forms.ChoiceField(
        label=_("What kind of incident? (ASYS category)"), choices=Category.choices, widget=CategoryRadioSelect,
        help_text=_("Choose the category that fits best; others that also fit can be added on the next page."),
    )
    description = forms.CharField(
        label=_("What happened?"), widget=TEXT,
        help_text=_("Short and factual: what the person did and said, and what you did."),
    )
    injury = forms.TypedChoiceField(
        label=_("Injury"), choices=Injury.choices, coerce=int, widget=forms.RadioSelect, initial=Injury.NONE,
    )
    sick_leave = yes_no(_("Did it lead to sick leave?"), initial="no")
    exposed_me = forms.BooleanField(label=_("I was exposed myself"), required=False, initial=True)
    my_employer = forms.ChoiceField(
        label=_("I am employed by"), choices=Employer.choices, widget=forms.RadioSelect, required=False,
    )
    colleague_name = forms.CharField(
        label=_("A colleague who was exposed (name)"), max_length=200, required=False,
        help_text=_("More colleagues can be added on the next page."),
    )
    colleague_employer = forms.ChoiceField(
        label=_("The colleague is employed by"), choices=Employer.choices, widget=forms.RadioSelect, required=False,
    )

    field_order = [
        "occurred_at", "unit", "channel", "category", "description", "perpetrator", "personident", "person_name",
        "person_birth_date", "injury", "sick_leave", "exposed_me", "my_employer", "colleague_name",
        "colleague_employer",
    ]

    def __init__(self, *args, units, known_person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_person = known_person
        if known_person is not None:
            self.fields["personident"].help_text = _(
                "Filled in: %(name)s. Type another only if it was someone else."
            ) % {"name": known_person.name}
        self.fields["unit"].queryset = units
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["perpetrator"].initial = Perpetrator.UNKNOWN
        first = units.first()
        if first is not None and first.unit_type != UnitType.NAV_KONTOR:
            self.fields["my_employer"].initial = Employer.STATE

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("exposed_me") and not cleaned.get("my_employer"):
            self.add_error("my_employer", _("Say whether you are a state or a municipal employee."))
        if cleaned.get("colleague_name", "").strip() and not cleaned.get("colleague_employer"):
            self.add_error("colleague_employer", _("Say whether the colleague is a state or a municipal employee."))
        return cleaned

    def exposed_rows(self, user) -> list[dict]:
        data = self.cleaned_data
        rows = []
        if data.get("exposed_me"):
            rows.append({"user": user, "name": user.get_full_name() or user.username, "employer": data["my_employer"]})
        if data.get("colleague_name", "").strip():
            rows.append({"name": data["colleague_name"].strip(), "employer": data["colleague_employer"]})
        return rows


class DetailsForm(forms.ModelForm):
    """The second step, and later corrections: everything beyond the first screen."""

    other_categories = forms.MultipleChoiceField(
        label=_("Other categories that also fit"), choices=Category.choices, widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Incident
        fields = [
            "other_categories", "weapon", "police_reported", "police_reported_on", "police_reported_by_unit",
            "police_reference", "police_outcome", "police_not_reported_reason", "witnesses", "asys_reference",
            "municipal_reference", "occurred_at", "channel", "category",
            "description", "injury", "sick_leave",
        ]
        widgets = {
            "police_reported_on": DATE, "police_not_reported_reason": forms.Textarea(attrs={"rows": 2}),
            "witnesses": forms.Textarea(attrs={"rows": 2}), "description": TEXT,
            "occurred_at": DATETIME, "category": CategoryRadioSelect, "injury": forms.RadioSelect,
        }
        help_texts = {
            "witnesses": _("Names of colleagues or others who saw or heard it."),
            "asys_reference": _("This app complements ASYS; register the incident there too and note its number."),
            "municipal_reference": _("For municipal staff: the number in the municipality's deviation system."),
        }

    # Shown in their own group on the page: what the first screen asked, for corrections.
    REGISTERED_FIELDS = ("occurred_at", "channel", "category", "description", "injury", "sick_leave")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].input_formats = DATETIME_FORMATS
        self.fields["category"].choices = Category.choices
        self.fields["injury"].choices = Injury.choices
        self.fields["police_outcome"].choices = [("", _("Not known yet")), *PoliceOutcome.choices]

    def additional(self):
        return [self[name] for name in self.fields if name not in self.REGISTERED_FIELDS]

    def registered(self):
        return [self[name] for name in self.REGISTERED_FIELDS]


class ExposedForm(forms.ModelForm):
    class Meta:
        model = ExposedPerson
        fields = ["name", "employer"]


ExposedFormSet = forms.formset_factory(ExposedForm, extra=1)


def exposed_rows(formset) -> list[dict]:
    return [form.cleaned_data for form in formset.forms if form.cleaned_data]


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=[("", "---------"), *MeasureKind.choices])
    decided_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    description = forms.CharField(
        label=_("Details"), widget=TEXT, required=False,
        help_text=_("For a warning: what the person was told, and how. A proposal opens a draft decision."),
    )


class FollowUpForm(forms.ModelForm):
    done = forms.BooleanField(label=_("The follow-up is done"), required=False)

    class Meta:
        model = ExposedPerson
        fields = ["debrief_offered_on", "bht", "sick_leave", "follow_up_note"]
        widgets = {"debrief_offered_on": DATE, "follow_up_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bht"].choices = Bht.choices
        self.fields["done"].initial = self.instance.follow_up_done_on is not None


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Proposed measure"), choices=[("", "---------"), *ProposalKind.choices])
    description = forms.CharField(
        label=_("Details"), widget=TEXT, required=False,
        help_text=_("Why the review proposes it. Those who prepare decisions at the unit are told at once."),
    )


class ProposalOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ProposalOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=TEXT)

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        if proposal is not None:
            # A proposal carried out as a decision or a warning ends with it; by hand it can only be rejected.
            allowed = rules.hand_outcomes(proposal)
            self.fields["outcome"].choices = [(value, ProposalOutcome(value).label) for value in allowed]
            if len(allowed) == 1:
                self.fields["outcome"].initial = allowed[0]


class ProposalWarningForm(forms.Form):
    given_on = forms.DateField(label=_("Date the warning was given"), widget=DATE, initial=timezone.localdate)
    given_by = forms.CharField(
        label=_("Given by"), max_length=200, required=False,
        help_text=_("Who warned the person; you, if left empty."),
    )
    note = forms.CharField(
        label=_("What the person was told"), widget=TEXT, required=False,
        help_text=_("A written warning produces a letter to the person."),
    )


class PoliceOutcomeForm(forms.Form):
    """Only the outcome with the police: the rest of a closed incident stays as it was closed."""

    police_outcome = forms.ChoiceField(
        label=_("Outcome with the police"), choices=[("", _("Not known yet")), *PoliceOutcome.choices],
        widget=forms.RadioSelect, required=False,
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the incident reopened?"), widget=TEXT)


class CloseForm(forms.Form):
    lessons_learned = forms.CharField(
        label=_("What was learned"), widget=TEXT,
        help_text=_("What the unit will keep doing or do differently; it goes into the next ROS analysis."),
    )


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Meeting date"), widget=DATE, initial=timezone.localdate)
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}))
    safety_rep_present = forms.BooleanField(label=_("The safety representative took part"), required=False)
    notes = forms.CharField(label=_("Notes from the review"), widget=TEXT, required=False)
    incidents = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Incidents reviewed"), widget=IncidentCheckboxes,
    )

    def __init__(self, *args, incidents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incidents"].queryset = incidents
        self.fields["incidents"].label_from_instance = lambda i: (
            f"{i.reference} – {timezone.localtime(i.occurred_at):%d.%m.%Y %H:%M} – {i.get_category_display()} – "
            f"{i.get_channel_display()}"
        )


class FilterForm(forms.Form):
    """The list's filters (GET); also what the export writes."""

    unit = forms.ModelChoiceField(queryset=None, label=_("Unit"), required=False, empty_label=_("All my units"),
                                  to_field_name="number")
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Status.choices], required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All")), *Category.choices], required=False)
    channel = forms.ChoiceField(label=_("Where or how"), choices=[("", _("All")), *Channel.choices], required=False)
    date_from = forms.DateField(label=_("From date"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("To date"), widget=DATE, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_to"] < cleaned["date_from"]:
            raise ValidationError(_("The to date cannot be before the from date."), code="date_order")
        return cleaned
