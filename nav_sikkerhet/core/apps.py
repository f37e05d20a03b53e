from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nav_sikkerhet.core"
    label = "core"
    verbose_name = _("Units, citizens and staff")

    def ready(self):
        from . import checks, retention, selectors, startpage  # noqa: F401 – checks and retention register

        startpage.register("core/_reminders_panel.html", selectors.reminders_panel)
        from . import access

        access.connect_signals()


class NavAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with NavAdminSite as admin.site (named in INSTALLED_APPS, so never this module's default)."""

    default = False
    default_site = "nav_sikkerhet.core.admin_site.NavAdminSite"


class NavAxesConfig(axes_apps.AppConfig):
    """django-axes under a name the admin's users understand (axes gives its app no verbose name: "Axes")."""

    default = False
    verbose_name = _("Sign-in lockouts")
