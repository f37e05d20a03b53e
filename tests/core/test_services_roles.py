import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from nav_sikkerhet.core import access, services
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Employer, Role, RoleAssignment, UnitType
from tests.factories import UnitFactory, UserFactory, assign_role

pytestmark = pytest.mark.django_db


def test_assigning_a_role_grants_its_permissions_and_records_history(superuser, unit):
    user = UserFactory()
    assignment = services.role_assign(by=superuser, user=user, unit=unit, role=Role.ENHETSLEDER)
    assert access.has_unit_perm(user, Perm.SIGN_DECISION, unit)
    assert assignment.history.first().history_user == superuser


def test_unit_administrator_may_assign_roles_in_own_unit_only(unit, other_unit):
    administrator = UserFactory()
    assign_role(administrator, unit, Role.ADMINISTRATOR)
    user = UserFactory()
    services.role_assign(by=administrator, user=user, unit=unit, role=Role.MOTTAK)
    with pytest.raises(PermissionDenied) as error:
        services.role_assign(by=administrator, user=user, unit=other_unit, role=Role.MOTTAK)
    assert str(error.value) == gettext("You may not manage roles in this unit.")


def test_leader_may_not_assign_roles(leader, unit):
    with pytest.raises(PermissionDenied):
        services.role_assign(by=leader, user=UserFactory(), unit=unit, role=Role.ENHETSLEDER)


def test_the_same_role_twice_is_refused(superuser, unit):
    user = UserFactory()
    services.role_assign(by=superuser, user=user, unit=unit, role=Role.HMS)
    with pytest.raises(ValidationError):
        services.role_assign(by=superuser, user=user, unit=unit, role=Role.HMS)
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_revoking_removes_permissions(superuser, unit):
    user = UserFactory()
    assignment = services.role_assign(by=superuser, user=user, unit=unit, role=Role.ENHETSLEDER)
    services.role_revoke(by=superuser, assignment_id=assignment.pk)
    assert not access.has_unit_perm(user, Perm.VIEW_UNIT, unit)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_changing_a_role_moves_permissions(superuser, unit, other_unit):
    user = UserFactory()
    assignment = services.role_assign(by=superuser, user=user, unit=unit, role=Role.ENHETSLEDER)
    services.role_change(by=superuser, assignment_id=assignment.pk, unit=other_unit, role=Role.SAKSBEHANDLER)
    assert not access.has_unit_perm(user, Perm.VIEW_UNIT, unit)
    assert access.has_unit_perm(user, Perm.PREPARE_DECISION, other_unit)
    assert not access.has_unit_perm(user, Perm.SIGN_DECISION, other_unit)


def test_moving_a_unit_to_another_region_moves_the_security_officers_reach(superuser, unit):
    officer = UserFactory()
    assign_role(officer, unit, Role.SIKKERHETSANSVARLIG)
    moving = UnitFactory(number="0330", region="Oslo")
    access.sync_region_permissions("Oslo")
    assert access.has_unit_perm(officer, Perm.VIEW_DECISIONS, moving)
    moving.region = "Vestland"
    services.unit_save(by=superuser, unit=moving)
    assert not access.has_unit_perm(officer, Perm.VIEW_DECISIONS, moving)


def test_only_superusers_change_units(leader, unit):
    unit.name = "Nytt navn"
    with pytest.raises(PermissionDenied):
        services.unit_save(by=leader, unit=unit)


def test_unit_number_must_be_four_digits(superuser):
    unit = UnitFactory.build(number="123")
    with pytest.raises(ValidationError) as error:
        services.unit_save(by=superuser, unit=unit)
    assert "number" in error.value.message_dict


def test_a_heads_employer_is_recorded_with_the_role_and_kept_when_the_role_changes(superuser, unit):
    user = UserFactory()
    assignment = services.role_assign(by=superuser, user=user, unit=unit, role=Role.ENHETSLEDER,
                                      employer=Employer.MUNICIPALITY)
    assert assignment.employer == Employer.MUNICIPALITY
    services.role_change(by=superuser, assignment_id=assignment.pk, unit=unit, role=Role.STEDFORTREDER)
    assignment.refresh_from_db()
    assert (assignment.role, assignment.employer) == (Role.STEDFORTREDER, Employer.MUNICIPALITY)


def test_an_employer_is_refused_for_roles_that_do_not_decide_and_municipal_outside_nav_offices(superuser, unit):
    with pytest.raises(ValidationError) as error:
        services.role_assign(by=superuser, user=UserFactory(), unit=unit, role=Role.MOTTAK, employer=Employer.STATE)
    assert "employer" in error.value.message_dict
    centre = UnitFactory(number="4153", unit_type=UnitType.KONTAKTSENTER)
    with pytest.raises(ValidationError) as error:
        services.role_assign(by=superuser, user=UserFactory(), unit=centre, role=Role.ENHETSLEDER,
                             employer=Employer.MUNICIPALITY)
    assert "employer" in error.value.message_dict
