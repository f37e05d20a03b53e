"""Signing in and out: the login page, the OIDC start and callback, sign-out, and the page for staff with no role.

Every sign-in, refused sign-in and sign-out writes one line in the sign-in log (services.signin_log_record).
"""

import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import demo_logins, oidc, selectors, services, signin
from .models import SignInEvent, SignInMethod, SignInRefusal
from .signin import SignInRefused

# The provider's error code (RFC 6749 §4.1.2.1) goes in the log only when it looks like one.
_ERROR_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,60}\Z")


def _landing_url(user, next_url: str | None) -> str:
    """Where a fresh sign-in goes: the page asked for, or the start page; staff with no role learn why first."""
    if not selectors.has_role(user=user):
        return reverse("core:no_role")
    return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)


def _refuse(request, refusal: SignInRefused, *, method: str = SignInMethod.OIDC):
    """Log the refusal and say in plain words what happened; no session is created."""
    services.signin_log_record(
        event=SignInEvent.REFUSED,
        method=method,
        request=request,
        nav_ident=refusal.nav_ident,
        reason=refusal.reason,
        detail=refusal.detail,
    )
    context = {"message": refusal.user_message, "reason": refusal.reason}
    return render(request, "registration/signin_refused.html", context, status=403)


class LoginView(auth_views.LoginView):
    """"Logg inn med NAV-konto" when OIDC is configured; the password form only where passwords are allowed."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = signin.oidc_enabled()
        context["password_login_allowed"] = signin.password_login_allowed()
        if not context["password_login_allowed"]:
            context["form"] = None
        # A newcomer after `make run` is told which demo login to try; never outside development.
        context["demo_login"] = (
            demo_logins.FIRST_LOGIN
            if settings.DEVELOPMENT and context["form"] is not None and selectors.demo_login_exists()
            else None
        )
        context["demo_password"] = demo_logins.DEMO_PASSWORD
        next_url = context.get(self.redirect_field_name)
        context["oidc_start_url"] = reverse("oidc_authentication_init") + (
            f"?{urlencode({self.redirect_field_name: next_url})}" if next_url else ""
        )
        return context

    def post(self, request, *args, **kwargs):
        if not signin.password_login_allowed():
            refusal = SignInRefused(SignInRefusal.PASSWORD_DISABLED)
            return _refuse(request, refusal, method=SignInMethod.PASSWORD)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[signin.SESSION_METHOD_KEY] = SignInMethod.PASSWORD
        services.signin_log_record(
            event=SignInEvent.SIGN_IN, method=SignInMethod.PASSWORD, request=self.request, user=form.get_user()
        )
        return response

    def form_invalid(self, form):
        # The typed username is logged only as the NAV ident of an account it names: a password typed into
        # the username field must never reach a log.
        staff = selectors.staff_by_username(username=form.data.get("username", ""))
        locked_out = getattr(self.request, "axes_locked_out", False)
        services.signin_log_record(
            event=SignInEvent.REFUSED,
            method=SignInMethod.PASSWORD,
            request=self.request,
            nav_ident=staff.nav_ident if staff is not None else "",
            reason=SignInRefusal.PASSWORD,
            detail="locked out" if locked_out else "",
        )
        return super().form_invalid(form)

    def get_success_url(self):
        return _landing_url(self.request.user, self.get_redirect_url())


@require_POST
def logout(request):
    """End the app's session; after an OIDC sign-in, go on to end the provider's session where it offers that."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    method = request.session.get(signin.SESSION_METHOD_KEY, SignInMethod.PASSWORD)
    id_token = request.session.get(signin.SESSION_ID_TOKEN_KEY, "")
    services.signin_log_record(event=SignInEvent.SIGN_OUT, method=method, request=request, user=request.user)
    auth.logout(request)
    if method == SignInMethod.OIDC and signin.oidc_enabled():
        provider_url = oidc.provider_logout_url(
            id_token=id_token, post_logout_redirect_uri=request.build_absolute_uri(resolve_url("login"))
        )
        if provider_url:
            # A page of our own that moves on, not a redirect: the form's CSP (form-action 'self') would
            # otherwise stop the browser from following a POST's redirect to the provider.
            response = render(request, "registration/provider_logout.html", {"provider_logout_url": provider_url})
            response["Cache-Control"] = "no-store"
            return response
    return redirect(settings.LOGOUT_REDIRECT_URL)


@method_decorator(never_cache, name="dispatch")
class OIDCStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with state, nonce and a PKCE (S256) challenge kept in the session."""

    def __init__(self, **kwargs):
        # The library reads the endpoint at construction; here it comes from provider() at request time.
        View.__init__(self, **kwargs)

    def get(self, request):
        if not signin.oidc_enabled():
            raise Http404
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        try:
            endpoints = oidc.provider()
        except oidc.ProviderUnavailable as error:
            return _refuse(request, SignInRefused(SignInRefusal.PROVIDER_ERROR, detail=str(error)))
        self.OIDC_OP_AUTH_ENDPOINT = endpoints.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


@method_decorator(never_cache, name="dispatch")
class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: the state is used once, then the backend checks the rest."""

    def get(self, request):
        if not signin.oidc_enabled():
            raise Http404
        states = request.session.get("oidc_states")
        state = request.GET.get("state", "")
        entry = states.pop(state, None) if isinstance(states, dict) and state else None
        if entry is not None:
            request.session.modified = True  # used once, whatever happens next
        error = request.GET.get("error")
        if error:
            code = error if _ERROR_CODE.match(error) else "unknown"
            return _refuse(request, SignInRefused(SignInRefusal.CANCELLED, detail=f"provider error {code}"))
        if not isinstance(entry, dict) or not request.GET.get("code"):
            return _refuse(request, SignInRefused(SignInRefusal.STATE))
        if time.time() - entry.get("added_on", 0) > signin.STATE_MAX_AGE_SECONDS:
            return _refuse(request, SignInRefused(SignInRefusal.STATE, detail="state too old"))
        try:
            user = auth.authenticate(
                request, oidc_callback=True, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
            )
        except SignInRefused as refusal:
            return _refuse(request, refusal)
        if user is None:  # axes refused it: too many failed attempts from here
            return _refuse(request, SignInRefused(SignInRefusal.PROVIDER_ERROR, detail="locked out"))
        next_url = request.session.get("oidc_login_next")
        auth.login(request, user)
        request.session[signin.SESSION_METHOD_KEY] = SignInMethod.OIDC
        request.session[signin.SESSION_ID_TOKEN_KEY] = getattr(user, "oidc_id_token", "")
        services.signin_log_record(event=SignInEvent.SIGN_IN, method=SignInMethod.OIDC, request=request, user=user)
        return redirect(_landing_url(user, next_url))


@login_required
@require_GET
def no_role(request):
    """For a staff member who can sign in but holds no role yet: says so, and who assigns roles."""
    if selectors.has_role(user=request.user):
        return redirect("core:start")
    return render(request, "core/no_role.html", {"administrators": selectors.role_administrators()})
