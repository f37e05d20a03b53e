import datetime

import factory
from factory.django import DjangoModelFactory

from nav_sikkerhet.core import access
from nav_sikkerhet.core.identity import IdentKind, generate_synthetic
from nav_sikkerhet.core.models import HEAD_ROLES, Citizen, Employer, RoleAssignment, Unit, UnitType, User


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: f"{1000 + n:04d}")
    name = factory.Sequence(lambda n: f"NAV Testkontor {n}")
    unit_type = UnitType.NAV_KONTOR
    municipality_number = "0301"
    municipality_name = "Oslo"
    result_area = "NAV-kontor"
    region = "Oslo"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"ansatt{n}")
    nav_ident = factory.Sequence(lambda n: f"T{n:06d}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Ansatt {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@nav.test")
    # A direct number: a letter names the contact person with their own number, never NAV's general one.
    phone = factory.Sequence(lambda n: f"4{n % 10**7:07d}")
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def _birth_date(n: int) -> datetime.date:
    # Unique (date, serial) pairs for the first 29,000 citizens, all born 1940-2019.
    return datetime.date(1940, 1, 1) + datetime.timedelta(days=n % 29000)


def _synthetic(n: int) -> str:
    return generate_synthetic(_birth_date(n), n % 1000)


class CitizenFactory(DjangoModelFactory):
    class Meta:
        model = Citizen

    personident = factory.Sequence(_synthetic)
    ident_kind = IdentKind.FNR
    birth_date = factory.Sequence(_birth_date)
    name = factory.Sequence(lambda n: f"Testbruker Nummer{n}")
    address = "Testveien 1"
    postal_code = "0150"
    postal_city = "OSLO"


def assign_role(user: User, unit: Unit, role: str, employer: str | None = None) -> RoleAssignment:
    """Give a role the way the service does, without needing an acting administrator.

    A head of unit or acting head is a state employee unless ``employer`` says otherwise ("" for unrecorded).
    """
    if employer is None:
        employer = Employer.STATE if role in HEAD_ROLES else ""
    assignment = RoleAssignment.objects.create(user=user, unit=unit, role=role, employer=employer)
    access.sync_user_permissions(user)
    return assignment


def staff_member(role: str, unit: Unit, **kwargs) -> User:
    """A staff member (password "demo") holding one role in one unit."""
    user = UserFactory(**kwargs)
    assign_role(user, unit, role)
    return user
