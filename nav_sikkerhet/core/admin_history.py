"""The admin's change history in words: choice labels, local time to the minute, people by name, no "None"."""

import datetime

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "–"


def display_value(field: models.Field, value, *, choices=None) -> str:
    """One field value as a reader wants it; ``choices`` labels the items of a JSON list field."""
    if isinstance(value, DeletedObject):
        # simple_history reports an empty foreign key as a deleted object with pk None.
        if value.pk is None:
            return EMPTY
        return _("Deleted %(type)s (no. %(id)s)") % {"type": value.model._meta.verbose_name, "id": value.pk}
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):
        labels = dict(choices or field.flatchoices or [])
        return ", ".join(str(labels.get(item, item)) for item in value)
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(local.replace(second=0, microsecond=0), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """Formats each changed field with :func:`display_value` before simple_history shortens and escapes it."""

    def __init__(self, model, historical_record, *, json_choices=None, **kwargs):
        super().__init__(model, historical_record, **kwargs)
        self.json_choices = json_choices or {}

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            related = super().prepare_delta_change_value(change, value)
            return ", ".join(str(obj) for obj in related) or EMPTY
        return display_value(field, value, choices=self.json_choices.get(change.field))


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin with a readable history page; ``history_json_choices`` labels JSON list fields,
    on the history page and on the change page (where Django would show them as raw JSON: ["threats"])."""

    object_history_list_template = "admin/readable_history_list.html"
    history_json_choices: dict[str, list] = {}

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        for name, choices in self.history_json_choices.items():
            setattr(self, f"{name}_labels", self._labels(model._meta.get_field(name), choices))

    @staticmethod
    def _labels(field, choices):
        def labels(obj):
            return display_value(field, getattr(obj, field.name), choices=choices)

        labels.short_description = field.verbose_name
        return labels

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or []), *self.history_json_choices]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *(f"{name}_labels" for name in self.history_json_choices)]

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record, json_choices=self.history_json_choices)

    def history_view(self, request, object_id, extra_context=None):
        extra = {"empty_value": EMPTY, **(extra_context or {})}
        return super().history_view(request, object_id, extra)

