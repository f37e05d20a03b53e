"""Run the scheduled sweep once: for installations without Redis, from cron (see docs/scheduled-jobs.md)."""

from django.core.management.base import BaseCommand

from nav_sikkerhet.core import scheduling


class Command(BaseCommand):
    help = "Run the daily jobs once: activate and expire decisions, create and send reminders."

    def handle(self, *args, **options):
        result = scheduling.run_sweep()
        self.stdout.write(f"jobs={result.jobs} reminders_queued={result.queued} reminders_closed={result.closed}")
