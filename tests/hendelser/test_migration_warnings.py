"""Data migrations: the decisions' earlier warnings become the citizens' warnings, once each; the incidents get
their counts of exposed state and municipal employees."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("utestenging", "0006_fact_incident"), ("hendelser", "0001_initial")]
AFTER = [("utestenging", "0007_warnings_moved_to_hendelser"), ("hendelser", "0002_warnings_from_decisions")]
COUNTED = [("hendelser", "0003_exposed_counts")]


@pytest.mark.django_db(transaction=True)
def test_warnings_are_moved_once_per_citizen():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Unit, Citizen, User = (old.get_model("core", name) for name in ("Unit", "Citizen", "User"))
    Decision, EarlierWarning = old.get_model("utestenging", "Decision"), old.get_model("utestenging", "EarlierWarning")
    unit = Unit.objects.create(number="0315", name="NAV Grünerløkka", unit_type="nav_kontor",
                               municipality_number="0301", municipality_name="Oslo", result_area="NAV-kontor",
                               region="Oslo")
    citizen = Citizen.objects.create(personident="01417012326", ident_kind="fnr", birth_date=datetime.date(1970, 1, 1),
                                     name="Ola Nordmann")
    author = User.objects.create(username="leder", nav_ident="Z990001")
    decision = Decision.objects.create(kind="FYUS", citizen=citizen, unit=unit, created_by=author)
    extension = Decision.objects.create(kind="FYUS", citizen=citizen, unit=unit, created_by=author, extends=decision)
    for d in (decision, extension):  # an extension carried a copy of its decision's warning
        EarlierWarning.objects.create(decision=d, given_on=datetime.date(2026, 1, 5), form="written", note="Brev")
    EarlierWarning.objects.create(decision=decision, given_on=datetime.date(2025, 12, 1), form="oral", note="")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    CitizenWarning = new.get_model("hendelser", "CitizenWarning")

    moved = list(CitizenWarning.objects.order_by("given_on").values_list("citizen_id", "unit_id", "given_on", "form",
                                                                        "note", "registered_by_id"))
    assert moved == [
        (citizen.pk, unit.pk, datetime.date(2025, 12, 1), "oral", "", author.pk),
        (citizen.pk, unit.pk, datetime.date(2026, 1, 5), "written", "Brev", author.pk),
    ]
    Incident, ExposedPerson = new.get_model("hendelser", "Incident"), new.get_model("hendelser", "ExposedPerson")
    incident = Incident.objects.create(unit_id=unit.pk, occurred_at="2026-01-05T10:00:00Z", channel="phone",
                                       category="threat", description="x", perpetrator="unknown",
                                       registered_by_id=author.pk)
    for employer in ("state", "municipal", "municipal"):
        ExposedPerson.objects.create(incident=incident, name="A", employer=employer)
    executor = MigrationExecutor(connection)
    executor.migrate(COUNTED)
    counted = executor.loader.project_state(COUNTED).apps.get_model("hendelser", "Incident").objects.get()
    assert (counted.exposed_state, counted.exposed_municipal) == (1, 2)

    # Leave the database at the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
