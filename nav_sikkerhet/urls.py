from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import signin_views
from nav_sikkerhet.core import views as core_views
from utestenging.api import api

handler400 = "nav_sikkerhet.core.views.bad_request"
handler500 = "nav_sikkerhet.core.views.server_error"

admin.site.site_header = _("NAV security measures – administration")
admin.site.site_title = _("NAV security measures")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("logg-inn/", signin_views.LoginView.as_view(), name="login"),
    path("logg-ut/", signin_views.logout, name="logout"),
    # OpenID Connect with NAV's Entra ID; register <site>/oidc/callback/ as the app's redirect URI.
    path("oidc/authenticate/", signin_views.OIDCStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", signin_views.OIDCCallbackView.as_view(), name="oidc_authentication_callback"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("beslutninger/", include("utestenging.urls")),
    path("mottak/", include("utestenging.lookup_urls")),
    path("hendelser/", include("hendelser.urls")),
    path("risiko/", include("risiko.urls")),
    path("api/v1/", api.urls),
    path("", include("nav_sikkerhet.core.urls")),
]
