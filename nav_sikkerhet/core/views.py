from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, selectors, services
from .forms import AccessReportForm
from .health import check_redis
from .models import Reminder


@login_required
@require_GET
def start(request):
    page = selectors.start_page(user=request.user)
    return render(request, "core/start.html", {"page": page})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def access_report(request):
    # The identity number is posted, never put in the URL.
    if not access.may_view_access_report(request.user):
        raise Http404
    report = None
    form = AccessReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = selectors.access_report(
            user=request.user,
            personident=form.cleaned_data["personident"],
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            request=request,
        )
    return render(request, "core/access_report.html", {"form": form, "report": report})


@never_cache
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
