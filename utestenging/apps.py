from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UtestengingConfig(AppConfig):
    name = "utestenging"
    verbose_name = _("Exclusion and phone restriction")
