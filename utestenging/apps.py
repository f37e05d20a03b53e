from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UtestengingConfig(AppConfig):
    name = "utestenging"
    verbose_name = _("Exclusion and phone restriction")

    def ready(self):
        from nav_sikkerhet.core import startpage

        from . import citizen_data, lookup, retention, scheduled, selectors

        startpage.register("utestenging/_start_panel.html", selectors.start_panel)
        startpage.register("utestenging/_reception_panel.html", selectors.reception_panel)
        scheduled.register()
        lookup.register()
        citizen_data.register()
        retention.register()
