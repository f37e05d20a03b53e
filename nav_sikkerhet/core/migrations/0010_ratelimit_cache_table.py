"""The database cache table the throttle counts in when no Redis is configured (settings.CACHES["ratelimit"])."""

from django.db import migrations

TABLE = "core_ratelimit_cache"


def create(apps, schema_editor):
    from django.core.management import call_command

    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0009_privacy_officer_role")]

    operations = [migrations.RunPython(create, drop)]
