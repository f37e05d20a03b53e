"""The reception and contact-centre look-up (/mottak/) and breach registration.

Identity numbers are posted, never put in a URL; a person opened from a name search is addressed
by the citizen's opaque public_id. Every page that shows a citizen's measures writes one audit line,
and every name search one line naming the people it listed. Look-ups and searches are throttled per
staff member (settings.LOOKUP_RATE); a refused one is answered 429 with a message, and audited.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hendelser import prefill
from hendelser import rules as incident_rules
from hendelser import selectors as incident_selectors
from hendelser.models import Channel
from nav_sikkerhet.core import access, selectors, throttle
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.forms import add_errors
from nav_sikkerhet.core.models import UnitType

from . import lookup, services
from .lookup_forms import BreachForm, NameLookupForm, PersonidentLookupForm
from .models import BreachChannel

SEARCH_BY_IDENT, SEARCH_BY_NAME = "ident", "name"


def _answer_page(request, answer):
    return render(request, "utestenging/lookup/answer.html", {"answer": answer})


def _throttled_page(request, throttled: throttle.Throttled, context: dict | None = None):
    context = {"ident_form": PersonidentLookupForm(), "name_form": NameLookupForm(prefix="navn"), **(context or {})}
    return throttle.throttled_response(request, throttled, "utestenging/lookup/search.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def search(request):
    unit_ids = lookup.lookup_unit_ids(request.user)
    mode = request.POST.get("search") if request.method == "POST" else None
    ident_form = PersonidentLookupForm(request.POST if mode == SEARCH_BY_IDENT else None)
    name_form = NameLookupForm(request.POST if mode == SEARCH_BY_NAME else None, prefix="navn")
    context = {"ident_form": ident_form, "name_form": name_form, "mode": mode}
    searching = (mode == SEARCH_BY_IDENT and ident_form.is_valid()) or (mode == SEARCH_BY_NAME and name_form.is_valid())
    if searching and (throttled := throttle.lookup_hit(request)):
        return _throttled_page(request, throttled, {"mode": mode})
    if mode == SEARCH_BY_IDENT and ident_form.is_valid():
        answer = lookup.look_up(
            user=request.user, unit_ids=unit_ids, personident=ident_form.cleaned_data["personident"], request=request
        )
        if answer is not None:
            return _answer_page(request, answer)
        context["no_hit"] = True
        context["ident_form"] = PersonidentLookupForm()
    elif mode == SEARCH_BY_NAME and name_form.is_valid():
        results = selectors.name_search(
            user=request.user, name=name_form.cleaned_data["name"], birth_date=name_form.cleaned_data["birth_date"],
            request=request,
        )
        if len(results) == 1:
            # One match is the person at the desk: open them at once, alert included, as a search by number does.
            answer = lookup.lookup_answer(user=request.user, citizen=results[0], unit_ids=unit_ids, request=request)
            return _answer_page(request, answer)
        context["results"] = results
    if mode == SEARCH_BY_NAME:
        # Leave the focus where the name search was, not on the identity-number field.
        ident_form.fields["personident"].widget.attrs.pop("autofocus", None)
    return render(request, "utestenging/lookup/search.html", context)


@login_required
@require_GET
def person(request, public_id):
    unit_ids = lookup.lookup_unit_ids(request.user)
    if throttled := throttle.lookup_hit(request):
        return _throttled_page(request, throttled)
    answer = lookup.look_up(user=request.user, unit_ids=unit_ids, public_id=public_id, request=request)
    if answer is None:
        raise Http404
    return _answer_page(request, answer)


def _default_channel(user) -> str:
    """Phone for the contact centre, in person for everyone else."""
    units = access.units_with_perm(user, Perm.LOOKUP_MEASURES)
    if units.exists() and not units.exclude(unit_type=UnitType.KONTAKTSENTER).exists():
        return BreachChannel.PHONE
    return BreachChannel.IN_PERSON


@login_required
@require_http_methods(["GET", "POST"])
def breach(request, public_id):
    decision = lookup.decision_for_breach(user=request.user, public_id=public_id)
    # The form names the person, so it counts against the same throttle as every other look-up.
    if throttled := throttle.lookup_hit(request):
        return _throttled_page(request, throttled)
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


@login_required
@require_GET
def breach_done(request, public_id):
    registered = lookup.breach_for_user(user=request.user, public_id=public_id)
    linked = incident_selectors.incident_of_breach(registered.pk)
    return render(
        request,
        "utestenging/lookup/breach_done.html",
        {"breach": registered, "decision": registered.decision,
         "may_register_incident": access.has_perm_anywhere(request.user, Perm.REGISTER_INCIDENT),
         "linked_incident": linked,
         "may_view_incident": linked is not None and incident_rules.may_view(request.user, linked)},
    )


# How a breach was made, as where the incident happened.
BREACH_TO_INCIDENT_CHANNEL = {BreachChannel.IN_PERSON: Channel.RECEPTION, BreachChannel.PHONE: Channel.PHONE}


@login_required
@require_POST
def breach_incident(request, public_id):
    """Register the breach as an incident: the incident form opens pre-filled (the data waits in the session)."""
    registered = lookup.breach_for_user(user=request.user, public_id=public_id)
    units = access.units_with_perm(request.user, Perm.REGISTER_INCIDENT).filter(is_active=True).order_by("number")
    unit = units.filter(pk__in=registered.decision.covered_units.values("pk")).first() or units.first()
    if unit is None:
        raise Http404
    token = prefill.store(
        request.session, unit_id=unit.pk, citizen_id=registered.decision.citizen_id, breach_id=registered.pk,
        occurred_at=registered.occurred_at, channel=BREACH_TO_INCIDENT_CHANNEL[registered.channel],
        description=registered.description,
    )
    return redirect(f"{reverse('hendelser:create')}?{urlencode({'utkast': token})}")
