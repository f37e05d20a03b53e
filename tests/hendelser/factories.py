"""Factories for the hendelser app. They write rows directly; behaviour under test goes through the services."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from hendelser import services
from hendelser.models import Category, Channel, Employer, ExposedPerson, Incident, Perpetrator

from ..factories import UnitFactory, UserFactory


class IncidentFactory(DjangoModelFactory):
    class Meta:
        model = Incident

    unit = factory.SubFactory(UnitFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    channel = Channel.PHONE
    category = Category.THREAT
    description = "Innringer sa: «Jeg vet hvor du bor.»"
    perpetrator = Perpetrator.UNKNOWN
    registered_by = factory.SubFactory(UserFactory)


class ExposedPersonFactory(DjangoModelFactory):
    class Meta:
        model = ExposedPerson
        skip_postgeneration_save = True

    incident = factory.SubFactory(IncidentFactory)
    name = "Sara Saksbehandler"
    employer = Employer.STATE

    @factory.post_generation
    def counted(obj, create, extracted, **kwargs):
        # As the services do: the incident's counts of exposed state and municipal employees follow.
        if create:
            services.count_exposed(obj.incident)
