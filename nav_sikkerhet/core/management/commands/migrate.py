"""`migrate`, one at a time per database: every web pod runs it at start, and two pods start together.

On PostgreSQL a session advisory lock is held around Django's own migrate, so a second run waits for the first
and then finds nothing left to apply, instead of racing it (two CREATE TABLEs, a duplicate django_migrations
row). Other databases (SQLite in development) migrate as before.
"""

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

# Any fixed 64-bit number; advisory locks are per database, so it only meets this app's own runs.
MIGRATE_LOCK_KEY = 0x6E61_765F_6D69_6772  # "nav_migr"


class Command(MigrateCommand):
    help = MigrateCommand.help + " Waits for another migrate on the same PostgreSQL database to finish first."

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
            if not cursor.fetchone()[0]:
                if options["verbosity"] >= 1:
                    self.stdout.write("Another migrate is running on this database; waiting for it to finish.")
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
        try:
            return super().handle(*args, **options)
        finally:
            # A lost connection has released the lock with the session; nothing to undo then.
            if connection.connection is not None and connection.is_usable():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
