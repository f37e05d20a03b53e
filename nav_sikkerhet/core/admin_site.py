"""The admin signs in and out through the app's own pages, so one set of rules and the sign-in log apply."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import signin


class NavAdminSite(admin.AdminSite):
    """Django's admin without a login form of its own; password pages only where passwords are allowed."""

    def login(self, request, extra_context=None):
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            next_url = index
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
        if self.has_permission(request):
            return redirect(next_url)
        messages.error(request, _("You do not have access to the administration."))
        return redirect("core:start")

    def logout(self, request, extra_context=None):
        from .signin_views import logout

        return logout(request)

    def password_change(self, request, extra_context=None):
        if not signin.password_login_allowed():
            raise Http404
        return super().password_change(request, extra_context)

    def password_change_done(self, request, extra_context=None):
        if not signin.password_login_allowed():
            raise Http404
        return super().password_change_done(request, extra_context)

    def each_context(self, request):
        context = super().each_context(request)
        context["password_login_allowed"] = signin.password_login_allowed()
        return context
