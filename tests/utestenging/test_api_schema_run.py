"""A short, seeded schemathesis run against the API's own OpenAPI schema: every answer conforms, none is 5xx."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi import checks

from nav_sikkerhet.core import services as core_services

pytestmark = pytest.mark.django_db

# Loaded through the app itself, as a client would: the schema the test checks is the one served.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_tests_connection():
    """As Django's test client does: the test's transaction outlives each request, so the handler must not
    close the connection when a request ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def key(db):
    return core_services.api_key_create(system="schemathesis")[1]


@schema.parametrize()
@hypothesis_settings(
    max_examples=60, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_its_schema(case, key):
    # Random 11-digit strings match the pattern but rarely carry valid control digits; the API rightly
    # refuses them, so "schema-valid data is accepted" is not a property of this API.
    case.call_and_validate(headers={"Authorization": f"Bearer {key}"},
                           excluded_checks=[checks.positive_data_acceptance])
