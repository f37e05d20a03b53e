from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisikoConfig(AppConfig):
    name = "risiko"
    verbose_name = _("Risk and vulnerability analyses")

    def ready(self):
        from nav_sikkerhet.core import startpage

        from . import scheduled, selectors

        startpage.register("risiko/_start_panel.html", selectors.start_panel)
        scheduled.register()
