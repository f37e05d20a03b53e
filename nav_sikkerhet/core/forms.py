from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .identity import parse_personident


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where the form has the field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class LongSelect(forms.Select):
    """A select for long lists (all 250 units): its options written in one template, not an include per option,
    which costs Django about a tenth of a millisecond each."""

    template_name = "core/widgets/long_select.html"


class PersonidentField(forms.CharField):
    """An identity number typed by staff: spaces and dashes allowed, validated, returned compact."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Identity number"))
        kwargs.setdefault("help_text", _("Fødselsnummer or D-number, 11 digits."))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        return parse_personident(value).number if value else value


class AccessReportForm(forms.Form):
    personident = PersonidentField()
    date_from = forms.DateField(label=_("From date"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To date"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            raise ValidationError(_("The to date cannot be before the from date."), code="date_order")
        return cleaned


class CitizenExportForm(forms.Form):
    """The request for access an export answers is recorded with it: who asked, when, and its reference."""

    FORMATS = [("pdf", "PDF"), ("json", "JSON")]

    personident = PersonidentField()
    requested_by = forms.CharField(
        label=_("Who asked"), max_length=100,
        help_text=_("The citizen, or the name of the representative who asked on their behalf."),
    )
    requested_on = forms.DateField(
        label=_("Request received"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(
        label=_("Reference"), max_length=50, help_text=_("The case or journal number of the request."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="pdf", widget=forms.RadioSelect)

    def clean_requested_on(self):
        requested_on = self.cleaned_data["requested_on"]
        if requested_on > timezone.localdate():
            raise ValidationError(_("The request cannot have been received in the future."), code="future")
        return requested_on


class RetentionHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text=_("E.g. the complaint is with the Ombudsman, or the police are investigating."),
    )
    until = forms.DateField(label=_("Held until"), widget=forms.DateInput(attrs={"type": "date"}))
