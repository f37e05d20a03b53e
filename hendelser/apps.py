from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HendelserConfig(AppConfig):
    name = "hendelser"
    verbose_name = _("Incidents")

    def ready(self):
        from nav_sikkerhet.core import startpage

        from . import citizen_data, retention, scheduled, selectors

        startpage.register("hendelser/_start_panel.html", selectors.start_panel)
        scheduled.register()
        citizen_data.register()
        retention.register()
