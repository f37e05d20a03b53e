"""NAV's audit log (auditlogg) as CEF lines on a dedicated logger, shipped over syslog by operations."""

import logging

from django.conf import settings
from django.utils import translation

logger = logging.getLogger("nav_sikkerhet.audit")

CEF_VERSION = "1.0"


def _escape_header(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|")


def _escape_extension(value: str) -> str:
    # CEF extension values escape backslash, equals and line breaks.
    return (
        value.replace("\\", "\\\\").replace("=", "\\=").replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    )


def _cef_line(*, subsystem: str, event: str, name: str, severity: str, extension: dict[str, str]) -> str:
    header = "|".join(
        _escape_header(part)
        for part in ("CEF:0", settings.AUDIT_CEF_SYSTEM, subsystem, CEF_VERSION, event, name, severity)
    )
    return header + "|" + " ".join(f"{key}={_escape_extension(value)}" for key, value in extension.items())


def format_cef(entry, *, severity: str = "INFO") -> str:
    """One audit-log entry in ArcSight Common Event Format, as NAV's standard describes it."""
    # Staff act through the web; an entry without a staff member was made by an integrating system.
    subsystem = "web" if entry.actor_id else "api"
    extension = {
        "suid": entry.actor_ident,
        "duid": entry.personident,
        "end": str(int(entry.created_at.timestamp() * 1000)),
        "request": entry.request_path,
        "requestMethod": entry.request_method,
        "msg": entry.message,
    }
    return _cef_line(
        subsystem=subsystem, event=entry.event, name="Sporingslogg", severity=severity, extension=extension
    )


def format_signin_cef(entry) -> str:
    """One sign-in log entry (sign-in, refused sign-in, sign-out) in CEF: no citizen (duid), never a token."""
    from .models import SignInEvent

    refused = entry.event == SignInEvent.REFUSED
    with translation.override(settings.LANGUAGE_CODE):
        name = str(SignInEvent(entry.event).label)
    extension = {
        "suid": entry.nav_ident,
        "src": entry.source_ip or "",
        "end": str(int(entry.created_at.timestamp() * 1000)),
        "request": entry.request_path,
        "requestMethod": entry.request_method,
        "outcome": "failure" if refused else "success",
        "reason": entry.reason,
        "cs1Label": "method",
        "cs1": entry.method,
        "msg": entry.message,
    }
    return _cef_line(
        subsystem="web",
        event=f"authentication:{entry.event}",
        name=name,
        severity="WARN" if refused else "INFO",
        extension={key: value for key, value in extension.items() if value},
    )


def emit(entry) -> None:
    logger.info(format_cef(entry))


def emit_signin(entry) -> None:
    logger.info(format_signin_cef(entry))
