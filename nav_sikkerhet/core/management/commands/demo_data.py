"""Idempotent demo data: units in Oslo and Bergen, a contact-centre result area, staff and citizens."""

import contextlib
import datetime
import importlib.util
import logging
import random

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from nav_sikkerhet.core import scheduling, services
from nav_sikkerhet.core.demo_logins import DEMO_PASSWORD, FIRST_LOGIN
from nav_sikkerhet.core.identity import generate_synthetic
from nav_sikkerhet.core.models import Citizen, Employer, Language, Role, RoleAssignment, Unit, UnitType, User

OSLO = {"municipality_number": "0301", "municipality_name": "Oslo", "region": "Oslo"}
BERGEN = {"municipality_number": "4601", "municipality_name": "Bergen", "region": "Vestland"}

UNITS = [
    {
        "number": "0315",
        "name": "NAV Grünerløkka",
        "unit_type": UnitType.NAV_KONTOR,
        "result_area": "NAV-kontor",
        **OSLO,
    },
    {"number": "0328", "name": "NAV Grorud", "unit_type": UnitType.NAV_KONTOR, "result_area": "NAV-kontor", **OSLO},
    {"number": "0314", "name": "NAV Sagene", "unit_type": UnitType.NAV_KONTOR, "result_area": "NAV-kontor", **OSLO},
    {"number": "0312", "name": "NAV Frogner", "unit_type": UnitType.NAV_KONTOR, "result_area": "NAV-kontor", **OSLO},
    {"number": "1203", "name": "NAV Årstad", "unit_type": UnitType.NAV_KONTOR, "result_area": "NAV-kontor", **BERGEN},
    {
        "number": "1202",
        "name": "NAV Bergenhus",
        "unit_type": UnitType.NAV_KONTOR,
        "result_area": "NAV-kontor",
        **BERGEN,
    },
    {"number": "1210", "name": "NAV Fana", "unit_type": UnitType.NAV_KONTOR, "result_area": "NAV-kontor", **BERGEN},
    {
        "number": "4153",
        "name": "NAV Kontaktsenter Oslo",
        "unit_type": UnitType.KONTAKTSENTER,
        "result_area": "NAV Kontaktsenter",
        **OSLO,
    },
    {
        "number": "4155",
        "name": "NAV Kontaktsenter Vestland",
        "unit_type": UnitType.KONTAKTSENTER,
        "result_area": "NAV Kontaktsenter",
        **BERGEN,
    },
    {
        "number": "4703",
        "name": "NAV Hjelpemiddelsentral Oslo",
        "unit_type": UnitType.HJELPEMIDDELSENTRAL,
        "result_area": "NAV Hjelpemidler og tilrettelegging",
        **OSLO,
    },
    {
        "number": "4488",
        "name": "NAV Arbeid og ytelser Bergen",
        "unit_type": UnitType.FORVALTNING,
        "result_area": "NAV Arbeid og ytelser",
        **BERGEN,
    },
]

# username, NAV ident, first name, last name, title, unit number, role
STAFF = [
    ("leder", "Z990001", "Lene", "Leder", "Enhetsleder", "0315", Role.ENHETSLEDER),
    ("stedfortreder", "Z990002", "Stian", "Stedfortreder", "Avdelingsleder", "0315", Role.STEDFORTREDER),
    ("saksbehandler", "Z990003", "Sara", "Saksbehandler", "Veileder", "0315", Role.SAKSBEHANDLER),
    ("mottak", "Z990004", "Morten", "Mottak", "Veileder i publikumsmottak", "0315", Role.MOTTAK),
    ("kontaktsenter", "Z990005", "Kari", "Kontaktsenter", "Veileder", "4153", Role.KONTAKTSENTER),
    ("hms", "Z990006", "Hanne", "Hms", "HMS-rådgiver", "0315", Role.HMS),
    ("verneombud", "Z990007", "Vidar", "Verneombud", "Verneombud", "0315", Role.VERNEOMBUD),
    ("sikkerhet", "Z990008", "Siri", "Sikkerhet", "Sikkerhetsansvarlig", "0315", Role.SIKKERHETSANSVARLIG),
    ("admin", "Z990009", "Arne", "Admin", "Systemadministrator", "0315", Role.ADMINISTRATOR),
    ("leder.bergen", "Z990010", "Berit", "Bergsland", "Enhetsleder", "1203", Role.ENHETSLEDER),
    ("leder.grorud", "Z990011", "Geir", "Grorud", "Enhetsleder", "0328", Role.ENHETSLEDER),
    ("leder.kontaktsenter", "Z990012", "Kjell", "Kontaktsen", "Enhetsleder", "4153", Role.ENHETSLEDER),
    # Country-wide: the unit only says where the role was granted.
    ("personvern", "Z990013", "Petra", "Personvern", "Personvernrådgiver", "0315", Role.PERSONVERN),
]
# Who employs each demo head of unit: Grünerløkka and Bergenhus show shared leadership with a municipal leader,
# so their letters name the municipality's complaint route; the others are state leaders.
HEAD_EMPLOYERS = {
    "leder": Employer.STATE,
    "stedfortreder": Employer.MUNICIPALITY,
    "leder.bergen": Employer.MUNICIPALITY,
    "leder.grorud": Employer.STATE,
    "leder.kontaktsenter": Employer.STATE,
}

FIRST_NAMES = [
    "Ola",
    "Kari",
    "Per",
    "Ingrid",
    "Ahmed",
    "Fatima",
    "Jonas",
    "Emma",
    "Mohammed",
    "Nora",
    "Lars",
    "Sofie",
    "Piotr",
    "Anna",
    "Erik",
    "Maja",
    "Ali",
    "Hanna",
    "Tor",
    "Leah",
    "Knut",
    "Aisha",
    "Sindre",
    "Marte",
    "Jan",
]
LAST_NAMES = [
    "Nordmann",
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Ali",
    "Khan",
    "Nowak",
    "Dahl",
    "Lie",
    "Moen",
    "Strand",
    "Solberg",
]
STREETS = {
    "Oslo": [
        ("Trondheimsveien", "0560", "OSLO"),
        ("Thorvald Meyers gate", "0555", "OSLO"),
        ("Grorudveien", "0976", "OSLO"),
        ("Sandakerveien", "0473", "OSLO"),
    ],
    "Bergen": [("Inndalsveien", "5063", "BERGEN"), ("Nordåsveien", "5235", "RÅDAL"), ("Strandgaten", "5013", "BERGEN")],
}
CITIZEN_COUNT = 50

# Made-up return addresses and phone numbers for the demo units' letters (unit number → fields).
UNIT_CONTACT = {
    "0315": ("Postboks 2060 Grünerløkka", "0505", "OSLO", "21 07 03 15"),
    "0328": ("Postboks 83 Grorud", "0905", "OSLO", "21 07 03 28"),
    "0314": ("Postboks 4414 Nydalen", "0403", "OSLO", "21 07 03 14"),
    "0312": ("Postboks 2213 Frogner", "0203", "OSLO", "21 07 03 12"),
    "1203": ("Postboks 6010 Bedriftssenteret", "5892", "BERGEN", "55 55 12 03"),
    "1202": ("Postboks 1254 Sentrum", "5811", "BERGEN", "55 55 12 02"),
    "1210": ("Postboks 34 Nesttun", "5852", "BERGEN", "55 55 12 10"),
    "4153": ("Postboks 5 St. Olavs plass", "0130", "OSLO", "55 55 33 33"),
    "4155": ("Postboks 7800", "5020", "BERGEN", "55 55 33 33"),
    "4703": ("Postboks 6 Alnabru", "0614", "OSLO", "21 07 47 03"),
    "4488": ("Postboks 7814", "5020", "BERGEN", "55 55 44 88"),
}


class Command(BaseCommand):
    help = ("Create or refresh the demo data, then run the scheduled sweep and the nightly retention run once. "
            "Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-sweep", action="store_false", dest="sweep",
            help="Do not run the scheduled sweep afterwards (no reminders until cron or Celery beat runs it).",
        )
        parser.add_argument(
            "--no-retention", action="store_false", dest="retention",
            help="Do not run the retention schedule afterwards (nothing past its period goes until apply_retention).",
        )

    def handle(self, *args, **options):
        with self._quiet(options["verbosity"]) as sent:
            loaded = self._load()
            if loaded and options["sweep"]:
                # Nothing runs the hourly sweep under `make run` (no Redis, no cron): run it once so the demo
                # shows the reminders it is meant to. Idempotent, so a later cron or beat run sends nothing twice.
                result = scheduling.run_sweep()
                self.stdout.write(
                    f"Scheduled sweep: jobs={result.jobs} reminders_queued={result.queued} "
                    f"reminders_closed={result.closed}"
                )
            if loaded and options["retention"]:
                self._retention()
        if sent is not None and sent():
            recipients = sorted({address.split("@")[0] for message in sent() for address in message.to})
            self.stdout.write(
                f"{len(sent())} reminder e-mails to {', '.join(recipients)}: on their start pages too "
                "(run demo_data -v 2 to print them)"
            )
        if loaded:
            self.stdout.write(self.style.SUCCESS(
                f"\nOpen {settings.SITE_URL.rstrip('/')}/ and log in as {FIRST_LOGIN}, password '{DEMO_PASSWORD}' "
                "(the head of unit). Every demo login is listed in docs/demo.md.\n"
            ))

    def _retention(self) -> None:
        """The nightly retention run once, through the service the task and the command call."""
        # Nothing runs it under `make run` either, so the demo would keep old staff follow-up past its period. Only
        # when something is due: a second load then changes nothing and writes no second set of audit lines.
        if not any(services.retention_run(dry_run=True).values()):
            self.stdout.write("Retention: nothing due")
            return
        removed = services.retention_run()
        self.stdout.write("Retention: " + " ".join(f"{key}={count}" for key, count in removed.items() if count))
        if removed["citizens"]:
            # A demo citizen with nothing left (Jan Berg, whom docs/demo.md has reception look up) goes 30 days
            # after the load: made again, as a new record, so the demo's citizens are the same on any day.
            made = self._citizens(User.objects.get(username="admin"))
            self.stdout.write(f"{made} demo citizens with nothing left made again")

    @contextlib.contextmanager
    def _quiet(self, verbosity):
        """Under the console e-mail backend, keep the e-mails and task lines off the screen that ends at the address.

        Yields a function giving the e-mails held back, or None when they went out as configured.
        """
        console = settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
        if verbosity >= 2 or not console:
            yield None
            return
        loggers = [logging.getLogger(name) for name in ("celery.app.trace", "kombu.connection")]
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        start = len(getattr(mail, "outbox", []))
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                yield lambda: getattr(mail, "outbox", [])[start:]
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)

    @transaction.atomic
    def _load(self) -> bool:
        """The demo data; False when test identities are off and only the units were made."""
        units = {spec["number"]: self._unit(spec) for spec in UNITS}
        self.stdout.write(f"{len(units)} units")
        if not settings.ALLOW_TEST_IDENTS:
            self.stdout.write(
                self.style.WARNING("ALLOW_TEST_IDENTS is off: no demo logins or synthetic citizens were created.")
            )
            return False
        admin = self._admin()
        for username, ident, first, last, title, unit_number, role in STAFF:
            user = admin if username == "admin" else self._staff(username, ident, first, last, title)
            employer = HEAD_EMPLOYERS.get(username, "")
            assignment = RoleAssignment.objects.filter(user=user, unit=units[unit_number], role=role).first()
            if assignment is None:
                services.role_assign(by=admin, user=user, unit=units[unit_number], role=role, employer=employer)
            elif employer and not assignment.employer:
                services.role_change(by=admin, assignment_id=assignment.pk, unit=assignment.unit, role=role,
                                     employer=employer)
        self.stdout.write(f"{len(STAFF)} demo logins (password '{DEMO_PASSWORD}')")
        self.stdout.write(f"{CITIZEN_COUNT} citizens ({self._citizens(admin)} new)")
        # Each app may bring its own demo data in <app>/demo.py, loaded after the shared core.
        for config in apps.get_app_configs():
            module = f"{config.name}.demo"
            if config.name.startswith(("django.", "nav_sikkerhet")) or importlib.util.find_spec(module) is None:
                continue
            made = importlib.import_module(module).load()
            self.stdout.write(f"{config.label}: {made} demo objects" if made else f"{config.label}: already loaded")
        self.stdout.write("Demo data ready.")
        return True

    def _unit(self, spec):
        unit = Unit.objects.filter(number=spec["number"]).first() or Unit(number=spec["number"])
        address, code, city, phone = UNIT_CONTACT[spec["number"]]
        contact = {"postal_address": address, "postal_code": code, "postal_city": city, "phone": phone}
        for field, value in {**spec, **contact}.items():
            setattr(unit, field, value)
        unit.full_clean()
        unit.save()
        return unit

    def _admin(self):
        admin, _ = User.objects.get_or_create(
            username="admin",
            defaults={
                "nav_ident": "Z990009",
                "first_name": "Arne",
                "last_name": "Admin",
                "email": "admin@nav.test",
                "title": "Systemadministrator",
            },
        )
        admin.is_staff = admin.is_superuser = True
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        return admin

    def _staff(self, username, ident, first, last, title):
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "nav_ident": ident,
                "first_name": first,
                "last_name": last,
                "title": title,
                "email": f"{username}@nav.test",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _citizens(self, admin) -> int:
        return sum(self._citizen(admin, i) for i in range(CITIZEN_COUNT))

    def _citizen(self, admin, index: int) -> bool:
        rng = random.Random(index)  # noqa: S311 – demo names, not security
        birth_date = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 55))
        personident = generate_synthetic(birth_date, rng.randrange(0, 1000), d_number=index % 10 == 9)
        if Citizen.objects.filter(personident=personident).exists():
            return False
        city = "Bergen" if index % 3 == 2 else "Oslo"
        street, postal_code, postal_city = rng.choice(STREETS[city])
        services.citizen_create(
            by=admin,
            personident=personident,
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            address=f"{street} {rng.randrange(1, 120)}",
            postal_code=postal_code,
            postal_city=postal_city,
            country="Norge",
            preferred_language=[Language.NB, Language.NB, Language.NN, Language.EN][index % 4],
        )
        return True
