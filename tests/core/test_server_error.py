"""A request whose database connection died answers 503 "try again" with Retry-After, never 500."""

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.urls import path

from nav_sikkerhet.core.views import DATABASE_RETRY_AFTER


def lost_connection(request):
    raise OperationalError("server closed the connection unexpectedly")


def closed_connection(request):
    raise InterfaceError("connection already closed")


def session_lost(request):
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.exceptions import SessionInterrupted

    try:
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError as error:
            raise UpdateError from error
    except UpdateError as error:
        raise SessionInterrupted("The request's session was deleted before the request completed.") from error


def broken(request):
    raise ValueError("a bug")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [
    path("lost/", lost_connection), path("closed/", closed_connection), path("api/v1/lost/", lost_connection),
    path("bug/", broken), path("ok/", fine), path("session/", session_lost),
]
handler400 = "nav_sikkerhet.core.views.bad_request"
handler500 = "nav_sikkerhet.core.views.server_error"


@pytest.fixture
def web(client, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url", ["/lost/", "/closed/", "/session/"])
def test_lost_connection_is_a_try_again_page(web, url):
    response = web.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)
    assert "Prøv igjen om litt".encode() in response.content


def test_lost_connection_in_the_api_is_a_problem_document(web):
    response = web.get("/api/v1/lost/")
    assert response.status_code == 503 and response["Retry-After"] == str(DATABASE_RETRY_AFTER)
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 503


def test_any_other_error_is_still_the_500_page(web):
    response = web.get("/bug/")
    assert response.status_code == 500 and "Retry-After" not in response
