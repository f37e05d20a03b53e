"""Forms parse input only; the rules live in the models' clean(), rules.py and the services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hendelser.models import WarningForm as WarningKind
from nav_sikkerhet.core.forms import PersonidentField
from nav_sikkerhet.core.models import Language, Unit

from . import reasons, rules
from .guidance import GUIDANCE
from .models import (
    ASSESSMENT_FIELDS,
    MEASURE_ALTERNATIVES,
    WARNING_ALTERNATIVES,
    ActingReason,
    AlternativeAssessment,
    AlternativeChannel,
    AlternativeOutcome,
    Decision,
    DigitalChannel,
    Fact,
    Ground,
    Kind,
    LessIntrusiveMeasure,
    NoticeImpossibleReason,
    NoticeMethod,
    RegistrationKind,
    Scope,
    ServiceComplaint,
    ShortDeadlineReason,
    StatementStatus,
    Status,
    WrittenDelivery,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})
# The letter quotes facts and reasons to the citizen as they are written.
TO_CITIZEN = _("Written to the citizen, as the letter quotes it: use «du» («Du slo i skranken …»).")


def mark_reasons(form, model=Decision, names: dict[str, str] | None = None) -> None:
    """Mark the form's fields that are NAV's facts or reasoning, for the as-you-type hint (static/js/reason-hint.js).

    ``names`` maps a form field to the model field it fills, where the two names differ. The hint only helps:
    the model's clean() and the checklist decide.
    """
    kinds = reasons.REASONED_FIELDS.get(model._meta.label, {})
    for name, field in form.fields.items():
        kind = kinds.get((names or {}).get(name, name))
        if kind:
            field.widget.attrs.update({"data-reason": kind, "data-reason-label": str(field.label)})


def _confirm_existing_field():
    # The public id of the citizen whose existing cases the page showed: seen for that citizen, not another.
    return forms.CharField(required=False, max_length=36, widget=forms.HiddenInput)


def _kind_field():
    return forms.ChoiceField(
        label=_("Kind of measure"), choices=Kind.choices, widget=forms.RadioSelect, help_text=GUIDANCE["kind"]
    )


class NewDecisionForm(forms.Form):
    """Start a case: the citizen by identity number (posted), and details if they are new here."""

    unit = forms.ModelChoiceField(queryset=None, label=_("Deciding unit"), empty_label=None)
    kind = _kind_field()
    personident = PersonidentField()
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Only needed if the citizen is not yet registered here."),
    )
    address = forms.CharField(label=_("Postal address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    postal_city = forms.CharField(label=_("Postal city"), max_length=100, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred written language"), choices=Language.choices, initial=Language.NB
    )
    confirm_existing = _confirm_existing_field()

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class NewDecisionForCitizenForm(forms.Form):
    """Start a case about a citizen found by name and date of birth."""

    unit = forms.ModelChoiceField(queryset=None, label=_("Deciding unit"), empty_label=None)
    kind = _kind_field()
    confirm_existing = _confirm_existing_field()

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class NewDecisionFromIncidentForm(forms.Form):
    """Start a case proposed after a registered incident: the citizen and the unit come from the incident."""

    kind = _kind_field()
    confirm_existing = _confirm_existing_field()


class OverviewFilterForm(forms.Form):
    """The overview's filters (GET): which list, and status, kind and responsible leader."""

    vis = forms.ChoiceField(label=_("Show"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *[(s.value, s.label) for s in Status if s != Status.DROPPED]],
    )
    kind = forms.ChoiceField(label=_("Kind of measure"), required=False, choices=[("", _("All kinds")), *Kind.choices])
    leader = forms.ModelChoiceField(label=_("Responsible leader"), required=False, queryset=None,
                                    empty_label=_("All leaders"))

    def __init__(self, *args, lists, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vis"].choices = [("", _("All lists")), *lists]
        self.fields["leader"].queryset = leaders
        self.fields["leader"].label_from_instance = lambda user: user.get_full_name() or user.username


class FactForm(forms.ModelForm):
    class Meta:
        model = Fact
        fields = ["occurred_on", "description", "serious", "incident"]
        widgets = {"occurred_on": DATE, "description": forms.Textarea(attrs={"rows": 2}),
                   "incident": forms.HiddenInput}
        help_texts = {"description": TO_CITIZEN}

    def __init__(self, *args, incidents, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the citizen's incidents in the deciding unit can stand behind a fact.
        self.fields["incident"].queryset = incidents
        mark_reasons(self, Fact)


class IncidentPickForm(forms.Form):
    """Facts taken from the incidents registered about the citizen in the deciding unit."""

    add_incidents = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Add registered incidents as facts"),
        help_text=_("Each becomes a fact with the date and the description as registered; edit the text after."),
    )

    def __init__(self, *args, incidents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add_incidents"].queryset = incidents
        self.fields["add_incidents"].label_from_instance = lambda i: (
            f"{i.reference} – {timezone.localtime(i.occurred_at):%d.%m.%Y} – {i.get_category_display()}: "
            f"{i.description[:80]}"
        )


class WarningForm(forms.Form):
    """A warning given earlier and not yet recorded: it becomes the citizen's warning (hendelser)."""

    given_on = forms.DateField(label=_("Date"), widget=DATE)
    # Starts blank: a preselected form would make the empty extra row count as filled in and fail on its date.
    form = forms.ChoiceField(label=_("Form"), choices=[("", "---------"), *WarningKind.choices])
    given_by = forms.CharField(label=_("Given by"), max_length=200, required=False,
                               help_text=_("Who warned the citizen. Left empty: you."))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ChannelForm(forms.ModelForm):
    class Meta:
        model = AlternativeChannel
        fields = ["channel", "person_name", "phone", "times", "unit", "place", "address", "note"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2}),
                   "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}
        help_texts = {
            "phone": _("The person's direct number. NAV's general number (55 55 33 33) and the switchboard of a unit "
                       "the decision covers are not accepted."),
            "unit": _("A meeting at NAV: choose the unit, which the decision must not cover. The named person's unit "
                      "for phone contact. Leave empty for a place outside NAV."),
            "place": _("E.g. the meeting room, or the name of the place outside NAV."),
            "address": _("Postal address for written contact, or the street address of a meeting place outside "
                         "NAV."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("number")
        self.fields["unit"].label = _("At NAV unit")


class AlternativeAssessmentForm(forms.Form):
    """How one less intrusive alternative was weighed (§3). Left without an assessment, the row is not saved and
    the checklist names it; the rules are AlternativeAssessment.clean(), run here so errors land on the row."""

    alternative = forms.ChoiceField(choices=LessIntrusiveMeasure.choices, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Assessment"), required=False, widget=forms.RadioSelect,
        choices=AlternativeOutcome.choices,
    )
    tried_on = forms.DateField(label=_("Tried on"), widget=DATE, required=False)
    warning = forms.TypedChoiceField(label=_("Or the registered warning"), coerce=int, required=False,
                                     empty_value=None)
    measure = forms.TypedChoiceField(label=_("Or the registered measure"), coerce=int, required=False,
                                     empty_value=None)
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             help_text=TO_CITIZEN)

    def __init__(self, *args, warnings=(), measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        alternative = self.initial.get("alternative") or self.data.get(self.add_prefix("alternative"))
        self.label = LessIntrusiveMeasure(alternative).label if alternative in LessIntrusiveMeasure.values else ""
        form = WARNING_ALTERNATIVES.get(alternative)
        if form:
            self.fields["warning"].choices = [("", "---------")] + [
                (warning.pk, f"{warning.given_on:%d.%m.%Y} {warning.get_form_display()} ({warning.unit.name})")
                for warning in warnings if warning.form == form
            ]
        else:
            del self.fields["warning"]
        measure_kind = MEASURE_ALTERNATIVES.get(alternative)
        if measure_kind:
            self.fields["measure"].choices = [("", "---------")] + [
                (m.pk, f"{m.case_number} {m.get_kind_display()} {m.valid_from:%d.%m.%Y}–{m.valid_to:%d.%m.%Y} "
                       f"({m.unit.name})")
                for m in measures if m.kind == measure_kind
            ]
        else:
            del self.fields["measure"]
        self.fields["reason"].widget.attrs.update({"data-reason": reasons.REASON, "data-reason-label": self.label})

    def clean(self):
        data = super().clean()
        if not data.get("outcome"):
            return data
        row = AlternativeAssessment(**self.row())
        try:
            row.full_clean(exclude=["decision"])
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data

    def row(self) -> dict:
        """The row as the service takes it."""
        data = self.cleaned_data
        return {"alternative": data["alternative"], "outcome": data["outcome"], "tried_on": data.get("tried_on"),
                "warning_id": data.get("warning"), "measure_id": data.get("measure"), "reason": data.get("reason", "")}


class BaseAlternativeAssessmentFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [form.row() for form in self.forms if form.cleaned_data.get("outcome")]


AlternativeAssessmentFormSet = forms.formset_factory(
    AlternativeAssessmentForm, formset=BaseAlternativeAssessmentFormSet, extra=0,
    min_num=len(LessIntrusiveMeasure.values), max_num=len(LessIntrusiveMeasure.values), validate_max=True,
)


def alternative_rows_initial(assessed) -> list[dict]:
    """One row per alternative the guideline names, in its order, with what was assessed so far."""
    by_alternative = {row.alternative: row for row in assessed}
    initial = []
    for alternative in LessIntrusiveMeasure.values:
        row = by_alternative.get(alternative)
        initial.append({"alternative": alternative} if row is None else {
            "alternative": alternative, "outcome": row.outcome, "tried_on": row.tried_on, "warning": row.warning_id,
            "measure": row.measure_id, "reason": row.reason,
        })
    return initial


FactFormSet = forms.formset_factory(FactForm, extra=1, can_delete=True)
WarningFormSet = forms.formset_factory(WarningForm, extra=1)
ChannelFormSet = forms.formset_factory(ChannelForm, extra=1, can_delete=True)


def formset_rows(formset) -> list[dict]:
    """The filled, kept rows of a valid formset, as plain dicts for the service."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        # Kept rows arrive as unchanged initial data; only the empty extra row has no cleaned data.
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class GroundsForm(forms.ModelForm):
    grounds = forms.MultipleChoiceField(
        label=_("Grounds"), choices=Ground.choices, widget=forms.CheckboxSelectMultiple, help_text=GUIDANCE["grounds"]
    )

    digital_channels = forms.MultipleChoiceField(
        label=_("Digital channels closed"), choices=DigitalChannel.choices, widget=forms.CheckboxSelectMultiple,
        required=False, help_text=_("Only for a digital restriction: the channels it closes. Keep one channel open "
                                    "for the citizen below, as for an exclusion."),
    )

    class Meta:
        model = Decision
        fields = ["kind", "grounds", "digital_channels", "no_warning_reason"]
        widgets = {"kind": forms.RadioSelect, "no_warning_reason": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "kind": GUIDANCE["kind"],
            "no_warning_reason": _(
                "Only when no incident is serious enough on its own and the citizen was not warned (preferably in "
                "writing) before the last one (§3)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Kind.choices
        mark_reasons(self)


class AssessmentForm(forms.ModelForm):
    # The less intrusive alternatives are assessed one by one (AlternativeAssessmentFormSet), not in free text.
    class Meta:
        model = Decision
        fields = [*(name for name in ASSESSMENT_FIELDS if name != "alternatives"), "statement_assessment"]
        widgets = dict.fromkeys(fields, TEXT)
        help_texts = {name: GUIDANCE[name] for name in ASSESSMENT_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not Kind(self.instance.kind).phone:
            del self.fields["other_units_views"]
        if not self.instance.extends_id:
            del self.fields["extension_assessment"]
        # Asked once the citizen has answered the notice: the letter says how what they said was weighed (§3–4).
        if self.instance.statement_status != StatementStatus.RECEIVED:
            del self.fields["statement_assessment"]
        for name in ("risk_of_repetition", "clear_need", "proportionality", "extension_assessment",
                     "statement_assessment"):
            if name in self.fields:
                self.fields[name].help_text = f"{self.fields[name].help_text} {TO_CITIZEN}".strip()
        mark_reasons(self)


class ScopeForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["scope", "responsible_leader", "contact_person", "representative_name", "representative_address",
                  "postal_address"]
        widgets = {"scope": forms.RadioSelect, "representative_address": forms.Textarea(attrs={"rows": 2}),
                   "postal_address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"scope": GUIDANCE["scope"]}

    def __init__(self, *args, leaders, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = Scope.choices
        self.fields["responsible_leader"].queryset = leaders
        self.fields["contact_person"].queryset = staff


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["valid_from", "valid_to", "duration_assessment", "letter_language"]
        widgets = {"valid_from": DATE, "valid_to": DATE, "duration_assessment": TEXT}
        help_texts = {"valid_to": GUIDANCE["period"], "duration_assessment": TO_CITIZEN}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_reasons(self)


class NoticeSentForm(forms.Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("How"), choices=NoticeMethod.choices)
    deadline = forms.DateField(
        label=_("Deadline for the citizen's statement"), widget=DATE,
        help_text=_("At least 7 days after sending, never the same day."),
    )
    short_deadline_kind = forms.ChoiceField(
        label=_("Why a shorter deadline is needed (if so)"), required=False,
        choices=[("", "---------"), *ShortDeadlineReason.choices],
    )
    short_deadline_reason = forms.CharField(
        label=_("Explain the shorter deadline"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_reasons(self, names={"short_deadline_reason": "notice_short_deadline_reason"})


class NoticeNotPossibleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Reason"), choices=[("", "---------"), *NoticeImpossibleReason.choices],
    )
    reason = forms.CharField(label=_("Why advance notice is not possible"), widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_reasons(self, names={"reason": "notice_not_possible_reason"})


class StatementForm(forms.Form):
    received = forms.TypedChoiceField(
        label=_("Statement"),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", _("The citizen gave a statement")), ("no", _("No statement received by the deadline"))],
    )
    received_on = forms.DateField(label=_("Received on"), widget=DATE, required=False)
    statement = forms.CharField(label=_("What the citizen said"), widget=TEXT, required=False)


class SignForm(forms.Form):
    # No preselected answer: the leader states how the citizen is told (§6).
    written_delivery = forms.ChoiceField(
        label=_("How the citizen gets the written decision"), choices=[("", "---------"), *WrittenDelivery.choices]
    )
    written_delivered_on = forms.DateField(
        label=_("The written decision is sent or handed over on"), widget=DATE, initial=timezone.localdate,
        required=False, help_text=_("Today if left empty."),
    )
    told_orally_on = forms.DateField(
        label=_("Told orally or in person first, on (if so)"), widget=DATE, required=False,
        help_text=_("A decision sent only by post cannot apply from the day it is sent (§6)."),
    )
    written_delivery_note = forms.CharField(
        label=_("How the written decision will reach the citizen"), widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Needed when advance notice was not possible because the citizen cannot be reached."),
    )
    other_measures_acknowledged = forms.BooleanField(
        label=_("I have looked at the citizen's other security measures listed above"),
        required=False,
    )
    # Asked only of an acting head of unit (the view removes them for the head): why they decide (§4, §9.2).
    acting_reason = forms.ChoiceField(
        label=_("Why you decide as acting head of unit"), required=False,
        choices=[("", "---------"), *ActingReason.choices],
    )
    acting_reason_text = forms.CharField(
        label=_("The reason in your own words (for «other reason»)"), widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, acting: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not acting:
            del self.fields["acting_reason"], self.fields["acting_reason_text"]
        days = rules.configured_delivery_days()
        self.fields["written_delivered_on"].help_text = _(
            "Today if left empty. By post, allow %(post)s working days for the letter to arrive by the first day; "
            "told orally first, the written decision reaches the citizen within %(oral)s working days."
        ) % {"post": days.post, "oral": days.oral_follow_up}


class DeliveryForm(forms.Form):
    """The written decision was actually sent or handed over (§6)."""

    delivered_on = forms.DateField(label=_("Sent or handed over on"), widget=DATE, initial=timezone.localdate)
    how = forms.ChoiceField(label=_("How"), choices=WrittenDelivery.choices)


class LiftForm(forms.Form):
    lifted_on = forms.DateField(label=_("Lifted on"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_reasons(self, names={"reason": "lift_reason"})


class DropForm(forms.Form):
    reason = forms.CharField(label=_("Why the case is closed without a decision"), widget=TEXT)


class RegistrationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Registration"), choices=RegistrationKind.choices)
    done_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    reference = forms.CharField(
        label=_("Reference"), max_length=100, required=False, help_text=_("Archive reference, ASYS or case number.")
    )


class ComplaintForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DATE, initial=timezone.localdate)
    from_whom = forms.CharField(label=_("From whom"), max_length=200)
    summary = forms.CharField(label=_("What the complaint is about"), widget=TEXT)
    representative_name = forms.CharField(
        label=_("Representative (fullmektig) who complained"), max_length=200, required=False,
        help_text=_("The answer is addressed to the representative, with a copy to the citizen."),
    )
    representative_address = forms.CharField(
        label=_("Representative's postal address"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ComplaintAnswerForm(forms.Form):
    answered_on = forms.DateField(label=_("Answered on"), widget=DATE, initial=timezone.localdate)
    answer_summary = forms.CharField(label=_("The written answer"), widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_reasons(self, ServiceComplaint)
