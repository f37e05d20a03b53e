"""Who was shown a citizen's data between two dates (for the citizen's right of access)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nav_sikkerhet.core import selectors
from nav_sikkerhet.core.identity import parse_personident
from nav_sikkerhet.core.models import User


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("Invalid date «%(value)s»: use the format YYYY-MM-DD.") % {"value": value}) from error


class Command(BaseCommand):
    help = "Print the access report (audit log) for one identity number between two dates."

    def add_arguments(self, parser):
        parser.add_argument("personident", help="The citizen's fødselsnummer or D-number.")
        parser.add_argument("--from", dest="date_from", required=True, help="First date, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", required=True, help="Last date, YYYY-MM-DD.")
        parser.add_argument("--by", required=True, help="NAV ident of the leader producing the report.")

    def handle(self, *args, personident, date_from, date_to, by, **options):
        date_from, date_to = _date(date_from), _date(date_to)
        if date_to < date_from:
            raise CommandError(_("The to date cannot be before the from date."))
        try:
            number = parse_personident(personident).number
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user = User.objects.filter(nav_ident=by.upper(), is_active=True).first()
        if user is None:
            raise CommandError(_("No active staff member has the NAV ident %(ident)s.") % {"ident": by})
        try:
            report = selectors.access_report(user=user, personident=number, date_from=date_from, date_to=date_to)
        except Http404 as error:
            raise CommandError(_("%(ident)s may not produce access reports.") % {"ident": by}) from error
        name = report.citizen.name if report.citizen else _("(not registered in the system)")
        self.stdout.write(
            _("Access report for %(name)s, %(from)s–%(to)s")
            % {"name": name, "from": f"{date_from:%d.%m.%Y}", "to": f"{date_to:%d.%m.%Y}"}
        )
        count = 0
        for entry in report.entries:
            count += 1
            self.stdout.write(
                f"{timezone.localtime(entry.created_at):%d.%m.%Y %H:%M:%S}\t{entry.actor_ident}\t{entry.message}\t"
                f"{entry.request_method} {entry.request_path}".rstrip()
            )
        self.stdout.write(ngettext("%(count)d look-up.", "%(count)d look-ups.", count) % {"count": count})
