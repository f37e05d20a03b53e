"""Migration 0011 fills the monthly category × channel counts from the incidents already there, month by month."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("hendelser", "0010_monthly_also_involved")]
AFTER = [("hendelser", "0011_monthly_category_by_channel")]


@pytest.mark.django_db(transaction=True)
def test_the_category_by_channel_columns_are_counted_from_the_incidents(unit, other_unit, reception):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Incident, MonthlyCount = old.get_model("hendelser", "Incident"), old.get_model("hendelser", "MonthlyCount")
    # Evening on the last of the month in Oslo is still that month: the month is the local one.
    moments = [(unit, "2026-03-31T20:30:00Z", "threat", "phone"), (unit, "2026-03-02T10:00:00Z", "threat", "phone"),
               (unit, "2026-03-02T11:00:00Z", "verbal", "email"), (other_unit, "2026-03-02T10:00:00Z", "threat", "sms"),
               (unit, "2026-04-01T10:00:00Z", "assault", "reception")]
    for where, at, category, channel in moments:
        Incident.objects.create(unit_id=where.pk, occurred_at=at, category=category, channel=channel,
                                description="x", perpetrator="unknown", registered_by_id=reception.pk)
    for where, month in ((unit, datetime.date(2026, 3, 1)), (other_unit, datetime.date(2026, 3, 1)),
                         (unit, datetime.date(2026, 4, 1))):
        MonthlyCount.objects.create(unit_id=where.pk, month=month, total=1)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("hendelser", "MonthlyCount")
    march = new.objects.get(unit_id=unit.pk, month=datetime.date(2026, 3, 1))
    assert (march.cross_threat_phone, march.cross_verbal_email, march.cross_threat_sms) == (2, 1, 0)
    assert new.objects.get(unit_id=other_unit.pk, month=datetime.date(2026, 3, 1)).cross_threat_sms == 1
    april = new.objects.get(unit_id=unit.pk, month=datetime.date(2026, 4, 1))
    assert (april.cross_assault_reception, april.cross_threat_phone) == (1, 0)

    # Leave the database at the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
