"""Thin views: parse input, call a selector or service, turn domain errors into form errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.forms import add_errors
from nav_sikkerhet.core.pdf import font_urls, html_to_pdfa

from . import forms, interchange, rules, selectors, services
from .models import AnalysisStatus, Event, Measure, MeasureStatus, Zone


def _detail(analysis) -> str:
    return reverse("risiko:detail", args=[analysis.pk])


def _managed(request, analysis_id: int, *, follow_up: bool = False):
    """The analysis for a maintaining page: 404 unless the user maintains ROS in its unit."""
    analysis = selectors.analysis_for(user=request.user, analysis_id=analysis_id)
    if not rules.may_manage_unit(request.user, analysis.unit):
        raise Http404
    allowed = rules.may_follow_up if follow_up else rules.may_edit
    return analysis, allowed(request.user, analysis)


def _not_draft(request, analysis):
    messages.error(request, _("Only a draft can be changed. Make a new version of the analysis to revise it."))
    return redirect(_detail(analysis))


def _event_form_kwargs(analysis) -> dict:
    return {"probability_labels": analysis.matrix.probability_labels,
            "consequence_labels": analysis.matrix.consequence_labels}


@login_required
@require_GET
def index(request):
    if not access.has_perm_anywhere(request.user, Perm.VIEW_ROS):
        raise Http404
    return render(request, "risiko/index.html", {
        "analyses": selectors.analysis_list(user=request.user),
        "templates": selectors.templates(request.user),
        "may_manage": bool(selectors.manage_units(request.user)),
        "Status": AnalysisStatus,
    })


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    units = access.units_with_perm(request.user, Perm.MANAGE_ROS).filter(is_active=True).order_by("number")
    if not units.exists():
        raise Http404
    templates = selectors.templates(request.user)
    initial = {"analysis_date": timezone.localdate(), "template": request.GET.get("mal")}
    form = forms.CreateForm(request.POST or None, units=units, templates=templates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit, template = data.pop("unit"), data.pop("template")
        try:
            analysis = services.analysis_create(by=request.user, unit=unit, template=template, **data)
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            messages.success(request, _("The analysis is created as a draft. Adapt the events to your unit."))
            return redirect(_detail(analysis))
    return render(request, "risiko/create.html", {"form": form})


@login_required
@require_GET
def detail(request, analysis_id):
    analysis = selectors.analysis_for(user=request.user, analysis_id=analysis_id)
    page = selectors.analysis_page(analysis=analysis, today=timezone.localdate())
    selected = _selected_cell(request, page)
    user = request.user
    return render(request, "risiko/detail.html", {
        "page": page, "analysis": analysis, "selected": selected,
        "may_edit": rules.may_edit(user, analysis),
        "may_follow_up": rules.may_follow_up(user, analysis),
        "may_approve": rules.may_approve(user, analysis),
        "may_revise": rules.may_revise(user, analysis),
        "may_use_template": analysis.is_template and bool(selectors.manage_units(user)),
        "is_draft": analysis.status == AnalysisStatus.DRAFT, "with_incidents": not analysis.is_template,
        "cause_form": forms.CauseForm() if rules.may_edit(user, analysis) else None,
        "problems": selectors.approval_problems(analysis=analysis, today=timezone.localdate())
        if analysis.status == AnalysisStatus.DRAFT and not analysis.is_template else [],
        "newer_matrix": selectors.newer_matrix(analysis) if rules.may_edit(user, analysis) else None,
        "Status": AnalysisStatus, "MeasureStatus": MeasureStatus, "Zone": Zone,
    })


def _selected_cell(request, page):
    """The cell a click on the heat map opened (?celle=p-c, ?etter=p-c for after measures), or None."""
    for key, heat in (("celle", page.before), ("etter", page.after)):
        value = request.GET.get(key, "")
        parts = value.split("-")
        if len(parts) == 2 and all(part.isdigit() for part in parts):
            p, c = int(parts[0]), int(parts[1])
            for level, row in heat.rows:
                if level == p and 1 <= c <= 5:
                    return row[c - 1], heat.residual
    return None


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, analysis_id):
    analysis, allowed = _managed(request, analysis_id)
    if not allowed:
        return _not_draft(request, analysis)
    initial = {name: getattr(analysis, name) for name in services.ANALYSIS_FIELDS}
    form = forms.AnalysisForm(request.POST or None, initial=initial, owners=forms.unit_staff(analysis.unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.analysis_update(by=request.user, analysis_id=analysis.pk, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The analysis is saved."))
            return redirect(_detail(analysis))
    return render(request, "risiko/form.html", {"form": form, "analysis": analysis,
                                                "heading": _("Change the analysis")})


@login_required
@require_http_methods(["GET", "POST"])
def event_add(request, analysis_id):
    analysis, allowed = _managed(request, analysis_id)
    if not allowed:
        return _not_draft(request, analysis)
    form = forms.EventForm(request.POST or None, **_event_form_kwargs(analysis))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_add(by=request.user, analysis_id=analysis.pk, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The event «%(event)s» is added.") % {"event": event.title})
            return redirect(_detail(analysis) + f"#hendelse-{event.pk}")
    return render(request, "risiko/form.html", {"form": form, "analysis": analysis,
                                                "heading": _("Add an unwanted event")})


def _event_of(analysis, event_id) -> Event:
    event = analysis.events.filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, analysis_id, event_id):
    analysis, allowed = _managed(request, analysis_id)
    event = _event_of(analysis, event_id)
    if not allowed:
        return _not_draft(request, analysis)
    initial = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    form = forms.EventForm(request.POST or None, initial=initial, **_event_form_kwargs(analysis))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(by=request.user, event_id=event.pk, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(_detail(analysis) + f"#hendelse-{event.pk}")
    return render(request, "risiko/form.html", {"form": form, "analysis": analysis, "event": event,
                                                "heading": _("Change the event"), "may_delete": True})


@login_required
@require_POST
def event_delete(request, analysis_id, event_id):
    analysis, allowed = _managed(request, analysis_id)
    event = _event_of(analysis, event_id)
    if not allowed:
        return _not_draft(request, analysis)
    services.event_delete(by=request.user, event_id=event.pk)
    messages.success(request, _("The event «%(event)s» is removed.") % {"event": event.title})
    return redirect(_detail(analysis))


@login_required
@require_POST
def cause_add(request, analysis_id):
    analysis, allowed = _managed(request, analysis_id)
    if not allowed:
        return _not_draft(request, analysis)
    form = forms.CauseForm(request.POST)
    if form.is_valid():
        try:
            services.cause_add(by=request.user, analysis_id=analysis.pk, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The cause is added."))
    else:
        messages.error(request, _("Describe the cause and rate it from 1 to 5."))
    return redirect(_detail(analysis) + "#arsaker")


@login_required
@require_http_methods(["GET", "POST"])
def measure_add(request, analysis_id, event_id):
    analysis, allowed = _managed(request, analysis_id, follow_up=True)
    event = _event_of(analysis, event_id)
    if not allowed:
        return _not_draft(request, analysis)
    form = forms.MeasureForm(request.POST or None, unit=analysis.unit)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_add(by=request.user, event_id=event.pk, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The measure is added."))
            return redirect(_detail(analysis) + f"#tiltak-{measure.pk}")
    return render(request, "risiko/form.html", {"form": form, "analysis": analysis, "event": event,
                                                "heading": _("Add a measure")})


@login_required
@require_POST
def measure_status(request, analysis_id, measure_id):
    analysis, allowed = _managed(request, analysis_id, follow_up=True)
    measure = Measure.objects.filter(pk=measure_id, event__analysis=analysis).first()
    if measure is None:
        raise Http404
    if not allowed:
        return _not_draft(request, analysis)
    form = forms.MeasureStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        try:
            services.measure_update_status(by=request.user, measure_id=measure.pk, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The measure's status is saved."))
    return redirect(_detail(analysis) + f"#tiltak-{measure.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def approve(request, analysis_id):
    """The confirmation step: what still stands in the way, and what approving replaces; then approval."""
    analysis = selectors.analysis_for(user=request.user, analysis_id=analysis_id)
    if not rules.may_approve(request.user, analysis):
        if analysis.is_template or not access.is_unit_leader(request.user, analysis.unit):
            raise Http404
        messages.error(request, _("Only a draft can be approved."))
        return redirect(_detail(analysis))
    replaced = selectors.in_force(analysis)
    form = forms.ApproveForm(request.POST or None, initial={"replaces": replaced.pk if replaced else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.analysis_approve(by=request.user, analysis_id=analysis.pk,
                                      replaces_id=form.cleaned_data["replaces"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The analysis is approved. The unit's earlier analysis is superseded.")
                             if replaced else _("The analysis is approved as the unit's first."))
            return redirect(_detail(analysis))
    return render(request, "risiko/approve.html", {
        "analysis": analysis, "form": form, "replaced": selectors.in_force(analysis),
        "problems": selectors.approval_problems(analysis=analysis, today=timezone.localdate()),
    })


@login_required
@require_POST
def event_confirm(request, analysis_id, event_id):
    analysis, allowed = _managed(request, analysis_id)
    event = _event_of(analysis, event_id)
    if not allowed:
        return _not_draft(request, analysis)
    services.event_confirm(by=request.user, event_id=event.pk)
    messages.success(request, _("«%(event)s» is confirmed as fitting the unit.") % {"event": event.title})
    return redirect(_detail(analysis) + f"#hendelse-{event.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def risk_accept(request, analysis_id, event_id):
    analysis = selectors.analysis_for(user=request.user, analysis_id=analysis_id)
    if analysis.is_template or not access.is_unit_leader(request.user, analysis.unit):
        raise Http404
    event = _event_of(analysis, event_id)
    if not rules.may_accept_risk(request.user, analysis):
        return _not_draft(request, analysis)
    acceptance = getattr(event, "acceptance", None)
    form = forms.RiskAcceptanceForm(request.POST or None, initial={"reason": acceptance.reason if acceptance else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_accept(by=request.user, event_id=event.pk, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The acceptance of the risk is recorded."))
            return redirect(_detail(analysis) + f"#hendelse-{event.pk}")
    return render(request, "risiko/form.html", {"form": form, "analysis": analysis, "event": event,
                                                "heading": _("Accept the risk of a red event")})


@login_required
@require_POST
def revise(request, analysis_id):
    analysis = selectors.analysis_for(user=request.user, analysis_id=analysis_id)
    try:
        revision = services.analysis_revise(by=request.user, analysis_id=analysis.pk)
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new draft version is made. The approved analysis stays in force until this "
                                    "one is approved."))
        if revision.matrix_id != analysis.matrix_id:
            _tell_zone_changes(request, revision, rules.zone_changes(analysis.matrix.cells, revision.matrix.cells,
                                                                     revision.events.all()))
        return redirect(_detail(revision))
    return redirect(_detail(analysis))


def _tell_zone_changes(request, analysis, changes) -> None:
    """Which events changed zone on the analysis' (new) matrix version, in one message."""
    version = selectors.matrix_version_number(analysis.matrix)
    where = _("The analysis is on %(matrix)s, version %(version)d.") % {"matrix": analysis.matrix.name,
                                                                         "version": version}
    if not changes:
        messages.info(request, where + " " + _("No event changed zone."))
        return

    def zone(code):
        return Zone(code).label if code else _("not assessed")

    parts = []
    for change in changes:
        text = f"«{change.title}»: {zone(change.before[0])} → {zone(change.before[1])}"
        if change.after[0] != change.after[1]:
            text += " (" + _("after measures %(old)s → %(new)s") % {"old": zone(change.after[0]),
                                                                       "new": zone(change.after[1])} + ")"
        parts.append(text)
    messages.warning(request, f"{where} " + ngettext("%(count)d event changed zone:", "%(count)d events changed zone:",
                                                     len(changes)) % {"count": len(changes)} + " " + "; ".join(parts))


@login_required
@require_POST
def move_matrix(request, analysis_id):
    analysis = selectors.analysis_for(user=request.user, analysis_id=analysis_id)
    if not rules.may_manage_unit(request.user, analysis.unit):
        raise Http404
    try:
        changes = services.analysis_move_matrix(by=request.user, analysis_id=analysis.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        analysis.refresh_from_db()
        _tell_zone_changes(request, analysis, changes)
    return redirect(_detail(analysis))


@login_required
@require_GET
def zones_css(request, analysis_id):
    """The zones' colours of the analysis' matrix version: data, so a style sheet from here (the CSP allows no
    inline styles)."""
    analysis = selectors.analysis_for(user=request.user, analysis_id=analysis_id)
    # No caching of its own: NoStoreMiddleware marks every response no-store.
    return render(request, "risiko/zones.css", {"zones": analysis.matrix.zones}, content_type="text/css")


def _attachment(analysis, content, *, content_type: str, suffix: str) -> HttpResponse:
    """A file of the analysis to save, named by its number and date."""
    response = HttpResponse(content, content_type=content_type)
    filename = f"ros-{analysis.pk}-{analysis.analysis_date:%Y-%m-%d}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def pdf(request, analysis_id):
    analysis = selectors.analysis_for(user=request.user, analysis_id=analysis_id)
    page = selectors.analysis_page(analysis=analysis, today=timezone.localdate())
    html = render_to_string("risiko/report_pdf.html", {"page": page, "analysis": analysis, "fonts": font_urls(),
                                                       "printed_at": timezone.now()}, request=request)
    return _attachment(analysis, html_to_pdfa(html), content_type="application/pdf", suffix="pdf")


@login_required
@require_GET
def export_json(request, analysis_id):
    analysis = selectors.analysis_for(user=request.user, analysis_id=analysis_id)
    return _attachment(analysis, interchange.export_json(analysis), content_type="application/json; charset=utf-8",
                       suffix="json")


@login_required
@require_GET
def measures_csv(request, analysis_id):
    analysis = selectors.analysis_for(user=request.user, analysis_id=analysis_id)
    return _attachment(analysis, interchange.measures_csv(analysis), content_type="text/csv; charset=utf-8",
                       suffix="csv")


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request):
    units = access.units_with_perm(request.user, Perm.MANAGE_ROS).filter(is_active=True).order_by("number")
    if not units.exists():
        raise Http404
    form = forms.ImportForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            data = interchange.load(form.cleaned_data["file"].read(interchange.MAX_FILE_BYTES + 1))
            analysis = services.analysis_import(by=request.user, data=data, unit=form.cleaned_data["unit"])
        except ValidationError as error:
            form.add_error("file", error.messages)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            messages.success(request, _("The analysis is imported as a draft with %(count)d events.")
                             % {"count": analysis.events.count()})
            return redirect(_detail(analysis))
    return render(request, "risiko/import.html", {"form": form})
