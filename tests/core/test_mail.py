"""core/mail.py: a slow final reply is waited for; an interrupted send does not wait for QUIT."""

import smtplib
import time

import pytest
from django.core.mail import EmailMessage, get_connection

from ..smtp_stub import SlowSMTPServer


@pytest.fixture
def smtp(settings):
    servers = []

    def start(**kwargs):
        server = SlowSMTPServer(**kwargs)
        servers.append(server)
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        return server

    settings.EMAIL_BACKEND = "nav_sikkerhet.core.mail.EmailBackend"
    settings.EMAIL_TIMEOUT = 1
    settings.EMAIL_DATA_REPLY_TIMEOUT = 5
    yield start
    for server in servers:
        server.close()


def message():
    return EmailMessage("Påminnelse", "Frist i dag.", "nav-sikkerhet@nav.no", ["leder@nav.no"],
                        headers={"Message-ID": "<reminder-1@nav-sikkerhet>"})


def test_a_late_reply_to_the_message_is_waited_for_not_read_as_a_failure(smtp):
    server = smtp(data_reply_delay=2)  # longer than EMAIL_TIMEOUT, within EMAIL_DATA_REPLY_TIMEOUT
    assert message().send(fail_silently=False) == 1
    assert len(server.messages) == 1


def test_django_s_own_backend_would_have_failed_and_sent_it_again(smtp, settings):
    """What the issue measured: the reply came after EMAIL_TIMEOUT, the send raised, the retry sent it twice."""
    server = smtp(data_reply_delay=2)
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend")
    with pytest.raises((TimeoutError, smtplib.SMTPServerDisconnected)):
        connection.send_messages([message()])
    assert len(server.messages) == 1  # taken, yet reported as failed


def test_an_interrupted_send_does_not_wait_for_the_reply_to_quit(smtp, settings):
    smtp(hang_after_data=True, answer_quit=False)
    settings.EMAIL_TIMEOUT, settings.EMAIL_DATA_REPLY_TIMEOUT = 3, 1
    started = time.monotonic()
    with pytest.raises((TimeoutError, smtplib.SMTPServerDisconnected)):
        message().send(fail_silently=False)  # the reply to DATA times out (EMAIL_DATA_REPLY_TIMEOUT)
    # Django's backend would then wait EMAIL_TIMEOUT more for the reply to QUIT; this one closes at once.
    assert time.monotonic() - started < 1 + 1.5
