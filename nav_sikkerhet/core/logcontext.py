"""A request id for every log line, following a request into the Celery tasks it queues."""

import logging
import re
import uuid
from contextvars import ContextVar

from celery import signals

request_id: ContextVar[str] = ContextVar("request_id", default="")

REQUEST_ID_HEADER = "X-Request-Id"
TASK_HEADER = "request_id"
# A caller's id is kept only if it cannot carry anything but an id (never a query string or a name).
_VALID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def new_or_given(value: str | None) -> str:
    return value if value and _VALID.fullmatch(value) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class RequestIdMiddleware:
    """Takes the platform's X-Request-Id (or makes one), for the logs and the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_id.set(new_or_given(request.headers.get(REQUEST_ID_HEADER)))
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id.get()
            return response
        finally:
            request_id.reset(token)


@signals.before_task_publish.connect
def _send_request_id(headers=None, **_kwargs):
    current = request_id.get()
    if current and headers is not None:
        headers.setdefault(TASK_HEADER, current)


@signals.task_prerun.connect
def _take_request_id(task=None, **_kwargs):
    if task is None or task.request.is_eager:
        return  # run inside the request (no broker): it keeps the request's id
    given = getattr(task.request, TASK_HEADER, None)
    # A task queued by beat (no request) gets an id of its own, so its lines still group together.
    request_id.set(new_or_given(given))


@signals.task_postrun.connect
def _drop_request_id(task=None, **_kwargs):
    if task is not None and not task.request.is_eager:
        request_id.set("")
