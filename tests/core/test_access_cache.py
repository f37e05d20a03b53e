"""The units a user may act in, reused across requests under the user's access stamp (core/access.py), and every
way the stamp changes: a revoked role is refused at the next request.

Run outside a test transaction (transaction=True): answers read inside a transaction are never shared, so the
cache only works as in production when each request commits on its own.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from nav_sikkerhet.core import access, services
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Role, RoleAssignment, User
from tests.factories import CitizenFactory, UnitFactory, UserFactory, assign_role

pytestmark = pytest.mark.django_db(transaction=True)

SEARCH = "/mottak/"


def _fresh(user) -> User:
    """The user as the next request loads it (its own object, the stamp read from the database)."""
    return User.objects.get(pk=user.pk)


def _guardian_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "guardian_" in q["sql"]]


@pytest.fixture
def unit():
    return UnitFactory()


def test_the_next_request_reuses_the_units_without_a_query(unit, django_assert_num_queries):
    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == {unit.pk}
    fresh = _fresh(user)
    with django_assert_num_queries(0):
        assert access.unit_ids_with_perm(fresh, Perm.LOOKUP_MEASURES) == {unit.pk}


def test_a_revoked_role_is_refused_at_the_next_look_up(client, unit):
    admin = UserFactory(is_superuser=True, is_staff=True)
    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    client.force_login(user)
    assert client.get(SEARCH).status_code == 200
    assert client.get(SEARCH).status_code == 200  # now answered from the cache
    services.role_revoke(by=admin, assignment_id=RoleAssignment.objects.get(user=user).pk)
    assert client.get(SEARCH).status_code == 404


def test_a_role_moved_to_another_unit_is_seen_at_once(unit):
    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == {unit.pk}
    other = UnitFactory()
    admin = UserFactory(is_superuser=True, is_staff=True)
    services.role_change(by=admin, assignment_id=RoleAssignment.objects.get(user=user).pk, unit=other,
                         role=Role.MOTTAK)
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == {other.pk}


def test_a_permission_written_outside_the_roles_restamps(unit):
    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    before = _fresh(user).access_stamp
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == {unit.pk}
    UserObjectPermission.objects.filter(user=user, permission__codename=Perm.LOOKUP_MEASURES).delete()
    assert _fresh(user).access_stamp != before
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == frozenset()


def test_joining_and_leaving_a_group_restamps(unit):
    user = UserFactory()
    group = Group.objects.create(name="Mottak Sagene")
    assign_perm(f"core.{Perm.LOOKUP_MEASURES}", group, unit)
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == frozenset()
    user.groups.add(group)
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == {unit.pk}
    group.user_set.clear()
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == frozenset()


def test_a_groups_new_permission_reaches_its_members(unit):
    user = UserFactory()
    group = Group.objects.create(name="Mottak Sagene")
    user.groups.add(group)
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == frozenset()
    assign_perm(f"core.{Perm.LOOKUP_MEASURES}", group, unit)
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == {unit.pk}


def test_what_a_transaction_read_is_never_shared(unit):
    """A role given in a transaction that is rolled back must not outlive it in the cache."""
    user = UserFactory()
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == frozenset()
    with pytest.raises(RuntimeError), transaction.atomic():
        RoleAssignment.objects.create(user=user, unit=unit, role=Role.MOTTAK)
        access.sync_user_permissions(user)
        inside = _fresh(user)
        # The transaction's own stamp, and the transaction sees its grant: read, but not remembered.
        assert access.unit_ids_with_perm(inside, Perm.LOOKUP_MEASURES) == {unit.pk}
        stamp = inside.access_stamp
        raise RuntimeError
    assert (user.pk, stamp) not in access._shared
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == frozenset()


def test_a_deactivated_user_holds_nothing(unit):
    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == {unit.pk}
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert access.unit_ids_with_perm(_fresh(user), Perm.LOOKUP_MEASURES) == frozenset()


def test_the_look_up_reads_three_queries_when_warm(client, unit, django_assert_num_queries):
    """Exactly: the session, the user, and one statement reading the citizen with the measures and writing the
    audit line. One more fails."""
    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    citizen = CitizenFactory()
    client.force_login(user)
    client.post(SEARCH, {"search": "ident", "personident": citizen.personident})  # session touched, menu read
    with django_assert_num_queries(3) as queries:
        response = client.post(SEARCH, {"search": "ident", "personident": citizen.personident})
    assert response.status_code == 200
    assert not _guardian_queries(queries)
    assert 'INSERT INTO "core_auditlogentry"' in queries.captured_queries[-1]["sql"]


def test_the_person_page_reads_three_queries_when_warm(client, unit, django_assert_num_queries):
    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    citizen = CitizenFactory()
    client.force_login(user)
    url = f"/mottak/person/{citizen.public_id}/"
    client.get(url)
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
