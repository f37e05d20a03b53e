from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisikoConfig(AppConfig):
    name = "risiko"
    verbose_name = _("Risk and vulnerability analyses")
