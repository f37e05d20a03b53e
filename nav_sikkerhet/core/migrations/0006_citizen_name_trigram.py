"""On PostgreSQL: the pg_trgm extension and a GIN trigram index on Citizen.name, for the
typo-tolerant name search at reception. SQLite has neither, and the search falls back there."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS core_citizen_name_trgm ON core_citizen USING gin (name gin_trgm_ops);
"""

DROP = "DROP INDEX IF EXISTS core_citizen_name_trgm;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_apikey")]
    operations = [migrations.RunPython(forwards, backwards)]
