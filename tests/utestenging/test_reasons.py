"""The rule for texts the letters print as NAV's facts or reasoning, on plain strings: no database."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from utestenging import reasons
from utestenging.models import AlternativeAssessment, Decision, Fact, ServiceComplaint


def _nb(message, **args):
    with translation.override("nb"):
        return gettext(message) % args if args else gettext(message)


@pytest.mark.parametrize("text", ["x", "X", "-", "--", "...", "…", "ok", "OK!", "se over", "Se  over.", "ingen",
                                  "TBD", "n/a", "?", " ikke aktuelt "])
def test_a_placeholder_is_no_reason_whatever_its_case_spacing_or_punctuation(text):
    with translation.override("nb"):
        problem = reasons.problem(text, reasons.ASSESSMENT)
    assert problem == _nb("«%(text)s» is a placeholder, not a reason: write what NAV found and why.",
                          text=text.strip())


def test_an_assessment_needs_six_words_and_a_dated_fact_four():
    assert reasons.problem("Du slo en ansatt i mottaket.", reasons.FACT) == ""
    with translation.override("nb"):
        assert reasons.problem("Du slo en ansatt i mottaket.", reasons.ASSESSMENT) == ""
        assert reasons.problem("Ansatte er redde.", reasons.ASSESSMENT) == _nb(
            "Write at least %(needed)d words, as a whole sentence (now %(count)d).", needed=6, count=3)


def test_the_minimum_is_a_setting_per_kind(settings):
    settings.REASON_MIN_WORDS = {**settings.REASON_MIN_WORDS, "answer": 2}
    assert reasons.is_reason("Vi beklager.", reasons.ANSWER)
    assert not reasons.is_reason("Vi beklager.", reasons.REASON)


def test_a_copy_of_another_reasoning_text_is_no_reasoning_of_its_own():
    text = "Du har truet ansatte flere ganger i mottaket."
    with translation.override("nb"):
        problem = reasons.problem(f"{text.upper()}!", reasons.ASSESSMENT, {"Risiko for gjentakelse": text})
    assert problem == _nb("The same text as «%(other)s»: each assessment needs its own reasoning.",
                          other="Risiko for gjentakelse")


def test_an_empty_text_is_not_yet_a_reason():
    assert not reasons.is_reason("   ", reasons.REASON)


def test_every_listed_field_exists_on_its_model_and_has_a_kind_with_a_minimum():
    models = {"utestenging.Decision": Decision, "utestenging.Fact": Fact,
              "utestenging.AlternativeAssessment": AlternativeAssessment,
              "utestenging.ServiceComplaint": ServiceComplaint}
    for label, fields in reasons.REASONED_FIELDS.items():
        for name, kind in fields.items():
            models[label]._meta.get_field(name)
            assert kind in settings.REASON_MIN_WORDS


def test_clean_checks_a_text_when_it_is_written_and_leaves_an_old_one_to_the_checklist():
    decision = Decision(risk_of_repetition="x")
    assert list(reasons.field_errors(decision)) == ["risk_of_repetition"]
    decision._loaded_values = {"risk_of_repetition": "x"}
    assert reasons.field_errors(decision) == {}
    assert list(reasons.field_errors(decision, only_changed=False)) == ["risk_of_repetition"]


def test_the_hint_gets_the_same_settings_and_messages():
    hint = reasons.hint_settings()
    assert hint["min_words"] == settings.REASON_MIN_WORDS
    assert "se over" in hint["placeholders"] and "" in hint["placeholders"]
    assert set(hint["messages"]) == {"empty", "placeholder", "short", "same", "ok"}
