"""Load a ROS analysis from a JSON file (the Hordaland format, or an export) for a unit, or as a template."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from nav_sikkerhet.core.models import Unit
from risiko import interchange, services


class Command(BaseCommand):
    help = "Import a ROS analysis from a JSON file, all or nothing, as a draft of the unit (or as a template)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--unit", help="The unit's four-digit enhetsnummer.")
        target.add_argument("--template", action="store_true", help="Load it as a template units start from.")

    def handle(self, *args, file: Path, unit=None, template=False, **options):
        target = None
        if unit:
            target = Unit.objects.filter(number=unit).first()
            if target is None:
                raise CommandError(f"No unit has the number {unit}.")
        try:
            data = interchange.load(file.read_bytes())
            analysis = services.analysis_import(by=None, data=data, unit=target, as_template=template)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        except ValidationError as error:
            # One line, whatever the file held: the message names the place.
            raise CommandError(" ".join("; ".join(error.messages).split())) from error
        self.stdout.write(self.style.SUCCESS(
            f"Imported analysis {analysis.pk} «{analysis.title}» with {analysis.events.count()} events."
        ))
