"""JSON log lines carry the request id, from the request into the Celery tasks it queues."""

import io
import json
import logging
from types import SimpleNamespace

import pytest
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from nav_sikkerhet.core import logcontext

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_stream():
    """The root logger writing as the production settings do (JSON with the request id) into a buffer."""
    config = settings.LOGGING["formatters"]["json"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(config["format"], rename_fields=config["rename_fields"]))
    handler.addFilter(logcontext.RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_keeps_the_platforms_request_id_and_logs_it(client, json_stream, monkeypatch):
    from nav_sikkerhet.core import views

    original = views.check_redis

    def logging_check():
        logging.getLogger("nav_sikkerhet.core.views").warning("checking redis")
        return original()

    monkeypatch.setattr(views, "check_redis", logging_check)
    response = client.get("/healthz", HTTP_X_REQUEST_ID="3f1c2a9e-platform-id")
    assert response["X-Request-Id"] == "3f1c2a9e-platform-id"
    (line,) = [entry for entry in lines(json_stream) if entry["message"] == "checking redis"]
    assert line["request_id"] == "3f1c2a9e-platform-id"
    assert {"timestamp", "level", "logger"} <= set(line)


def test_an_id_that_is_not_an_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="12345678901 Ola Nordmann")
    assert response["X-Request-Id"] != "12345678901 Ola Nordmann" and len(response["X-Request-Id"]) == 32


def test_the_request_id_travels_with_a_queued_task():
    token = logcontext.request_id.set("a1b2c3d4e5f6")
    try:
        headers = {}
        logcontext._send_request_id(headers=headers)
    finally:
        logcontext.request_id.reset(token)
    assert headers == {logcontext.TASK_HEADER: "a1b2c3d4e5f6"}
    # The worker: the header is an attribute of the task's request.
    task = SimpleNamespace(request=SimpleNamespace(is_eager=False, request_id="a1b2c3d4e5f6"))
    logcontext._take_request_id(task=task)
    assert logcontext.request_id.get() == "a1b2c3d4e5f6"
    logcontext._drop_request_id(task=task)
    assert logcontext.request_id.get() == ""


def test_a_task_from_beat_gets_an_id_of_its_own():
    task = SimpleNamespace(request=SimpleNamespace(is_eager=False))
    logcontext._take_request_id(task=task)
    assert len(logcontext.request_id.get()) == 32
    logcontext._drop_request_id(task=task)
