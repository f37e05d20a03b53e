import pytest
from django.http import Http404

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Role, RoleAssignment
from tests.factories import UnitFactory, UserFactory, assign_role

pytestmark = pytest.mark.django_db


def test_every_role_has_a_permission_rule():
    assert set(access.ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", [Role.ENHETSLEDER, Role.STEDFORTREDER])
def test_leader_and_acting_leader_may_sign_in_their_own_unit(unit, other_unit, role):
    user = UserFactory()
    assign_role(user, unit, role)
    assert access.has_unit_perm(user, Perm.SIGN_DECISION, unit)
    assert not access.has_unit_perm(user, Perm.SIGN_DECISION, other_unit)


def test_caseworker_may_prepare_but_not_sign(unit):
    user = UserFactory()
    assign_role(user, unit, Role.SAKSBEHANDLER)
    assert access.has_unit_perm(user, Perm.PREPARE_DECISION, unit)
    assert not access.has_unit_perm(user, Perm.SIGN_DECISION, unit)


def test_reception_may_look_up_but_not_see_decisions(unit):
    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    assert access.has_unit_perm(user, Perm.LOOKUP_MEASURES, unit)
    assert not access.has_unit_perm(user, Perm.VIEW_DECISIONS, unit)


def test_security_officer_reads_every_unit_in_the_region_only(unit):
    same_region = UnitFactory(number="0328", region="Oslo")
    elsewhere = UnitFactory(number="1203", region="Vestland")
    user = UserFactory()
    assign_role(user, unit, Role.SIKKERHETSANSVARLIG)
    assert set(access.units_with_perm(user, Perm.VIEW_DECISIONS)) == {unit, same_region}
    assert not access.has_unit_perm(user, Perm.VIEW_DECISIONS, elsewhere)
    assert not access.has_unit_perm(user, Perm.SIGN_DECISION, unit)


def test_sync_removes_permissions_of_a_revoked_role(unit):
    user = UserFactory()
    assignment = assign_role(user, unit, Role.ENHETSLEDER)
    assignment.delete()
    access.sync_user_permissions(user)
    assert not access.has_unit_perm(user, Perm.VIEW_UNIT, unit)


def test_sync_keeps_permissions_shared_by_two_roles(unit):
    user = UserFactory()
    assign_role(user, unit, Role.MOTTAK)
    leader_role = assign_role(user, unit, Role.ENHETSLEDER)
    leader_role.delete()
    access.sync_user_permissions(user)
    assert access.has_unit_perm(user, Perm.LOOKUP_MEASURES, unit)
    assert not access.has_unit_perm(user, Perm.SIGN_DECISION, unit)


def test_region_permissions_follow_a_new_unit_in_the_region(unit):
    user = UserFactory()
    assign_role(user, unit, Role.SIKKERHETSANSVARLIG)
    new_unit = UnitFactory(number="0316", region="Oslo")
    access.sync_region_permissions("Oslo")
    assert access.has_unit_perm(user, Perm.VIEW_DECISIONS, new_unit)


def test_require_unit_perm_answers_404_not_403(unit):
    user = UserFactory()
    with pytest.raises(Http404):
        access.require_unit_perm(user, Perm.VIEW_DECISIONS, unit)


def test_inactive_user_has_no_unit_permissions(unit):
    user = UserFactory()
    assign_role(user, unit, Role.ENHETSLEDER)
    user.is_active = False
    assert not access.has_unit_perm(user, Perm.VIEW_UNIT, unit)
    assert not access.units_with_perm(user, Perm.VIEW_UNIT).exists()


def test_global_model_permission_does_not_open_a_unit(unit):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="sign_decision"))
    assert not access.has_unit_perm(user, Perm.SIGN_DECISION, unit)
    assert RoleAssignment.objects.count() == 0
