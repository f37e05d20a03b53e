"""Searching every table (history tables, the audit log, sessions …) and the media files for a text."""

from django.core.files.storage import default_storage
from django.db import connection

from nav_sikkerhet.core.retention import stored_names


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
    """The stored files holding ``text``, through the storage API: the filesystem or a bucket alike. The listing
    is the retention sweep's own, which test_retention_storage checks against the filesystem's."""
    found = []
    for name in stored_names():
        with default_storage.open(name) as file:
            if text.encode() in file.read():
                found.append(name)
    return found
