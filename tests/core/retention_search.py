"""Searching every table (history tables, the audit log, sessions …) and the media files for a text."""

from pathlib import Path

from django.conf import settings
from django.db import connection


def identifiers(citizen) -> list[str]:
    return [citizen.personident, citizen.name, citizen.address]


def tables_holding(text: str) -> list[str]:
    """Every table (history tables, the audit log, sessions …) with a row whose text contains ``text``."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s', [f"%{text}%"])
            if cursor.fetchone()[0]:
                found.append(table)
    return found


def files_holding(text: str) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return [str(p) for p in root.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]
