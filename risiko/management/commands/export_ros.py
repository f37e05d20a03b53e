"""Write a ROS analysis as JSON: each event with its probability, consequence and zone before and after measures."""

from django.core.management.base import BaseCommand, CommandError

from risiko import interchange
from risiko.models import Analysis


class Command(BaseCommand):
    help = "Export a ROS analysis to standard output (JSON), in the format import_ros reads."

    def add_arguments(self, parser):
        parser.add_argument("analysis_id", type=int)
        parser.add_argument("--format", choices=["json", "csv"], default="json",
                            help="json: the whole analysis; csv: its measures.")

    def handle(self, *args, analysis_id: int, format: str, **options):  # noqa: A002 – the option's name
        analysis = Analysis.objects.select_related("unit", "owner", "matrix").filter(pk=analysis_id).first()
        if analysis is None:
            raise CommandError(f"No ROS analysis has the id {analysis_id}.")
        self.stdout.write(interchange.export_json(analysis) if format == "json" else interchange.measures_csv(analysis))
