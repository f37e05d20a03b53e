"""The reception and contact-centre look-up (/mottak/) and breach registration.

Identity numbers are posted, never put in a URL; a person opened from a name search is addressed
by the citizen's opaque public_id. Every page that shows a citizen's measures writes one audit line;
a search without a hit, and a list of names, write none.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import UnitType

from . import lookup, services
from .lookup_forms import BreachForm, NameLookupForm, PersonidentLookupForm
from .models import BreachChannel
from .views import add_errors

SEARCH_BY_IDENT, SEARCH_BY_NAME = "ident", "name"


def _answer_page(request, answer):
    return render(request, "utestenging/lookup/answer.html", {"answer": answer})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def search(request):
    unit_ids = lookup.lookup_unit_ids(request.user)
    mode = request.POST.get("search") if request.method == "POST" else None
    ident_form = PersonidentLookupForm(request.POST if mode == SEARCH_BY_IDENT else None)
    name_form = NameLookupForm(request.POST if mode == SEARCH_BY_NAME else None, prefix="navn")
    context = {"ident_form": ident_form, "name_form": name_form, "mode": mode}
    if mode == SEARCH_BY_IDENT and ident_form.is_valid():
        citizen = lookup.citizen_by_personident(ident_form.cleaned_data["personident"])
        if citizen is not None:
            answer = lookup.lookup_answer(user=request.user, citizen=citizen, unit_ids=unit_ids, request=request)
            return _answer_page(request, answer)
        context["no_hit"] = True
        context["ident_form"] = PersonidentLookupForm()
    elif mode == SEARCH_BY_NAME and name_form.is_valid():
        context["results"] = lookup.search_by_name(
            name=name_form.cleaned_data["name"], birth_date=name_form.cleaned_data["birth_date"]
        )
    if mode == SEARCH_BY_NAME:
        # Leave the focus where the name search was, not on the identity-number field.
        ident_form.fields["personident"].widget.attrs.pop("autofocus", None)
    return render(request, "utestenging/lookup/search.html", context)


@login_required
@never_cache
@require_GET
def person(request, public_id):
    unit_ids = lookup.lookup_unit_ids(request.user)
    citizen = lookup.citizen_by_public_id(public_id)
    return _answer_page(
        request, lookup.lookup_answer(user=request.user, citizen=citizen, unit_ids=unit_ids, request=request)
    )


def _default_channel(user) -> str:
    """Phone for the contact centre, in person for everyone else."""
    units = access.units_with_perm(user, Perm.LOOKUP_MEASURES)
    if units.exists() and not units.exclude(unit_type=UnitType.KONTAKTSENTER).exists():
        return BreachChannel.PHONE
    return BreachChannel.IN_PERSON


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def breach(request, public_id):
    decision = lookup.decision_for_breach(user=request.user, public_id=public_id)
    form = BreachForm(request.POST or None, channel=_default_channel(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            registered = services.breach_register(by=request.user, decision_id=decision.pk, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The breach is registered, and the responsible leader is notified."))
            return redirect("mottak:breach_done", public_id=registered.public_id)
    lookup.audit_breach_form(user=request.user, decision=decision, request=request)
    return render(request, "utestenging/lookup/breach.html", {"decision": decision, "form": form})


def incident_url(registered) -> str | None:
    """The incident form pre-filled from the breach, once the hendelser app offers one (never an identity number)."""
    try:
        base = reverse("hendelser:create")
    except NoReverseMatch:
        return None
    query = {
        "decision": str(registered.decision.public_id),
        "occurred_at": timezone.localtime(registered.occurred_at).isoformat(timespec="minutes"),
        "channel": registered.channel,
    }
    return f"{base}?{urlencode(query)}"


@login_required
@never_cache
@require_GET
def breach_done(request, public_id):
    registered = lookup.breach_for_user(user=request.user, public_id=public_id)
    return render(
        request,
        "utestenging/lookup/breach_done.html",
        {"breach": registered, "decision": registered.decision, "incident_url": incident_url(registered)},
    )
