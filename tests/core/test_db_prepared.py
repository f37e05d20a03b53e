"""The prepared cursor: PostgreSQL plans its statements once per connection; Django's own cursors never prepare."""

import pytest
from django.db import connection
from django.test import override_settings

from nav_sikkerhet.core.db import prepared_cursor
from nav_sikkerhet.core.models import Unit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
]

STATEMENT = 'SELECT "number" FROM "core_unit" WHERE "number" = %s'


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_is_prepared_at_its_first_use_and_answers_with_each_calls_parameters(unit):
    other = Unit.objects.create(number="9998", name="Annen")
    answers = []
    for number in (unit.number, other.number, "0000"):
        with prepared_cursor(connection) as cursor:
            cursor.execute(STATEMENT, (number,))
            answers.append(cursor.fetchone())
    assert answers == [(unit.number,), (other.number,), None]
    assert [s for s in _prepared() if '"core_unit"' in s] == [STATEMENT.replace("%s", "$1")]


def test_the_orm_and_plain_cursors_never_prepare(unit):
    for _ in range(10):
        list(Unit.objects.filter(number=unit.number))
        with connection.cursor() as cursor:
            cursor.execute(STATEMENT, (unit.number,))
    assert not [s for s in _prepared() if '"core_unit"' in s]


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again(unit):
    with prepared_cursor(connection) as cursor:
        cursor.execute(STATEMENT, (unit.number,))
    connection.close()
    with prepared_cursor(connection) as cursor:
        cursor.execute(STATEMENT, (unit.number,))
        assert cursor.fetchone() == (unit.number,)
    assert STATEMENT.replace("%s", "$1") in _prepared()


@override_settings(DATABASE_PREPARED_STATEMENTS=False)
def test_turned_off_for_a_pooler_nothing_is_prepared(unit):
    for _ in range(3):
        with prepared_cursor(connection) as cursor:
            cursor.execute(STATEMENT, (unit.number,))
            assert cursor.fetchone() == (unit.number,)
    assert not [s for s in _prepared() if '"core_unit"' in s]
