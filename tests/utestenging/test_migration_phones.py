"""Migration 0012: numbers of cases still being prepared get the stored spelling; others stay exactly as they were."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("utestenging", "0010_notice_reason_backfill")]
AFTER = [("utestenging", "0012_alternatives_and_phones")]


@pytest.mark.django_db(transaction=True)
def test_parseable_numbers_of_drafts_are_respelled_and_old_junk_and_signed_decisions_are_left_as_they_were():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Unit, Citizen, User = (old.get_model("core", name) for name in ("Unit", "Citizen", "User"))
    Decision, Channel = old.get_model("utestenging", "Decision"), old.get_model("utestenging", "AlternativeChannel")
    unit = Unit.objects.create(number="0315", name="NAV Grünerløkka", unit_type="nav_kontor",
                               municipality_number="0301", municipality_name="Oslo", result_area="NAV-kontor",
                               region="Oslo")
    citizen = Citizen.objects.create(personident="01417012326", ident_kind="fnr", birth_date=datetime.date(1970, 1, 1),
                                     name="Ola Nordmann")
    author = User.objects.create(username="leder", nav_ident="Z990001")
    draft = Decision.objects.create(kind="FYUS", citizen=citizen, unit=unit, created_by=author)
    signed = Decision.objects.create(
        kind="FYUS", citizen=citizen, unit=unit, created_by=author, status="active", signed_by=author,
        signed_at="2026-01-05T09:00:00Z", valid_from=datetime.date(2026, 1, 5), valid_to=datetime.date(2026, 2, 1),
    )
    spelled = Channel.objects.create(decision=draft, channel="phone", person_name="Kari", phone="+47 412 34 567")
    junk = Channel.objects.create(decision=draft, channel="phone", person_name="Kari", phone="ring sentralbordet")
    decided = Channel.objects.create(decision=signed, channel="phone", person_name="Kari", phone="+4741234567")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    Channel = executor.loader.project_state(AFTER).apps.get_model("utestenging", "AlternativeChannel")

    phones = {channel.pk: channel.phone for channel in Channel.objects.all()}
    assert phones == {spelled.pk: "41 23 45 67", junk.pk: "ring sentralbordet", decided.pk: "+4741234567"}

    # Leave the database at the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
