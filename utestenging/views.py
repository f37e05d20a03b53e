"""Thin views: parse input, call a selector or service, turn domain errors into form errors."""

import io
import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from hendelser import selectors as incident_selectors
from hendelser import services as incident_services
from nav_sikkerhet.core import access, letter_pages, throttle
from nav_sikkerhet.core import selectors as core_selectors
from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.forms import add_errors
from nav_sikkerhet.core.models import Citizen, User

from . import forms, letters, lookup, rules, selectors, services, workflow
from .guidance import GUIDANCE
from .lookup_forms import NameLookupForm
from .models import (
    EDITABLE_STATUSES,
    Decision,
    Kind,
    RegistrationKind,
    ServiceComplaint,
    SignedAs,
    Status,
)

logger = logging.getLogger(__name__)

# Lazy: built once at import, shown in the language of each request.
STEPS = [
    ("grunnlag", gettext_lazy("Grounds and facts")),
    ("vurderinger", gettext_lazy("Assessments")),
    ("omfang", gettext_lazy("Scope and alternative service")),
    ("periode", gettext_lazy("Period")),
]


def _detail(decision) -> str:
    return reverse("utestenging:detail", args=[decision.public_id])


def _refused(request, decision, error: PermissionDenied):
    messages.error(request, str(error) or _("You may not do this."))
    return redirect(_detail(decision))


# The overview's lists by their ?vis= key, with the headings the page gives them.
OVERVIEW_LISTS = {
    "ready": gettext_lazy("Ready to sign"),
    "expiring": gettext_lazy("Expiring within 3 weeks: assess extension"),
    "awaiting_statement": gettext_lazy("Awaiting the citizen's statement"),
    "drafts": gettext_lazy("Drafts"),
    "active": gettext_lazy("In force or signed"),
    "recently_expired": gettext_lazy("Recently expired"),
    "missing_registrations": gettext_lazy("Missing registrations (Gosys, archive, ASYS, municipal system)"),
    "unanswered_complaints": gettext_lazy("Unanswered service complaints"),
    "undelivered": gettext_lazy("Written decisions not yet delivered"),
    "channel_shut": gettext_lazy("In force with no open alternative channel"),
}
OVERVIEW_PAGE = "utestenging.overview"


@login_required
def overview(request):
    if not access.has_perm_anywhere(request.user, Perm.VIEW_DECISIONS):
        raise Http404
    form = forms.OverviewFilterForm(
        request.GET or None, lists=list(OVERVIEW_LISTS.items()), leaders=selectors.overview_leaders(request.user)
    )
    filters, shown = selectors.OverviewFilter(), ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.OverviewFilter(
            status=data["status"], kind=data["kind"], leader_id=data["leader"].pk if data["leader"] else None
        )
        shown = data["vis"]
    # Breaches registered since the leader last opened this page, then this visit becomes the last.
    since = core_services.page_seen(user=request.user, page=OVERVIEW_PAGE)
    return render(
        request,
        "utestenging/overview.html",
        {
            "overview": selectors.overview(user=request.user, filters=filters),
            "filter_form": form,
            "filtered": filters != selectors.OverviewFilter() or bool(shown),
            "shown": shown,
            "breaches": selectors.breaches_since(user=request.user, since=since),
            "since": since,
            "may_create": access.has_perm_anywhere(request.user, Perm.PREPARE_DECISION),
        },
    )


def _proposing_incident(request):
    """The incident whose measure proposed this decision (?hendelse=<public id>), if the user prepares decisions
    in its unit and the person is known; 404 otherwise. None when no incident is named."""
    public_id = request.GET.get("hendelse")
    if not public_id:
        return None
    incident = incident_selectors.incident_by_public_id(public_id)
    if incident is None or incident.citizen_id is None or not access.has_unit_perm(
        request.user, Perm.PREPARE_DECISION, incident.unit
    ):
        raise Http404
    return incident


def _confirmed(data, citizen):
    """The posted data, marked as having shown this citizen's existing cases: the next submit opens the draft."""
    data = data.copy()
    data["confirm_existing"] = str(citizen.public_id)
    return data


def _needs_warning(existing, form, citizen) -> bool:
    """Whether the citizen has cases the form was not submitted from a page showing."""
    return bool(existing) and form.cleaned_data["confirm_existing"] != str(citizen.public_id)


def _case_created(request, decision):
    messages.success(request, _("Case %(case)s created.") % {"case": decision.case_number})
    return redirect(reverse("utestenging:edit", args=[decision.public_id, STEPS[0][0]]))


def _create_from_incident(request, incident):
    existing = selectors.existing_cases(user=request.user, citizen_id=incident.citizen_id)
    form = forms.NewDecisionFromIncidentForm(
        request.POST or None,
        initial={
            "kind": request.GET.get("type"),
            "confirm_existing": str(incident.citizen.public_id) if existing else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        if _needs_warning(existing, form, incident.citizen):
            form = forms.NewDecisionFromIncidentForm(_confirmed(request.POST, incident.citizen))
        else:
            try:
                with transaction.atomic():
                    decision = services.decision_create(
                        by=request.user, citizen=incident.citizen, unit=incident.unit,
                        kind=form.cleaned_data["kind"], incidents=[incident],
                    )
                    # The draft answers the review's proposal: its signing or dropping is the proposal's outcome.
                    proposal = incident_selectors.open_proposal(incident, request.GET.get("forslag"))
                    if proposal is not None:
                        incident_services.proposal_link_decision(by=request.user, proposal_id=proposal.pk,
                                                                 decision=decision)
            except ValidationError as error:
                add_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                return _case_created(request, decision)
    incident_selectors.audit_incident_display(user=request.user, incident=incident, request=request,
                                              action="decision.create_from_incident")
    return render(
        request, "utestenging/create.html",
        {"form": form, "incident": incident, "citizen": incident.citizen, "existing": existing}
    )


def _create_for_citizen(request, citizen, units):
    """A new case about a citizen found by name and date of birth: their existing cases show above the form."""
    if throttled := throttle.lookup_hit(request):
        context = {"form": forms.NewDecisionForm(units=units), "name_form": NameLookupForm(prefix="navn")}
        return throttle.throttled_response(request, throttled, "utestenging/create.html", context)
    existing = selectors.existing_cases(user=request.user, citizen_id=citizen.pk)
    form = forms.NewDecisionForCitizenForm(
        request.POST or None, units=units, initial={"confirm_existing": str(citizen.public_id) if existing else ""}
    )
    if request.method == "POST" and form.is_valid():
        if _needs_warning(existing, form, citizen):
            form = forms.NewDecisionForCitizenForm(_confirmed(request.POST, citizen), units=units)
        else:
            try:
                decision = services.decision_create(
                    by=request.user, citizen=citizen, unit=form.cleaned_data["unit"], kind=form.cleaned_data["kind"]
                )
            except ValidationError as error:
                add_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                return _case_created(request, decision)
    selectors.audit_citizen_for_new_case(user=request.user, citizen=citizen, request=request)
    return render(
        request, "utestenging/create.html", {"form": form, "citizen": citizen, "existing": existing, "chosen": True}
    )


SEARCH_BY_NAME = "name"


def _chosen_citizen(public_id: str) -> Citizen:
    """The citizen picked from the name search (?person=<public id>), or 404."""
    try:
        uuid.UUID(public_id)
    except ValueError:
        raise Http404 from None
    return lookup.citizen_by_public_id(public_id)


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    units = access.units_with_perm(request.user, Perm.PREPARE_DECISION)
    if not units.exists():
        raise Http404
    incident = _proposing_incident(request)
    if incident is not None:
        return _create_from_incident(request, incident)
    if request.GET.get("person"):
        return _create_for_citizen(request, _chosen_citizen(request.GET["person"]), units)
    by_name = request.method == "POST" and request.POST.get("search") == SEARCH_BY_NAME
    name_form = NameLookupForm(request.POST if by_name else None, prefix="navn")
    form = forms.NewDecisionForm(request.POST if request.method == "POST" and not by_name else None, units=units)
    context = {"form": form, "name_form": name_form, "by_name": by_name}
    if by_name:
        if name_form.is_valid():
            if throttled := throttle.lookup_hit(request):
                return throttle.throttled_response(request, throttled, "utestenging/create.html", context)
            # Reception's search: its rule, its audit line naming everyone shown, its throttle.
            context["results"] = core_selectors.name_search(
                user=request.user, name=name_form.cleaned_data["name"],
                birth_date=name_form.cleaned_data["birth_date"], request=request,
            )
    elif request.method == "POST" and form.is_valid():
        # The person is resolved only now that every other field is valid, and counts as a look-up.
        if throttled := throttle.lookup_hit(request):
            return throttle.throttled_response(request, throttled, "utestenging/create.html", context)
        data = form.cleaned_data
        try:
            with transaction.atomic():
                citizen = Citizen.objects.filter(personident=data["personident"]).first()
                existing = citizen and selectors.existing_cases(user=request.user, citizen_id=citizen.pk)
                if _needs_warning(existing, form, citizen):
                    # Warn before the draft opens; the next submit (with the flag) opens it.
                    selectors.audit_citizen_for_new_case(user=request.user, citizen=citizen, request=request)
                    context.update(
                        form=forms.NewDecisionForm(_confirmed(request.POST, citizen), units=units),
                        citizen=citizen,
                        existing=existing,
                    )
                    return render(request, "utestenging/create.html", context)
                if citizen is None:
                    citizen = core_services.citizen_create(
                        by=request.user,
                        personident=data["personident"],
                        name=data["name"],
                        address=data["address"],
                        postal_code=data["postal_code"],
                        postal_city=data["postal_city"],
                        preferred_language=data["preferred_language"],
                    )
                decision = services.decision_create(
                    by=request.user, citizen=citizen, unit=data["unit"], kind=data["kind"]
                )
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return _case_created(request, decision)
    return render(request, "utestenging/create.html", context)


def _may_fix(user, decision) -> bool:
    """Whether the checklist links its missing items to the fields that put them right."""
    return decision.status in EDITABLE_STATUSES and rules.may_prepare(user, decision)


@login_required
def detail(request, public_id):
    decision = selectors.decision_for_display(user=request.user, public_id=public_id, request=request)
    registrations = list(decision.registrations.select_related("done_by"))
    return render(
        request,
        "utestenging/detail.html",
        {
            "decision": decision,
            "facts": decision.facts.select_related("incident"),
            "warnings": incident_selectors.warnings_of(citizen_id=decision.citizen_id),
            "ladder_measures": [m for m in services.ladder_measures_of(decision.citizen_id) if m.pk != decision.pk],
            "channels": decision.channels.all(),
            "covered_units": decision.covered_units.all(),
            "checklist": services.decision_checklist(decision),
            "events": selectors.timeline(decision),
            "registrations": registrations,
            "missing_registrations": [
                RegistrationKind(k).label for k in selectors.missing_registrations(decision, registrations)
            ],
            "complaints": decision.complaints.select_related("answered_by"),
            "extensions": decision.extensions.all(),
            "letters": selectors.letters_of(decision),
            "may_prepare": rules.may_prepare(request.user, decision),
            "may_sign": rules.may_sign(request.user, decision),
            "signer_text": services.signer_text(decision) if decision.signed_as else "",
            "editable": decision.status in EDITABLE_STATUSES,
            "may_fix": _may_fix(request.user, decision),
            "steps": STEPS,
            "Status": Status,
            "guidance": GUIDANCE,
        },
    )


def _step_forms(request, decision, step):
    data = request.POST if request.method == "POST" else None
    if step == "grunnlag":
        facts = [{"occurred_on": f.occurred_on, "description": f.description, "serious": f.serious,
                  "incident": f.incident_id} for f in decision.facts.all()]
        incidents = incident_selectors.incidents_about(citizen_id=decision.citizen_id, unit_ids=[decision.unit_id])
        used = {f["incident"] for f in facts if f["incident"]}
        return {
            "form": forms.GroundsForm(data, instance=decision),
            "facts": forms.FactFormSet(data, initial=facts, prefix="facts", form_kwargs={"incidents": incidents}),
            "pick": forms.IncidentPickForm(data, incidents=incidents.exclude(pk__in=used), prefix="pick"),
            "warnings": forms.WarningFormSet(data, prefix="warnings"),
        }
    if step == "vurderinger":
        return {
            "form": forms.AssessmentForm(data, instance=decision),
            "alternatives": forms.AlternativeAssessmentFormSet(
                data, initial=forms.alternative_rows_initial(decision.alternative_assessments.all()),
                prefix="alternatives",
                form_kwargs={"warnings": incident_selectors.warnings_of(citizen_id=decision.citizen_id),
                             "measures": services.ladder_measures_of(decision.citizen_id)},
            ),
        }
    if step == "omfang":
        channel_fields = ["channel", "person_name", "phone", "times", "address", "place", "note"]
        channels = [{**{f: getattr(c, f) for f in channel_fields}, "unit": c.unit_id} for c in decision.channels.all()]
        unit_staff = User.objects.filter(role_assignments__unit=decision.unit, is_active=True).distinct()
        leaders = unit_staff.filter(role_assignments__role__in=list(access.LEADER_ROLES)).distinct()
        return {
            "form": forms.ScopeForm(data, instance=decision, leaders=leaders, staff=unit_staff),
            "channels": forms.ChannelFormSet(data, initial=channels, prefix="channels"),
        }
    if step == "periode":
        return {"form": forms.PeriodForm(data, instance=decision)}
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, public_id, step):
    decision = selectors.decision_for_visible(user=request.user, public_id=public_id)
    if not rules.may_prepare(request.user, decision):
        raise Http404
    if decision.status not in EDITABLE_STATUSES:
        messages.error(request, _("A signed or closed decision cannot be changed; it can be lifted or extended."))
        return redirect(_detail(decision))
    step_names = [name for name, _label in STEPS]
    if step not in step_names:
        raise Http404
    bound = _step_forms(request, decision, step)
    if request.method == "POST" and all(f.is_valid() for f in bound.values()):
        form = bound["form"]
        fields = {name: form.cleaned_data[name] for name in form.fields}
        extra = {name: forms.formset_rows(bound[name]) for name in ("facts", "channels") if name in bound}
        if "warnings" in bound:
            extra["new_warnings"] = forms.formset_rows(bound["warnings"])
        if "alternatives" in bound:
            extra["alternative_assessments"] = bound["alternatives"].rows()
        if "pick" in bound:
            extra["facts"] += [{**rules.fact_from_incident(incident), "incident": incident}
                               for incident in bound["pick"].cleaned_data["add_incidents"]]
        try:
            services.decision_update(by=request.user, decision_id=decision.pk, **fields, **extra)
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            return _refused(request, decision, error)
        else:
            messages.success(request, _("Saved."))
            index = step_names.index(step)
            if "add_more" in request.POST:
                return redirect(request.path)
            if index + 1 < len(step_names) and "save_next" in request.POST:
                return redirect(reverse("utestenging:edit", args=[decision.public_id, step_names[index + 1]]))
            return redirect(_detail(decision))
    # Logged when the page is shown; a successful POST redirects and shows nothing.
    selectors.audit_decision_display(user=request.user, decision=decision, request=request, action="decision.edit")
    return render(
        request,
        "utestenging/edit.html",
        {
            "decision": decision,
            "step": step,
            "steps": STEPS,
            "guidance": GUIDANCE,
            **bound,
            "recorded_warnings": incident_selectors.warnings_of(citizen_id=decision.citizen_id)
            if step == "grunnlag" else [],
            "is_last": step == step_names[-1],
        },
    )


# The decision's fields as the notice page's forms name them, so an error lands on the field it is about.
NOTICE_FIELDS = {"notice_sent_on": "sent_on", "notice_deadline": "deadline", "notice_not_possible_kind": "kind",
                 "notice_not_possible_reason": "reason", "statement_received_on": "received_on",
                 "notice_method": "method", "notice_short_deadline_kind": "short_deadline_kind",
                 "notice_short_deadline_reason": "short_deadline_reason"}


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(field, field): errors for field, errors in error.error_dict.items()})


@login_required
@require_http_methods(["GET", "POST"])
def notice(request, public_id):
    decision = selectors.decision_for_visible(user=request.user, public_id=public_id)
    if not rules.may_prepare(request.user, decision):
        raise Http404
    sent = forms.NoticeSentForm(request.POST if request.POST.get("action") == "sent" else None, prefix="sent")
    not_possible = forms.NoticeNotPossibleForm(
        request.POST if request.POST.get("action") == "not_possible" else None, prefix="np"
    )
    statement = forms.StatementForm(request.POST if request.POST.get("action") == "statement" else None, prefix="st")
    for action, form in (("sent", sent), ("not_possible", not_possible), ("statement", statement)):
        if request.POST.get("action") != action or not form.is_valid():
            continue
        data = form.cleaned_data
        try:
            if action == "sent":
                services.decision_send_notice(
                    by=request.user,
                    decision_id=decision.pk,
                    sent_on=data["sent_on"],
                    method=data["method"],
                    deadline=data["deadline"],
                    short_deadline_kind=data["short_deadline_kind"],
                    short_deadline_reason=data["short_deadline_reason"],
                )
            elif action == "not_possible":
                services.decision_notice_not_possible(
                    by=request.user, decision_id=decision.pk, kind=data["kind"], reason=data["reason"]
                )
            else:
                services.decision_record_statement(
                    by=request.user,
                    decision_id=decision.pk,
                    received=data["received"],
                    statement=data["statement"],
                    received_on=data["received_on"],
                )
        except ValidationError as error:
            add_errors(form, _renamed(error, NOTICE_FIELDS))
        except PermissionDenied as error:
            return _refused(request, decision, error)
        else:
            messages.success(request, _("Advance notice updated."))
            return redirect(_detail(decision))
    # Logged when the page is shown; a successful POST redirects and shows nothing.
    selectors.audit_decision_display(user=request.user, decision=decision, request=request, action="decision.notice")
    return render(
        request,
        "utestenging/notice.html",
        {
            "decision": decision,
            "sent_form": sent,
            "not_possible_form": not_possible,
            "statement_form": statement,
            "guidance": GUIDANCE,
            "Status": Status,
        },
    )


def _decision_for_action(request, public_id) -> Decision:
    """The decision behind a POST-only action: 404 unless visible; nothing is displayed, so no audit line."""
    return selectors.decision_for_visible(user=request.user, public_id=public_id)


def _simple_action(request, public_id, service, success):
    decision = _decision_for_action(request, public_id)
    try:
        service(by=request.user, decision_id=decision.pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except PermissionDenied as error:
        return _refused(request, decision, error)
    else:
        messages.success(request, success)
    return redirect(_detail(decision))


@login_required
@require_POST
def mark_ready(request, public_id):
    return _simple_action(request, public_id, services.decision_mark_ready, _("Sent to the leader for decision."))


@login_required
@require_POST
def reopen(request, public_id):
    return _simple_action(request, public_id, services.decision_reopen, _("Sent back to draft."))


@login_required
@require_POST
def extend(request, public_id):
    decision = _decision_for_action(request, public_id)
    try:
        new = services.decision_start_extension(by=request.user, decision_id=decision.pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_detail(decision))
    except PermissionDenied as error:
        return _refused(request, decision, error)
    messages.success(
        request, _("Extension %(case)s started. Make a new assessment of the risk.") % {"case": new.case_number}
    )
    return redirect(reverse("utestenging:edit", args=[new.public_id, "vurderinger"]))


def _form_action(request, public_id, *, allowed, form_class, template, action, call, success, extra=None,
                 form_kwargs=None, overtaken=None):
    """A page with one form that calls one service with the decision and the form's data. ``overtaken`` answers
    a refused transition (someone else changed the case while the form was open) instead of the form error."""
    decision = selectors.decision_for_visible(user=request.user, public_id=public_id)
    if not allowed(request.user, decision):
        raise Http404
    form = form_class(request.POST or None, **(form_kwargs(decision) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        try:
            call(decision, form.cleaned_data)
        except workflow.InvalidTransition as error:
            if overtaken is None:
                add_errors(form, error)
            else:
                return overtaken(decision)
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            return _refused(request, decision, error)
        else:
            messages.success(request, success(decision) if callable(success) else success)
            return redirect(_detail(decision))
    context = {"decision": decision, "form": form, "guidance": GUIDANCE}
    context.update(extra(decision) if extra else {})
    # Logged when the page is shown; a successful POST redirects and shows nothing.
    selectors.audit_decision_display(user=request.user, decision=decision, request=request, action=action)
    return render(request, template, context)


def _sign_overtaken(request, decision):
    """Two leaders signed at once and this one came second (or the case left "ready" while the page was open):
    say what happened to the case instead of a transition error there is nothing to fix in."""
    decision = Decision.objects.select_related("signed_by").get(pk=decision.pk)
    if decision.signed_at:
        signer = decision.signed_by
        messages.info(request, _("The decision was just signed by %(name)s on %(date)s at %(time)s. "
                                 "Your signature was not needed.") % {
            "name": signer.get_full_name() or signer.username,
            "date": f"{timezone.localtime(decision.signed_at):%d.%m.%Y}",
            "time": f"{timezone.localtime(decision.signed_at):%H:%M}",
        })
    else:
        messages.info(request, _("The case changed while you had it open: it is now «%(status)s» and cannot be "
                                 "signed as it is.") % {"status": decision.get_status_display()})
    return redirect(_detail(decision))


@login_required
@require_http_methods(["GET", "POST"])
def sign(request, public_id):
    def call(decision, data):
        services.decision_sign(by=request.user, decision_id=decision.pk, **data)

    def extra(decision):
        return {
            "checklist": services.decision_checklist(decision),
            "others": services.other_measures(decision),
            "facts": decision.facts.select_related("incident"),
            "warnings": incident_selectors.warnings_of(citizen_id=decision.citizen_id),
            "ladder_measures": [m for m in services.ladder_measures_of(decision.citizen_id) if m.pk != decision.pk],
            "channels": decision.channels.all(),
            "channel_states": (states := services.channel_states(decision)),
            "channels_open": any(state.open and rules.channel_complete(state.channel) for state in states),
            "shuts_others": services.cases_shut_by_signing(decision),
            "covered_units": decision.covered_units.all(),
            "may_sign": rules.may_sign(request.user, decision),
            "may_fix": _may_fix(request.user, decision),
            "not_to_citizen": rules.texts_not_to_citizen(letters.quoted_texts(decision)),
        }

    return _form_action(
        request,
        public_id,
        allowed=rules.may_sign,
        overtaken=lambda decision: _sign_overtaken(request, decision),
        form_class=forms.SignForm,
        template="utestenging/sign.html",
        action="decision.sign",
        call=call,
        success=_("The decision is signed."),
        extra=extra,
        form_kwargs=lambda decision: {"acting": services.capacity_of(request.user, decision.unit) == SignedAs.ACTING},
    )


@login_required
@require_http_methods(["GET", "POST"])
def delivery(request, public_id):
    def call(decision, data):
        services.decision_record_delivery(by=request.user, decision_id=decision.pk, **data)

    return _form_action(
        request,
        public_id,
        allowed=rules.may_prepare,
        form_class=forms.DeliveryForm,
        template="utestenging/action_form.html",
        action="decision.delivery",
        call=call,
        success=_("Delivery of the written decision recorded."),
        extra=lambda d: {"title": _("Record that the written decision was delivered"), "submit": _("Save"),
                         "help": GUIDANCE["delivery"]},
    )


@login_required
def sign_preview(request, public_id):
    """The decision letter the leader is about to sign, as PDF in the citizen's language, marked as a draft."""
    decision = selectors.decision_for_visible(user=request.user, public_id=public_id)
    if not rules.may_sign(request.user, decision) or decision.status not in EDITABLE_STATUSES:
        raise Http404
    try:
        pdf = letters.html_to_pdf(letters.render_html(letters.draft_letter(decision, request.user), draft=True))
    except Exception:  # noqa: BLE001 - the signing page still shows every text; the preview is an aid
        logger.exception("Draft letter for decision %s could not be produced", decision.pk)
        messages.error(request, _("The letter preview could not be produced. Try again in a moment."))
        return redirect(reverse("utestenging:sign", args=[decision.public_id]))
    selectors.audit_decision_display(user=request.user, decision=decision, request=request, action="letter.preview")
    name = f"{decision.case_number}-utkast-{decision.letter_language}.pdf"
    return FileResponse(io.BytesIO(pdf), filename=name, content_type="application/pdf")


@login_required
@require_http_methods(["GET", "POST"])
def lift(request, public_id):
    def call(decision, data):
        services.decision_lift(
            by=request.user, decision_id=decision.pk, lifted_on=data["lifted_on"], reason=data["reason"]
        )

    return _form_action(
        request,
        public_id,
        allowed=rules.may_sign,
        overtaken=lambda decision: _sign_overtaken(request, decision),
        form_class=forms.LiftForm,
        template="utestenging/action_form.html",
        action="decision.lift",
        call=call,
        success=lambda d: _("The decision is lifted.") if Kind(d.kind).exclusion
        else _("The measure «%(kind)s» is lifted.") % {"kind": d.get_kind_display()},
        extra=lambda d: {"title": _("Lift decision"), "submit": _("Lift decision")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def drop(request, public_id):
    def call(decision, data):
        services.decision_drop(by=request.user, decision_id=decision.pk, reason=data["reason"])

    return _form_action(
        request,
        public_id,
        allowed=rules.may_sign,
        overtaken=lambda decision: _sign_overtaken(request, decision),
        form_class=forms.DropForm,
        template="utestenging/action_form.html",
        action="decision.drop",
        call=call,
        success=_("The case is closed without a decision."),
        extra=lambda d: {"title": _("Close without a decision"), "submit": _("Close the case")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration(request, public_id):
    def call(decision, data):
        services.registration_record(by=request.user, decision_id=decision.pk, **data)

    return _form_action(
        request,
        public_id,
        allowed=rules.may_prepare,
        form_class=forms.RegistrationForm,
        template="utestenging/action_form.html",
        action="decision.registration",
        call=call,
        success=_("Registration recorded."),
        extra=lambda d: {"title": _("Record registration"), "submit": _("Save"), "help": GUIDANCE["registrations"]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint(request, public_id):
    def call(decision, data):
        services.complaint_register(by=request.user, decision_id=decision.pk, **data)

    return _form_action(
        request,
        public_id,
        allowed=rules.may_prepare,
        form_class=forms.ComplaintForm,
        template="utestenging/action_form.html",
        action="decision.complaint",
        call=call,
        success=_("Service complaint recorded."),
        extra=lambda d: {"title": _("Record service complaint"), "submit": _("Save")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_answer(request, public_id, complaint_id):
    def call(decision, data):
        if not ServiceComplaint.objects.filter(pk=complaint_id, decision=decision).exists():
            raise Http404
        services.complaint_answer(by=request.user, complaint_id=complaint_id, **data)

    return _form_action(
        request,
        public_id,
        allowed=rules.may_sign,
        overtaken=lambda decision: _sign_overtaken(request, decision),
        form_class=forms.ComplaintAnswerForm,
        template="utestenging/action_form.html",
        action="decision.complaint_answer",
        call=call,
        success=_("Answer recorded."),
        extra=lambda d: {"title": _("Record the written answer"), "submit": _("Save")},
    )


# --- Letters: status, download of the archived file, retry ---

def _letter_status_url(letter) -> str:
    return reverse("utestenging:letter_status", args=[letter.decision.public_id, letter.pk])


def _letter_status_page(request, letter, *, problem: str = ""):
    return letter_pages.status_page(
        request, letter, template="utestenging/letter_status.html", context={"decision": letter.decision},
        may_retry=rules.may_prepare(request.user, letter.decision), problem=problem, download_kind=letter.kind,
        download_url=reverse("utestenging:letter_download", args=[letter.decision.public_id, letter.pk]),
        retry_url=reverse("utestenging:letter_retry", args=[letter.decision.public_id, letter.pk]),
    )


@login_required
def letter_status(request, public_id, letter_id):
    """Whether a letter is being produced, ready (with its link) or failed (with a retry button)."""
    letter = selectors.letter_for_visible(user=request.user, public_id=public_id, letter_id=letter_id)
    return _letter_status_page(request, letter)


@login_required
def letter_download(request, public_id, letter_id):
    """The archived PDF exactly as stored at signing, checked against its SHA-256."""
    letter = selectors.letter_for_visible(user=request.user, public_id=public_id, letter_id=letter_id)
    return letter_pages.checked_download(
        letter, status_url=_letter_status_url(letter), filename=letters.filename(letter),
        page=lambda problem: _letter_status_page(request, letter, problem=problem),
        audit=lambda: selectors.audit_decision_display(
            user=request.user, decision=letter.decision, request=request, action="letter.download"
        ),
    )


@login_required
@require_POST
def letter_retry(request, public_id, letter_id):
    letter = selectors.letter_for_visible(user=request.user, public_id=public_id, letter_id=letter_id)
    if not rules.may_prepare(request.user, letter.decision):
        raise Http404
    try:
        services.letter_retry(by=request.user, letter_id=letter.pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except PermissionDenied:
        raise Http404 from None
    return redirect(_letter_status_url(letter))


# --- The reception list: who may not come in today, printable and as PDF ---


@login_required
def reception_list(request, unit_number):
    data = selectors.reception_list(user=request.user, unit_number=unit_number, request=request)
    return render(request, "utestenging/reception_list.html", {"list": data})


@login_required
def reception_list_pdf(request, unit_number):
    data = selectors.reception_list(user=request.user, unit_number=unit_number, request=request)
    try:
        html = render_to_string(
            "utestenging/reception_list_pdf.html", {"list": data, "fonts": letters.font_urls()}, request=request
        )
        pdf = letters.html_to_pdf(html)
    except Exception:  # noqa: BLE001 - the HTML list is always there to print instead
        logger.exception("Reception list PDF for unit %s could not be produced", unit_number)
        messages.error(request, _("The PDF could not be produced. Print this page instead."))
        return redirect(reverse("utestenging:reception_list", args=[unit_number]))
    name = f"mottaksliste-{data.unit.number}-{data.day:%Y-%m-%d}.pdf"
    return FileResponse(io.BytesIO(pdf), as_attachment=True, filename=name, content_type="application/pdf")
