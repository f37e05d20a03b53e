"""Every field that can hold personal data is covered by a retention kind or kept for a stated reason, so a new
field or model cannot slip past the schedule."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from simple_history.models import HistoricalChanges

from nav_sikkerhet.core import retention

PROJECT = Path(settings.BASE_DIR).resolve()


def _project_models():
    for model in apps.get_models():
        path = Path(model._meta.app_config.path).resolve()
        if PROJECT in path.parents and ".venv" not in path.parts and not issubclass(model, HistoricalChanges):
            yield model


def _may_hold_personal_data(field) -> bool:
    """Free text, a file, an address, or a link to a citizen or a staff member."""
    if isinstance(field, models.ForeignKey):
        return field.related_model._meta.label in {"core.Citizen", settings.AUTH_USER_MODEL}
    if isinstance(field, models.CharField) and field.choices:
        return False  # a category from a list
    return isinstance(field, (models.CharField, models.TextField, models.JSONField, models.FileField,
                              models.GenericIPAddressField))


def _covered() -> set[str]:
    return {entry for kind in retention.KINDS.values() for entry in kind.covers}


def test_every_field_that_may_hold_personal_data_is_removed_by_a_kind_or_kept_for_a_stated_reason():
    covered, kept = _covered(), set(retention.KEPT)
    missing = []
    for model in _project_models():
        label = model._meta.label
        for field in model._meta.fields:
            name = f"{label}.{field.name}"
            if _may_hold_personal_data(field) and not {label, name} & (covered | kept):
                missing.append(name)
    assert missing == [], "add these to a retention kind's covers, or to retention.not_personal with a reason"


def test_what_the_schedule_names_exists_and_is_either_removed_or_kept_never_both():
    entries = _covered() | set(retention.KEPT)
    for entry in entries:
        app_label, model_name, *field = entry.split(".")
        model = apps.get_model(app_label, model_name)
        if field:
            model._meta.get_field(field[0])
    assert not _covered() & set(retention.KEPT)
    assert all(reason.strip() for reason in retention.KEPT.values())


def test_the_walk_would_catch_a_new_free_text_or_person_link_but_not_a_category():
    from hendelser.models import Category, Incident

    assert _may_hold_personal_data(models.TextField())
    assert _may_hold_personal_data(models.CharField(max_length=10))
    assert _may_hold_personal_data(Incident._meta.get_field("citizen"))
    assert not _may_hold_personal_data(models.CharField(max_length=10, choices=Category.choices))
    assert not _may_hold_personal_data(models.DateField())
