"""How the admin history writes one changed value: labels, local time, names, a dash for nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from simple_history.models import DeletedObject

from nav_sikkerhet.core.admin_history import EMPTY, display_value
from nav_sikkerhet.core.models import Citizen, User
from utestenging.models import Decision, Ground, Status


def field(model, name):
    return model._meta.get_field(name)


@pytest.fixture(autouse=True)
def _bokmal():
    with translation.override("nb"):
        yield


def test_a_choice_shows_its_label_not_its_code():
    assert display_value(field(Decision, "status"), Status.SIGNED) == str(Status.SIGNED.label)


def test_a_json_list_of_codes_shows_labels_in_order():
    shown = display_value(field(Decision, "grounds"), ["violence", "threats"], choices=Ground.choices)
    assert shown == f"{Ground.VIOLENCE.label}, {Ground.THREATS.label}"


@pytest.mark.parametrize("value", [None, "", []])
def test_nothing_is_a_dash_not_none(value):
    assert display_value(field(Decision, "lift_reason"), value) == EMPTY


def test_an_empty_foreign_key_is_a_dash_not_a_deleted_user():
    assert display_value(field(Decision, "signed_by"), DeletedObject(User, None)) == EMPTY


def test_a_really_deleted_foreign_key_says_so_in_words():
    shown = display_value(field(Decision, "citizen"), DeletedObject(Citizen, 7))
    assert "7" in shown and "pk=" not in shown and "Slettet" in shown


def test_a_utc_time_shows_in_oslo_time_to_the_minute():
    at = datetime.datetime(2026, 12, 3, 8, 5, 59, 123456, tzinfo=datetime.UTC)
    assert display_value(field(Decision, "signed_at"), at) == "03.12.2026 09:05"
    summer = datetime.datetime(2026, 6, 1, 22, 30, tzinfo=ZoneInfo("UTC"))
    assert display_value(field(Decision, "signed_at"), summer) == "02.06.2026 00:30"


def test_a_date_is_day_month_year():
    assert display_value(field(Decision, "valid_from"), datetime.date(2026, 1, 5)) == "05.01.2026"


def test_a_yes_no_field_is_a_word():
    assert display_value(field(User, "is_active"), True) == "Ja"


@pytest.mark.parametrize(("language", "singular", "plural"), [
    ("nb", "historisk beslutning", "historiske beslutninger"),
    ("nn", "historisk avgjerd", "historiske avgjerder"),
    ("en", "historical decision", "historical decisions"),
])
def test_the_history_models_are_named_in_the_readers_language(language, singular, plural):
    meta = Decision.history.model._meta
    with translation.override(language):
        assert (str(meta.verbose_name), str(meta.verbose_name_plural)) == (singular, plural)


def test_every_history_model_names_its_model_not_a_fixed_english_text():
    from django.apps import apps
    from simple_history.manager import HistoryManager

    history_models = [m.history.model for m in apps.get_models()
                      if isinstance(getattr(m, "history", None), HistoryManager)]
    assert len(history_models) >= 20
    for model in history_models:
        with translation.override("nn"):
            assert str(model._meta.verbose_name).startswith("historisk "), model
