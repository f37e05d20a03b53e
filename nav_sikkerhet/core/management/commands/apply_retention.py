"""Apply the retention schedule once (from cron); with --dry-run, list what would go and change nothing."""

from django.core.management.base import BaseCommand

from nav_sikkerhet.core import retention, services


class Command(BaseCommand):
    help = "Anonymise or delete what the retention schedule says has been kept long enough."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list what would go, per kind.")
        parser.add_argument("--markdown", action="store_true",
                            help="Print the schedule and record of processing for docs/retention.md; change nothing.")

    def handle(self, *args, dry_run=False, markdown=False, **options):
        if markdown:
            self.stdout.write(retention.markdown())
            return
        counts = services.retention_run(dry_run=dry_run)
        for kind in retention.schedule():
            self.stdout.write(f"{kind.key}={counts[kind.key]} days={kind.days}")
        if dry_run:
            self.stdout.write("dry run: nothing changed")
