import json
import time

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.urls import Resolver404
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.defaults import page_not_found


class LanguageMiddleware:
    """Bokmål unless the staff member chose otherwise: the language cookie, then their profile.

    The browser's Accept-Language is ignored on purpose: a NAV workstation's browser language
    says nothing about the language the employee works in.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in self.available:
            user = getattr(request, "user", None)
            chosen = getattr(user, "language", None) if user is not None and user.is_authenticated else None
        if chosen not in self.available:
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", chosen)
        patch_vary_headers(response, ["Cookie"])
        return response


class SessionIdleMiddleware:
    """Renew a logged-in session's idle expiry at most once a minute, instead of writing it on every request.

    Sessions still end after SESSION_COOKIE_AGE idle seconds (to within the minute); a look-up at the
    door saves a database write. Sits after SessionMiddleware, which saves what this marks modified.
    """

    TOUCH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get("_touched", 0) >= self.TOUCH_SECONDS:
                session["_touched"] = now
        return response


class NotFoundPageMiddleware:
    """A view's 404 ("does not exist, or not yours to see") always shows the app's own 404 page.

    With DEBUG on, Django would answer a view's Http404 with its technical page, which a developer
    trying the roles would read as a bug. An address that matches no URL keeps the technical page
    in development: that one is useful and says nothing about access.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and not isinstance(exception, Resolver404):
            return page_not_found(request, exception)
        return None


class NoStoreMiddleware:
    """Every response the app makes tells browsers and proxies to keep no copy (Cache-Control: no-store).

    Pages, letters, lists, PDFs and exports show citizens' data; one rule here covers a new view without
    anyone remembering it. Static files are served by WhiteNoise before this runs, and keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


# The only methods any view here handles; each view narrows them further (require_GET, require_POST …).
ALLOWED_METHODS = ("GET", "HEAD", "POST")


def _method_not_allowed(request, allowed) -> HttpResponse:
    if request.path.startswith(settings.API_PATH_PREFIX):
        # The API answers every error as an RFC 7807 problem document.
        body = {
            "type": "https://nav-sikkerhet/problems/method-not-allowed",
            "title": "Method not allowed",
            "status": 405,
            "detail": f"Use {', '.join(sorted(allowed))}.",
            "errors": [],
        }
        response = HttpResponse(json.dumps(body), status=405, content_type="application/problem+json")
    else:
        response = HttpResponseNotAllowed(sorted(allowed))
    response["Allow"] = ", ".join(sorted(allowed))
    add_never_cache_headers(response)
    return response


def _head_as_get(request, get_response) -> HttpResponse:
    """HEAD is GET without the body (RFC 9110 §9.3.2): wherever GET is answered, HEAD is, with the same status
    and headers. The view runs as for GET, so its audit line is written too; ``REQUEST_METHOD`` still says
    HEAD, and the audit line records that (services._audit_line)."""
    request.method = "GET"
    response = get_response(request)
    if response.streaming:
        response.streaming_content = []
    else:
        length = response.headers.get("Content-Length") or str(len(response.content))
        response.content = b""
        response["Content-Length"] = length
    return response


class MethodMiddleware:
    """Any method no view handles (PUT, DELETE, OPTIONS, TRACE …) answers 405 before a view, so before any audit
    line. Under the API its router answers 405 itself (before authentication), naming the path's own methods,
    and that answer is made a problem document here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "HEAD":
            return _head_as_get(request, self._dispatch)
        return self._dispatch(request)

    def _dispatch(self, request):
        api = request.path.startswith(settings.API_PATH_PREFIX)
        foreign = request.method not in ALLOWED_METHODS
        # The API's router knows each operation's own methods (its Allow header names exactly those).
        if foreign and not api:
            return _method_not_allowed(request, ALLOWED_METHODS)
        response = self.get_response(request)
        if api and response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/problem+json"
        ):
            allowed = [method.strip() for method in response.get("Allow", "").split(",") if method.strip()]
            return _method_not_allowed(request, allowed or ["POST"])
        if foreign and response.status_code != 405:
            # An API path that is not an operation (the schema, the root) answered it: still not a method here.
            return _method_not_allowed(request, ALLOWED_METHODS)
        return response


class InternalEndpointsMiddleware:
    """The platform's probes and metrics (/internal/…), answered before host checks, HTTPS redirect and sessions.

    The kubelet and Prometheus call the pod by its IP, which is no allowed host; they carry no cookie, and these
    answers show no one's data, so nothing is audited.
    """

    def __init__(self, get_response):
        from . import metrics, probes

        self.get_response = get_response
        self.endpoints = {
            "/internal/isalive": probes.isalive,
            "/internal/isready": probes.isready,
            "/internal/metrics": metrics.export,
        }

    def __call__(self, request):
        endpoint = self.endpoints.get(request.path_info)
        if endpoint is None:
            return self.get_response(request)
        response = endpoint(request)
        add_never_cache_headers(response)
        return response
