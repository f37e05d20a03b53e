"""unit_ids_with_perm remembers its answer on the user object for the request, and forgets it when the roles change
(nav_sikkerhet/core/access.py)."""

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Role
from tests.factories import UnitFactory, UserFactory, assign_role


def test_the_same_question_twice_is_one_query(unit, django_assert_num_queries):
    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    with django_assert_num_queries(1):
        first = access.unit_ids_with_perm(user, Perm.LOOKUP_MEASURES)
        assert access.unit_ids_with_perm(user, Perm.LOOKUP_MEASURES) == first == {unit.pk}
        assert access.has_perm_anywhere(user, Perm.LOOKUP_MEASURES)
    with django_assert_num_queries(1):  # another permission is its own question
        assert not access.has_perm_anywhere(user, Perm.SIGN_DECISION)


def test_a_changed_role_is_seen_at_once(unit):
    user = UserFactory()
    assignment = assign_role(user, unit, Role.MOTTAK)
    assert access.unit_ids_with_perm(user, Perm.LOOKUP_MEASURES) == {unit.pk}
    other = UnitFactory()
    assign_role(user, other, Role.MOTTAK)
    assert access.unit_ids_with_perm(user, Perm.LOOKUP_MEASURES) == {unit.pk, other.pk}
    assignment.delete()
    access.sync_user_permissions(user)
    assert access.unit_ids_with_perm(user, Perm.LOOKUP_MEASURES) == {other.pk}


def test_a_new_request_asks_again(client, unit):
    """Each request loads its own user object: what one request remembered never reaches the next."""
    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    access.unit_ids_with_perm(user, Perm.LOOKUP_MEASURES)
    fresh = type(user).objects.get(pk=user.pk)
    assert getattr(fresh, "_nav_unit_ids_with_perm", None) is None


def test_the_look_up_asks_for_its_units_once(client, unit, django_assert_num_queries):
    from django.urls import reverse

    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    client.force_login(user)
    client.get(reverse("mottak:search"))  # session and caches warm
    with django_assert_num_queries(3):  # the session, the user, the units where the user looks up
        assert client.get(reverse("mottak:search")).status_code == 200
