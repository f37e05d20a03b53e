from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, citizen_data, selectors, services, throttle
from .forms import AccessReportForm, CitizenExportForm, RetentionHoldForm, add_errors
from .health import check_redis
from .models import Reminder


@login_required
@require_GET
def start(request):
    page = selectors.start_page(user=request.user)
    return render(request, "core/start.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def access_report(request):
    # The identity number is posted, never put in the URL.
    if not access.may_view_access_report(request.user):
        raise Http404
    report = None
    form = AccessReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttled := throttle.lookup_hit(request):
            return throttle.throttled_response(request, throttled, "core/access_report.html", {"form": form})
        report = selectors.access_report(
            user=request.user,
            personident=form.cleaned_data["personident"],
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            request=request,
        )
    return render(request, "core/access_report.html", {
        "form": form, "report": report, "may_see_retention_plan": access.may_see_retention_plan(request.user),
    })


EXPORT_CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json; charset=utf-8"}


@login_required
@require_http_methods(["GET", "POST"])
def citizen_export(request):
    # Right of access: the identity number is posted, and neither the URL nor the file name carries it.
    if not access.may_view_access_report(request.user):
        raise Http404
    form = CitizenExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttled := throttle.lookup_hit(request):
            return throttle.throttled_response(request, throttled, "core/citizen_export.html", {"form": form})
        data = form.cleaned_data
        access_request = citizen_data.AccessRequest(
            requested_by=data["requested_by"], requested_on=data["requested_on"], reference=data["reference"]
        )
        try:
            export = selectors.citizen_export(
                user=request.user, personident=data["personident"], access_request=access_request, request=request
            )
        except ValidationError as error:
            form.add_error("personident", error)
        else:
            kind = form.cleaned_data["format"]
            content = citizen_data.as_pdf(export) if kind == "pdf" else citizen_data.as_json(export)
            response = HttpResponse(content, content_type=EXPORT_CONTENT_TYPES[kind])
            response["Content-Disposition"] = f'attachment; filename="innsyn-{timezone.localdate():%Y-%m-%d}.{kind}"'
            return response
    return render(request, "core/citizen_export.html", {"form": form})


@require_GET
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 – any failure means unhealthy
        checks["database"] = "error"
    checks["redis"] = check_redis()
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@login_required
@require_POST
def reminder_done(request, reminder_id):
    try:
        services.reminder_mark_done(by=request.user, reminder_id=reminder_id)
    except Reminder.DoesNotExist as error:
        raise Http404 from error
    return redirect("core:start")


# Seconds a client is asked to wait when the database connection was lost: a failover takes about this long.
DATABASE_RETRY_AFTER = 5


def _connection_lost(error) -> bool:
    """The error, or one it was raised from (the session's save: SessionInterrupted), is a lost connection."""
    from django.db import InterfaceError, OperationalError

    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def bad_request(request, exception):
    """The 400 page, except for a session whose save lost the database connection: 503 "try again"."""
    from django.views.defaults import bad_request as default_bad_request

    if _connection_lost(exception):
        return _try_again(request)
    return default_bad_request(request, exception)


def server_error(request):
    """The 500 page, except when the database connection was lost: then 503 "try again" with Retry-After.

    Services write in one transaction, so a request whose connection died wrote nothing; asking again is safe.
    """
    import sys

    from django.views.defaults import server_error as default_server_error

    if not _connection_lost(sys.exc_info()[1]):
        return default_server_error(request)
    return _try_again(request)


def _try_again(request):
    from django.template import loader

    if request.path.startswith(settings.API_PATH_PREFIX):
        response = JsonResponse(
            {"type": "https://nav-sikkerhet/problems/try-again", "title": "Service unavailable", "status": 503,
             "detail": "The database connection was lost. Nothing was saved; try again.", "errors": []},
            status=503, content_type="application/problem+json",
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def retention_hold(request, model_name, public_id):
    record = selectors.retention_holdable(user=request.user, model_name=model_name, public_id=public_id)
    back = reverse(f"{record._meta.app_label}:detail", args=[record.public_id])
    form = RetentionHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_hold_place(by=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect(back)
    return render(request, "core/retention_hold.html", {"form": form, "record": record, "back": back})


@login_required
@require_GET
def retention_upcoming(request):
    rows = selectors.retention_upcoming(user=request.user)
    return render(request, "core/retention_upcoming.html", {"rows": rows, "days": 30})
