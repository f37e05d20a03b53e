"""Duplicate JSON keys are refused by the API with a clear 400, never read as the last one."""

import pytest

from nav_sikkerhet.core.models import AuditLogEntry

from .test_api import api_key, assert_problem, call, key  # noqa: F401 – the fixtures are used by name

pytestmark = pytest.mark.django_db


def test_a_repeated_personident_is_refused_naming_the_key(client, key, citizen):  # noqa: F811
    body = f'{{"personident": "{citizen.personident}", "personident": "{citizen.personident}"}}'
    problem = assert_problem(call(client, body, key, raw=True), 400, field="personident")
    assert problem["errors"][0]["message"] == "The request body names the same key more than once."
    assert not AuditLogEntry.objects.exists()


def test_a_repeated_key_deeper_in_the_body_is_refused_too(client, key, citizen):  # noqa: F811
    body = f'{{"personident": "{citizen.personident}", "x": {{"a": 1, "a": 2}}}}'
    assert_problem(call(client, body, key, raw=True), 400, field="a")
