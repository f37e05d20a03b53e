from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nav_sikkerhet.core"
    label = "core"
    verbose_name = _("Units, citizens and staff")

    def ready(self):
        from . import selectors, startpage

        startpage.register("core/_reminders_panel.html", selectors.reminders_panel)
