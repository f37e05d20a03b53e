"""django-simple-history's change history, with the history models named in the reader's language."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history import models as simple_history


class HistoricalRecords(simple_history.HistoricalRecords):
    """As simple_history's, but "historical <model>" is translated when shown, not fixed in English at import.

    In English the names are as before, so the migrations (made without translations) see no change.
    """

    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            meta["verbose_name"] = format_lazy(_("historical {name}"), name=model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            meta["verbose_name_plural"] = format_lazy(
                pgettext_lazy("plural", "historical {name}"), name=model._meta.verbose_name_plural
            )
        return meta
