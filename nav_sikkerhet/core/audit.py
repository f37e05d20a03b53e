"""NAV's audit log (auditlogg) as CEF lines on a dedicated logger, shipped over syslog by operations."""

import logging

from django.conf import settings

logger = logging.getLogger("nav_sikkerhet.audit")

CEF_VERSION = "1.0"


def _escape_header(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|")


def _escape_extension(value: str) -> str:
    # CEF extension values escape backslash, equals and line breaks.
    return (
        value.replace("\\", "\\\\").replace("=", "\\=").replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    )


def format_cef(entry, *, severity: str = "INFO") -> str:
    """One audit-log entry in ArcSight Common Event Format, as NAV's standard describes it."""
    # Staff act through the web; an entry without a staff member was made by an integrating system.
    subsystem = "web" if entry.actor_id else "api"
    header = "|".join(
        _escape_header(part)
        for part in ("CEF:0", settings.AUDIT_CEF_SYSTEM, subsystem, CEF_VERSION, entry.event, "Sporingslogg", severity)
    )
    extension = {
        "suid": entry.actor_ident,
        "duid": entry.personident,
        "end": str(int(entry.created_at.timestamp() * 1000)),
        "request": entry.request_path,
        "requestMethod": entry.request_method,
        "msg": entry.message,
    }
    return header + "|" + " ".join(f"{key}={_escape_extension(value)}" for key, value in extension.items())


def emit(entry) -> None:
    logger.info(format_cef(entry))
