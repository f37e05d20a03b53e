"""Driving the sign-in through the test provider: the Django test client on our side, HTTP on the provider's."""

from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import pytest
import requests
from django.urls import reverse

from nav_sikkerhet.core import oidc

from ..oidc_provider import TestProvider

# Staff as the provider knows them: the claims Entra ID gives NAV's applications.
LENE = {"NAVident": "Z990001", "name": "Leder, Lene", "email": "lene.leder@nav.no",
        "preferred_username": "lene.leder@nav.no"}


def replace_query(url: str, **params) -> str:
    parts = urlparse(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return urlunparse(parts._replace(query=urlencode({**query, **params})))


def start(client, *, next_url: str | None = None) -> str:
    """Begin the sign-in; returns the provider's authorization URL the app sends the browser to."""
    response = client.get(reverse("oidc_authentication_init"), {"next": next_url} if next_url else {})
    assert response.status_code == 302, response
    return response["Location"]


def authorize(authorization_url: str, sub: str, *, deny: bool = False) -> str:
    """What the staff member does on the provider's page; returns where the provider sends the browser back."""
    data = {"action": "deny"} if deny else {"sub": sub}
    response = requests.post(authorization_url, data=data, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def callback(client, callback_url: str):
    parts = urlparse(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, sub: str, *, next_url: str | None = None):
    """The whole flow for one staff member; returns the app's answer to the callback."""
    return callback(client, authorize(start(client, next_url=next_url), sub))


@pytest.fixture(autouse=True)
def _fresh_discovery():
    oidc._discovery_cache.clear()
    yield
    oidc._discovery_cache.clear()


@pytest.fixture
def provider():
    with TestProvider(users={"lene": LENE}) as running:
        yield running


@pytest.fixture
def oidc_settings(settings, provider):
    """OIDC configured against the test provider, and passwords off, as in production."""
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.ALLOW_TEST_IDENTS = False
    settings.OIDC_CREATE_USERS = False
    return settings
