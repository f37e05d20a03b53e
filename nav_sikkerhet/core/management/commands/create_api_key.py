"""Make an API key for an integrating system and print it once: only its hash is stored."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from nav_sikkerhet.core import services
from nav_sikkerhet.core.models import ApiScope


class Command(BaseCommand):
    help = "Create an API key for an integrating system (e.g. the contact centre's phone system) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("system", help="Name of the integrating system, e.g. kontaktsenter-telefoni.")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            choices=ApiScope.values,
            help=f"What the key may do; repeat for several. Default: {ApiScope.SIKKERHETSTILTAK_READ}.",
        )
        parser.add_argument("--expires", help="Last day the key is valid, YYYY-MM-DD (it stops at midnight after).")

    def handle(self, *args, system, scopes, expires=None, **options):
        if not system.strip():
            raise CommandError(_("Give the name of the integrating system."))
        expires_at = None
        if expires:
            try:
                last_day = datetime.date.fromisoformat(expires)
            except ValueError as error:
                raise CommandError(
                    _("Invalid date «%(value)s»: use the format YYYY-MM-DD.") % {"value": expires}
                ) from error
            expires_at = timezone.make_aware(datetime.datetime.combine(last_day + datetime.timedelta(days=1),
                                                                       datetime.time()))
        try:
            api_key, key = services.api_key_create(system=system, scopes=scopes, expires_at=expires_at)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stderr.write(
            _("API key for %(system)s (prefix %(prefix)s, scopes: %(scopes)s). It is shown only now; store it safely.")
            % {"system": api_key.system, "prefix": api_key.prefix, "scopes": ", ".join(api_key.scopes)}
        )
        self.stdout.write(key)
