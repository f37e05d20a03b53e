"""Forms of the reception look-up and of breach registration."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import rules
from nav_sikkerhet.core.forms import PersonidentField

from .models import BreachChannel

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class PersonidentLookupForm(forms.Form):
    """Exact search by identity number. The form posts: the number never travels in a URL."""

    personident = PersonidentField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["personident"].widget.attrs.update({"autofocus": True})


class NameLookupForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("At least two letters of both the first and the last name.")
    )
    birth_date = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autocomplete": "off"})

    def clean(self):
        cleaned = super().clean()
        if "name" in cleaned and "birth_date" in cleaned:
            try:
                cleaned["name"] = rules.check_name_search(name=cleaned["name"], birth_date=cleaned["birth_date"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return cleaned


def _yes_no(label):
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, coerce=lambda value: value == "yes"
    )


class BreachForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    )
    channel = forms.ChoiceField(label=_("How"), choices=BreachChannel.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Short and factual: what the person did and said, and what you did."),
    )
    asked_to_leave = _yes_no(_("Was the person asked to leave (or the call ended)?"))
    police_called = _yes_no(_("Were the police called?"))

    def __init__(self, *args, channel: str = BreachChannel.IN_PERSON, **kwargs):
        kwargs.setdefault(
            "initial", {"occurred_at": timezone.localtime().replace(second=0, microsecond=0), "channel": channel}
        )
        super().__init__(*args, **kwargs)
