"""The app behind gunicorn, with one slow address (/slow: two seconds, then the app's liveness answer)."""

import time

from nav_sikkerhet.wsgi import application as django_application


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/slow":
        time.sleep(2)
        environ = {**environ, "PATH_INFO": "/internal/isalive"}
    return django_application(environ, start_response)
