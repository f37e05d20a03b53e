from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import views as core_views
from utestenging.api import api

admin.site.site_header = _("NAV security measures – administration")
admin.site.site_title = _("NAV security measures")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("logg-inn/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("beslutninger/", include("utestenging.urls")),
    path("mottak/", include("utestenging.lookup_urls")),
    path("hendelser/", include("hendelser.urls")),
    path("api/v1/", api.urls),
    path("", include("nav_sikkerhet.core.urls")),
]
