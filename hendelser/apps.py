from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HendelserConfig(AppConfig):
    name = "hendelser"
    verbose_name = _("Incidents")
