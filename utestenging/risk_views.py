"""The risk check before a meeting or home visit (/utestenging/risikosjekk/<citizen>/).

The person is addressed by the citizen's opaque public_id, reached from the look-up or a case; the page
shows the measures in force (as the look-up does) and the incidents the user may see anyway, writes one
audit line, and counts against the look-up throttle like every other page that names a person.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nav_sikkerhet.core import throttle
from nav_sikkerhet.core.forms import add_errors

from . import forms, lookup, rules, selectors, services
from .lookup_forms import NameLookupForm, PersonidentLookupForm


@login_required
@require_http_methods(["GET", "POST"])
def risk_check(request, public_id):
    units = selectors.risk_check_units(request.user)
    citizen = lookup.citizen_by_public_id(public_id)
    if throttled := throttle.lookup_hit(request):
        context = {"ident_form": PersonidentLookupForm(), "name_form": NameLookupForm(prefix="navn")}
        return throttle.throttled_response(request, throttled, "utestenging/lookup/search.html", context)
    form = forms.RiskCheckForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.risk_check_record(by=request.user, citizen_id=citizen.pk, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            messages.success(request, _("The risk check is kept with the citizen: %(recommendation)s.")
                             % {"recommendation": check.get_recommendation_display()})
            return redirect("utestenging:risk_check", public_id=citizen.public_id)
    selectors.audit_risk_check(user=request.user, citizen=citizen, request=request)
    checks = [
        (check, [rules.RISK_REASONS[key] for key in check.reasons if key in rules.RISK_REASONS])
        for check in selectors.risk_checks_of(user=request.user, citizen=citizen)[:20]
    ]
    return render(request, "utestenging/risk_check.html", {
        "citizen": citizen,
        "form": form,
        "measures": lookup.measures_in_force(citizen_id=citizen.pk),
        "incidents": selectors.risk_check_incidents(user=request.user, citizen_id=citizen.pk),
        "checks": checks,
    })
