"""Thin views: parse input, call a selector or service, turn domain errors into form errors."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nav_sikkerhet.core import access, letter_pages, throttle
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.forms import add_errors
from nav_sikkerhet.core.models import Citizen

from . import exports, forms, prefill, rules, selectors, services, statistics, workflow
from .models import (
    PROPOSAL_MEASURES,
    WARNING_PROPOSALS,
    ExposedPerson,
    Perpetrator,
    ProposalKind,
    Status,
)

logger = logging.getLogger(__name__)


def _detail(incident) -> str:
    return reverse("hendelser:detail", args=[incident.public_id])


def _filters(form) -> selectors.IncidentFilter:
    data = form.cleaned_data
    return selectors.IncidentFilter(
        unit_ids=(data["unit"].pk,) if data.get("unit") else (),
        status=data.get("status", ""),
        category=data.get("category", ""),
        channel=data.get("channel", ""),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@login_required
@require_GET
def incident_list(request):
    may_register = access.has_perm_anywhere(request.user, Perm.REGISTER_INCIDENT)
    units = access.units_with_perm(request.user, Perm.VIEW_INCIDENTS)
    if not (may_register or units.exists()):
        raise Http404
    form = forms.FilterForm(request.GET or None, units=units.order_by("number"))
    filters = _filters(form) if form.is_valid() else selectors.IncidentFilter()
    incidents = selectors.incident_list(user=request.user, filters=filters)
    shown = list(incidents[: selectors.LIST_LIMIT + 1])
    return render(
        request,
        "hendelser/list.html",
        {
            "form": form,
            "incidents": shown[: selectors.LIST_LIMIT],
            "truncated": len(shown) > selectors.LIST_LIMIT,
            "may_register": may_register,
            "review_units": selectors.review_units(request.user),
            "export_query": request.GET.urlencode(),
            "limit": selectors.LIST_LIMIT,
        },
    )


@login_required
@require_GET
def export(request):
    units = access.units_with_perm(request.user, Perm.VIEW_INCIDENTS)
    if not units.exists():
        raise Http404
    form = forms.FilterForm(request.GET, units=units.order_by("number"))
    if not form.is_valid():
        messages.error(request, _("Check the filters and try again."))
        return redirect("hendelser:list")
    incidents = selectors.incident_list(user=request.user, filters=_filters(form)).filter(unit__in=units)
    kind = request.GET.get("format", "csv")
    if kind not in exports.FORMATS:
        raise Http404
    content, content_type = exports.export(incidents, kind, health_unit_ids=rules.health_unit_ids(request.user))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="hendelser-{timezone.localdate():%Y-%m-%d}.{kind}"'
    return response


def _registration_units(user):
    units = access.units_with_perm(user, Perm.REGISTER_INCIDENT).filter(is_active=True).order_by("number")
    if not units.exists():
        raise Http404
    return units


def _perpetrator(request, form):
    """The citizen the form points at: from the pre-filled draft, or found (or registered) from what was typed."""
    data = form.cleaned_data
    if data["perpetrator"] != Perpetrator.CITIZEN:
        return None
    draft = prefill.get(request.session, request.POST.get("utkast"))
    if draft and draft.get("citizen_id") and not (data.get("personident") or data.get("person_name")):
        return Citizen.objects.get(pk=draft["citizen_id"])
    return services.perpetrator_citizen(
        by=request.user, personident=data.get("personident") or "", name=data.get("person_name") or "",
        birth_date=data.get("person_birth_date"),
    )


def _draft_breach(draft):
    """The breach the pre-filled registration came from (checked readable when the draft was made)."""
    if not draft or not draft.get("breach_id"):
        return None
    from utestenging.models import Breach

    return Breach.objects.select_related("decision").filter(pk=draft["breach_id"], incident__isnull=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    units = _registration_units(request.user)
    token = request.POST.get("utkast") or request.GET.get("utkast")
    draft = prefill.get(request.session, token)
    initial = {}
    draft_citizen = None
    if draft is not None:
        initial = {
            "unit": draft["unit_id"], "occurred_at": draft["occurred_at"], "channel": draft["channel"],
            "description": draft["description"],
        }
        if draft.get("citizen_id"):
            draft_citizen = Citizen.objects.filter(pk=draft["citizen_id"]).first()
            initial["perpetrator"] = Perpetrator.CITIZEN
    form = forms.RegisterForm(request.POST or None, units=units, initial=initial, known_person=draft_citizen)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A typed person is resolved only now that every other field is valid, and counts as a look-up.
        typed = data["perpetrator"] == Perpetrator.CITIZEN and (data.get("personident") or data.get("person_name"))
        if typed and (throttled := throttle.lookup_hit(request)):
            context = {"form": form, "token": token if draft else "", "draft_citizen": draft_citizen}
            return throttle.throttled_response(request, throttled, "hendelser/create.html", context)
        try:
            with transaction.atomic():
                incident = services.incident_register(
                    by=request.user,
                    unit=data["unit"],
                    occurred_at=data["occurred_at"],
                    channel=data["channel"],
                    category=data["category"],
                    description=data["description"],
                    perpetrator=data["perpetrator"],
                    citizen=_perpetrator(request, form),
                    injury=data["injury"],
                    sick_leave=data["sick_leave"],
                    exposed=form.exposed_rows(request.user),
                    breach=_draft_breach(draft),
                )
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            if typed and incident.citizen_id:
                selectors.audit_incident_display(
                    user=request.user, incident=incident, request=request, action="incident.person_identified"
                )
            if token:
                prefill.discard(request.session, token)
            messages.success(
                request,
                _("Incident %(ref)s is registered, and the unit's leaders are told. Add details if you have them.")
                % {"ref": incident.reference},
            )
            return redirect(reverse("hendelser:edit", args=[incident.public_id]) + "?ny=1")
    if draft_citizen is not None:
        # The pre-filled form names the person: a display of their data.
        selectors.audit_prefilled_person(user=request.user, citizen=draft_citizen, request=request)
    return render(
        request,
        "hendelser/create.html",
        {"form": form, "token": token if draft else "", "draft_citizen": draft_citizen},
    )


@login_required
@require_GET
def detail(request, public_id):
    incident = selectors.incident_for_display(user=request.user, public_id=public_id, request=request)
    user = request.user
    may_review = rules.may_review(user, incident.unit)
    measures = list(selectors.measures_of(incident))
    health_units = rules.health_unit_ids(user)
    exposed = [
        (person, rules.may_see_health_data(user, incident, exposed=person, unit_ids=health_units))
        for person in selectors.exposed_of(incident)
    ]
    proposals = selectors.proposals_of(incident)
    blockers = _close_blockers(incident, measures, proposals, [person for person, _shown in exposed]) \
        if may_review and incident.status != Status.CLOSED else []
    return render(
        request,
        "hendelser/detail.html",
        {
            "incident": incident,
            "exposed": exposed,
            "health_hidden": any(not shown for _person, shown in exposed),
            "may_see_sick_leave": rules.may_see_health_data(user, incident, unit_ids=health_units)
            or any(shown and person.user_id == user.pk for person, shown in exposed),
            "measures": measures,
            "may_review": may_review,
            "may_edit": rules.may_edit(user, incident),
            "may_see_follow_up": rules.may_see_follow_up(user, incident),
            "follow_up_columns": rules.may_see_follow_up(user, incident) or any(shown for _person, shown in exposed),
            "decision_links": _decision_links(user, incident, proposals),
            "warning_links": _warning_links(user, incident, proposals),
            "proposals": proposals,
            "may_conclude": rules.may_conclude_proposal(user, incident.unit),
            "may_prepare": access.has_unit_perm(user, Perm.PREPARE_DECISION, incident.unit),
            "may_update_police_outcome": rules.may_update_police_outcome(user, incident),
            "police_history": selectors.police_outcome_history(incident) if incident.police_reported else [],
            "Status": Status,
            "close_blockers": blockers,
            "may_close": may_review and not blockers and workflow.can(incident.status, Status.CLOSED),
        },
    )


def _close_blockers(incident, measures, proposals, people) -> list[dict]:
    """What keeps the incident from closing, each with links to where it is fixed (the same rules the close
    service applies)."""
    today = timezone.localdate()
    open_people = [person for person in people if person.follow_up_open]
    errors = rules.close_missing(measures=len(measures) + len(proposals), open_follow_ups=len(open_people),
                                 handling=rules.handling_missing(incident, today))
    args = [incident.public_id]
    links = {
        "no_review": [(_("Go to the weekly review"), reverse("hendelser:review", args=[incident.unit.number]))],
        "no_police_decision": [(_("Record the police decision"),
                                reverse("hendelser:edit", args=args) + "#id_police_reported")],
        "no_measures": [(_("Decide a measure"), reverse("hendelser:measure", args=args))],
        "follow_up_open": [
            (_("Follow up %(name)s") % {"name": person.name},
             reverse("hendelser:follow_up", args=[incident.public_id, person.pk]))
            for person in open_people
        ],
    }
    blockers = [{"message": error.messages[0], "links": links.get(error.code, [])} for error in errors]
    if not blockers and not workflow.can(incident.status, Status.CLOSED):
        # Reopened: back under review, so what follows now must be decided before it closes again.
        blockers.append({
            "message": _("The incident is back under review: decide what follows now (a measure, or «No further "
                         "measures») before closing it again."),
            "links": links["no_measures"],
        })
    return blockers


def _decision_links(user, incident, proposals) -> list[tuple[str, str]]:
    """For a proposed measure still without a draft, a link that opens the draft decision of its kind, for those who
    prepare decisions; the draft is then linked to the proposal."""
    if not access.has_unit_perm(user, Perm.PREPARE_DECISION, incident.unit):
        return []
    return [
        (ProposalKind(p.kind).label, path)
        for p in proposals
        if p.decision_id is None and not p.current_outcome
        and (path := selectors.proposal_draft_path(incident, p)) is not None
    ]


def _warning_links(user, incident, proposals) -> list[tuple[str, str]]:
    """For a proposed warning still open, a link that registers the warning from it (those who may record one)."""
    if incident.citizen_id is None or not rules.may_record_warning(user, incident.unit):
        return []
    return [
        (ProposalKind(p.kind).label, reverse("hendelser:proposal_warning", args=[incident.public_id, p.pk]))
        for p in proposals
        if p.kind in WARNING_PROPOSALS and not p.current_outcome
    ]


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, public_id):
    incident = selectors.incident_for_visible(user=request.user, public_id=public_id)
    if not rules.may_edit(request.user, incident):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = forms.DetailsForm(data, instance=incident)
    exposed = forms.ExposedFormSet(data, prefix="exposed")
    if request.method == "POST" and form.is_valid() and exposed.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            with transaction.atomic():
                services.incident_update(by=request.user, incident_id=incident.pk, **fields)
                services.exposed_add(by=request.user, incident_id=incident.pk, exposed=forms.exposed_rows(exposed))
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(_detail(incident))
        else:
            messages.success(request, _("Saved."))
            return redirect(_detail(incident))
    # The edit page does not show who did it (nor their number), so it writes no audit line.
    return render(
        request,
        "hendelser/edit.html",
        {
            "incident": incident, "form": form, "exposed_formset": exposed,
            "exposed": selectors.exposed_of(incident), "new": request.GET.get("ny") == "1",
        },
    )


def _review_action(request, public_id, *, form_class, call, success, action, title, submit, help_text=""):
    """A page with one form that calls one service on an incident the user reviews."""
    incident = selectors.incident_for_visible(user=request.user, public_id=public_id)
    if not rules.may_review(request.user, incident.unit):
        raise Http404
    return _action_page(request, incident, form_class(request.POST or None), call=call, success=success,
                        action=action, title=title, submit=submit, help_text=help_text)


def _action_page(request, incident, form, *, call, success, action, title, submit, help_text="",
                 template="hendelser/action_form.html"):
    """One form on an incident the caller may act on: a valid POST calls the service, its errors stay on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            target = call(incident, form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(_detail(incident))
        else:
            messages.success(request, success)
            return redirect(target or _detail(incident))
    selectors.audit_incident_display(user=request.user, incident=incident, request=request, action=action)
    return render(request, template, {"incident": incident, "form": form, "title": title, "submit": submit,
                                      "help": help_text})


@login_required
@require_http_methods(["GET", "POST"])
def measure(request, public_id):
    def call(incident, data):
        measure = services.measure_add(by=request.user, incident_id=incident.pk, **data)
        if measure.kind in PROPOSAL_MEASURES:
            links = _decision_links(request.user, incident, selectors.proposals_of(incident))
            return links[-1][1] if links else None
        return None

    return _review_action(
        request, public_id, form_class=forms.MeasureForm, call=call,
        success=_("The measure is recorded."), action="incident.measure", title=_("Decide a measure"),
        submit=_("Record the measure"),
        help_text=_("Consider the less intrusive reactions first: asking the person to leave, a warning "
                    "(preferably written), «to i samtale», regulated appointments, another caseworker. "
                    "Exclusion may follow one serious incident, or repeated incidents after a warning."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def close(request, public_id):
    def call(incident, data):
        services.incident_close(by=request.user, incident_id=incident.pk, lessons_learned=data["lessons_learned"])

    return _review_action(
        request, public_id, form_class=forms.CloseForm, call=call,
        success=_("The incident is closed."), action="incident.close", title=_("Close the incident"),
        submit=_("Close the incident"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def police_outcome(request, public_id):
    """The outcome with the police, updated as it becomes known, without reopening a closed incident."""
    incident = selectors.incident_for_visible(user=request.user, public_id=public_id)
    if not rules.may_update_police_outcome(request.user, incident):
        raise Http404
    form = forms.PoliceOutcomeForm(request.POST or None, initial={"police_outcome": incident.police_outcome})

    def call(incident, data):
        services.police_outcome_update(by=request.user, incident_id=incident.pk, **data)

    return _action_page(
        request, incident, form, action="incident.police_outcome", call=call,
        success=_("The outcome with the police is saved."), title=_("Outcome with the police"),
        submit=_("Save the outcome"),
        help_text=_("Reported %(date)s, police reference %(reference)s. Only the outcome changes here; the rest of "
                    "a closed incident stays as it was closed.")
        % {"date": incident.police_reported_on.strftime("%d.%m.%Y") if incident.police_reported_on else "–",
           "reference": incident.police_reference or "–"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request, public_id):
    def call(incident, data):
        services.incident_reopen(by=request.user, incident_id=incident.pk, reason=data["reason"])

    return _review_action(
        request, public_id, form_class=forms.ReopenForm, call=call,
        success=_("The incident is back under review."), action="incident.reopen", title=_("Reopen the incident"),
        submit=_("Reopen"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, public_id):
    def call(incident, data):
        services.proposal_create(by=request.user, incident_id=incident.pk, **data)

    return _review_action(
        request, public_id, form_class=forms.ProposalForm, call=call,
        success=_("The proposal is recorded, and those who prepare decisions at the unit are told."),
        action="incident.propose", title=_("Propose a measure"), submit=_("Record the proposal"),
        help_text=_("The proposal is followed until it has an outcome: a decision signed or dropped, or a "
                    "rejection with a reason by the head of unit."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_outcome(request, public_id, proposal_id):
    incident = selectors.incident_for_visible(user=request.user, public_id=public_id)
    proposal = incident.proposals.select_related("decision").filter(pk=proposal_id).first()
    if proposal is None or not rules.may_conclude_proposal(request.user, incident.unit):
        raise Http404
    def call(incident, data):
        services.proposal_conclude(by=request.user, proposal_id=proposal.pk, **data)

    return _action_page(
        request, incident, forms.ProposalOutcomeForm(request.POST or None, proposal=proposal),
        action="incident.proposal_outcome", call=call,
        success=_("The outcome of the proposal is recorded."),
        title=_("Outcome of the proposal: %(kind)s") % {"kind": proposal.get_kind_display()},
        submit=_("Record the outcome"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_warning(request, public_id, proposal_id):
    """Carry out a proposed warning: register it as the citizen's warning, which ends the proposal."""
    incident = selectors.incident_for_visible(user=request.user, public_id=public_id)
    proposal = incident.proposals.filter(pk=proposal_id, kind__in=list(WARNING_PROPOSALS)).first()
    if proposal is None or not rules.may_record_warning(request.user, incident.unit):
        raise Http404
    def call(incident, data):
        services.proposal_warning_register(by=request.user, proposal_id=proposal.pk, **data)

    return _action_page(
        request, incident, forms.ProposalWarningForm(request.POST or None), action="incident.proposal_warning",
        call=call,
        success=_("The warning is registered, and the proposal has its outcome."),
        title=_("Register the proposed warning: %(kind)s") % {"kind": proposal.get_kind_display()},
        submit=_("Register the warning"),
        help_text=_("The warning is kept as the person's warning, so a later decision shows it."),
    )


@login_required
@require_GET
def police(request):
    page = selectors.police_page(request.user)
    return render(request, "hendelser/police.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request, public_id, exposed_id):
    incident = selectors.incident_for_visible(user=request.user, public_id=public_id)
    if not rules.may_review(request.user, incident.unit):
        raise Http404
    person = ExposedPerson.objects.filter(pk=exposed_id, incident=incident).first()
    if person is None:
        raise Http404
    form = forms.FollowUpForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(by=request.user, exposed_id=person.pk, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(_detail(incident))
        else:
            messages.success(request, _("The follow-up is saved."))
            return redirect(_detail(incident))
    return render(request, "hendelser/follow_up.html", {"incident": incident, "person": person, "form": form})


@login_required
@require_GET
def review_index(request):
    units = selectors.review_units(request.user)
    if not units:
        raise Http404
    if len(units) == 1:
        return redirect("hendelser:review", unit_number=units[0].number)
    return render(request, "hendelser/review_index.html", {"units": units})


@login_required
@require_http_methods(["GET", "POST"])
def review(request, unit_number):
    page = selectors.review_page(user=request.user, unit_number=unit_number)
    form = forms.ReviewForm(request.POST or None, incidents=selectors.unreviewed(page.unit))
    if request.method == "POST":
        if not page.may_review:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.review_meeting_record(
                    by=request.user, unit=page.unit, held_on=data["held_on"], attendees=data["attendees"],
                    notes=data["notes"], incident_ids=[i.pk for i in data["incidents"]],
                    safety_rep_present=data["safety_rep_present"],
                )
            except ValidationError as error:
                add_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                reviewed = meeting.incidents.count()
                messages.success(
                    request,
                    ngettext("%(count)d incident marked as reviewed at the meeting of %(date)s.",
                             "%(count)d incidents marked as reviewed at the meeting of %(date)s.", reviewed)
                    % {"count": reviewed, "date": meeting.held_on.strftime("%d.%m.%Y")},
                )
                return redirect("hendelser:review", unit_number=page.unit.number)
    if page.may_review:
        # The form shows the start of what happened in each incident: a display of the person who did it.
        selectors.audit_incidents_display(user=request.user, incidents=form.fields["incidents"].queryset,
                                          request=request, action="incident.review")
    return render(request, "hendelser/review.html", {"page": page, "form": form})


@login_required
@require_GET
def statistics_page(request):
    page = statistics.statistics_page(user=request.user, params=request.GET)
    return render(request, "hendelser/statistics.html", {"page": page})


# --- A written warning's letter: status, download of the archived file, retry ---

def _warning_letter_page(request, letter, *, problem: str = ""):
    return letter_pages.status_page(
        request, letter, template="hendelser/warning_letter.html", context={"warning": letter.warning},
        may_retry=rules.may_record_warning(request.user, letter.warning.unit), problem=problem,
        download_kind="warning", download_url=reverse("hendelser:warning_letter_download", args=[letter.pk]),
        retry_url=reverse("hendelser:warning_letter_retry", args=[letter.pk]),
    )


@login_required
@require_GET
def warning_letter(request, letter_id):
    """Whether a warning letter is being produced, ready (with its link) or failed (with a retry button)."""
    # Like the decision letters' status page it shows no personal data (reference, status, hash): no audit line.
    letter = selectors.warning_letter_for_visible(user=request.user, letter_id=letter_id)
    return _warning_letter_page(request, letter)


@login_required
@require_GET
def warning_letter_download(request, letter_id):
    """The archived PDF exactly as stored when it was produced, checked against its SHA-256."""
    letter = selectors.warning_letter_for_visible(user=request.user, letter_id=letter_id)
    return letter_pages.checked_download(
        letter, status_url=reverse("hendelser:warning_letter", args=[letter.pk]),
        filename=f"{letter.reference}-{letter.language}.pdf",
        page=lambda problem: _warning_letter_page(request, letter, problem=problem),
        audit=lambda: selectors.audit_warning_letter_display(
            user=request.user, letter=letter, request=request, action="warning_letter.download"
        ),
    )


@login_required
@require_POST
def warning_letter_retry(request, letter_id):
    letter = selectors.warning_letter_for_visible(user=request.user, letter_id=letter_id)
    try:
        services.warning_letter_retry(by=request.user, letter_id=letter.pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except PermissionDenied:
        raise Http404 from None
    return redirect("hendelser:warning_letter", letter.pk)
