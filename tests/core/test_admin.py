import datetime

import pytest
from django.urls import reverse

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.identity import generate_synthetic
from nav_sikkerhet.core.models import AuditLogEntry, Citizen, Role, RoleAssignment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", ["unit", "citizen", "user", "roleassignment", "auditlogentry", "signinlogentry"])
def test_every_model_has_an_admin_list_with_search(admin_client_, model, unit, citizen):
    response = admin_client_.get(reverse(f"admin:core_{model}_changelist"), {"q": "NAV"})
    assert response.status_code == 200


def test_citizen_list_shows_no_identity_numbers_and_logs_nothing(admin_client_, citizen):
    response = admin_client_.get(reverse("admin:core_citizen_changelist"))
    assert citizen.name in response.content.decode()
    assert citizen.personident not in response.content.decode()
    assert not AuditLogEntry.objects.exists()


def test_opening_a_citizen_writes_one_audit_line(admin_client_, superuser, citizen):
    response = admin_client_.get(reverse("admin:core_citizen_change", args=[citizen.pk]))
    assert response.status_code == 200
    entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.citizen, entry.request_method) == (superuser, citizen, "GET")


def test_citizen_history_is_audit_logged(admin_client_, citizen):
    admin_client_.get(reverse("admin:core_citizen_history", args=[citizen.pk]))
    assert AuditLogEntry.objects.filter(citizen=citizen).count() == 1


def test_creating_a_citizen_in_admin_derives_birth_date(admin_client_):
    number = generate_synthetic(datetime.date(1988, 8, 8), 77)
    response = admin_client_.post(reverse("admin:core_citizen_add"), {
        "personident": number, "name": "Admin Opprettet", "address": "", "postal_code": "", "postal_city": "",
        "country": "", "preferred_language": "nb",
    })
    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""
    assert Citizen.objects.get(personident=number).birth_date == datetime.date(1988, 8, 8)


def test_invalid_identity_number_in_admin_is_a_form_error(admin_client_):
    response = admin_client_.post(reverse("admin:core_citizen_add"), {
        "personident": "12345678901", "name": "Feil", "preferred_language": "nb",
    })
    assert response.status_code == 200
    assert "personident" in response.context["adminform"].form.errors
    assert not Citizen.objects.exists()


def test_assigning_a_role_in_admin_grants_permissions(admin_client_, unit):
    user = UserFactory()
    response = admin_client_.post(reverse("admin:core_roleassignment_add"), {
        "user": user.pk, "unit": unit.pk, "role": Role.ENHETSLEDER,
    })
    assert response.status_code == 302
    assert access.has_unit_perm(user, Perm.SIGN_DECISION, unit)


def test_deleting_a_role_in_admin_revokes_permissions(admin_client_, leader, unit):
    assignment = RoleAssignment.objects.get(user=leader)
    admin_client_.post(reverse("admin:core_roleassignment_delete", args=[assignment.pk]), {"post": "yes"})
    assert not access.has_unit_perm(leader, Perm.VIEW_UNIT, unit)


def test_unit_administrator_with_admin_access_cannot_assign_in_other_units(client, unit, other_unit):
    from django.contrib.auth.models import Permission

    from tests.factories import assign_role

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["add_roleassignment", "view_roleassignment"]))
    assign_role(staff, unit, Role.ADMINISTRATOR)
    client.force_login(staff)
    target = UserFactory()
    response = client.post(reverse("admin:core_roleassignment_add"), {
        "user": target.pk, "unit": other_unit.pk, "role": Role.ENHETSLEDER,
    })
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_audit_log_is_read_only_in_admin(admin_client_, superuser, citizen):
    from nav_sikkerhet.core import services

    entry = services.audit_log_record(actor=superuser, citizen=citizen, action="t", message="m")
    assert admin_client_.get(reverse("admin:core_auditlogentry_add")).status_code == 403
    assert admin_client_.post(reverse("admin:core_auditlogentry_delete", args=[entry.pk]),
                              {"post": "yes"}).status_code == 403
    assert AuditLogEntry.objects.filter(pk=entry.pk).exists()
