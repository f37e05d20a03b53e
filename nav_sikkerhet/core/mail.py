"""Django's SMTP backend, with the two waits a reminder e-mail needs to get right.

- The reply to the end of the message (DATA) is awaited for EMAIL_DATA_REPLY_TIMEOUT seconds (RFC 5321
  section 4.5.3.2.6 suggests ten minutes): a server that has taken the message but answers slowly must not be
  read as a failure, which would send the reminder again.
- When the send is interrupted (the task's soft time limit, an error), the connection is dropped at once
  instead of waiting EMAIL_TIMEOUT more for the reply to QUIT: the task then retries before its hard limit.
"""

import smtplib
import sys

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as DjangoEmailBackend


class _PatientSMTP(smtplib.SMTP):
    def data(self, msg):
        if self.sock is not None:
            self.sock.settimeout(settings.EMAIL_DATA_REPLY_TIMEOUT)
        try:
            return super().data(msg)
        finally:
            if self.sock is not None:
                self.sock.settimeout(self.timeout)


class _PatientSMTPSSL(smtplib.SMTP_SSL, _PatientSMTP):
    pass


class EmailBackend(DjangoEmailBackend):
    @property
    def connection_class(self):
        return _PatientSMTPSSL if self.use_ssl else _PatientSMTP

    def close(self):
        if self.connection is not None and sys.exc_info()[0] is not None:
            # Leaving because of an exception: no QUIT, whose reply could take EMAIL_TIMEOUT seconds more.
            try:
                self.connection.close()
            finally:
                self.connection = None
            return
        super().close()
