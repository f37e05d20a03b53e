"""staff_sign_in (matching a verified token's claims to a staff member) and the sign-in log."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from nav_sikkerhet.core import audit, services
from nav_sikkerhet.core.models import SignInEvent, SignInLogEntry, SignInMethod, SignInRefusal, User
from nav_sikkerhet.core.signin import SignInRefused

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lene():
    return UserFactory(username="lene", nav_ident="Z990001", first_name="Lene", last_name="Leder",
                       email="lene@nav.no")


def test_the_nav_ident_names_the_staff_member(lene):
    assert services.staff_sign_in(claims={"NAVident": "z990001"}) == lene


def test_name_and_email_follow_the_claims(lene):
    user = services.staff_sign_in(claims={"NAVident": "Z990001", "name": "Leder-Hansen, Lene",
                                          "email": "lene.leder-hansen@nav.no"})
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email) == ("Lene", "Leder-Hansen", "lene.leder-hansen@nav.no")


def test_claims_without_a_name_leave_the_name_alone(lene):
    services.staff_sign_in(claims={"NAVident": "Z990001"})
    lene.refresh_from_db()
    assert (lene.first_name, lene.last_name, lene.email) == ("Lene", "Leder", "lene@nav.no")


def test_email_alone_matches_nobody(lene):
    with pytest.raises(SignInRefused) as refused:
        services.staff_sign_in(claims={"NAVident": "Z123456", "email": "lene@nav.no"})
    assert refused.value.reason == SignInRefusal.UNKNOWN_IDENT
    assert refused.value.nav_ident == "Z123456"


def test_unknown_ident_is_created_without_roles_only_when_asked(settings):
    with pytest.raises(SignInRefused):
        services.staff_sign_in(claims={"NAVident": "Z123456"})
    assert not User.objects.exists()

    settings.OIDC_CREATE_USERS = True
    user = services.staff_sign_in(claims={"NAVident": "Z123456", "given_name": "Nora", "family_name": "Ny"})
    assert (user.username, user.nav_ident, user.get_full_name()) == ("Z123456", "Z123456", "Nora Ny")
    assert not user.has_usable_password() and not user.is_staff and not user.role_assignments.exists()


def test_an_account_that_cannot_be_created_is_refused_not_an_error(settings):
    settings.OIDC_CREATE_USERS = True
    UserFactory(username="Z123456", nav_ident="A000001")  # the username it would take is taken
    with pytest.raises(SignInRefused) as refused:
        services.staff_sign_in(claims={"NAVident": "Z123456"})
    assert refused.value.reason == SignInRefusal.ACCOUNT_CONFLICT


def test_deactivated_account_is_refused(lene):
    lene.is_active = False
    lene.save()
    with pytest.raises(SignInRefused) as refused:
        services.staff_sign_in(claims={"NAVident": "Z990001"})
    assert refused.value.reason == SignInRefusal.INACTIVE


def _request(path="/oidc/callback/", **meta):
    return RequestFactory().get(path, REMOTE_ADDR=meta.get("ip", "10.1.2.3"))


def test_log_line_of_a_refusal_in_bokmal_and_as_cef(lene):
    entry = services.signin_log_record(
        event=SignInEvent.REFUSED, method=SignInMethod.OIDC, request=_request(), nav_ident="Z123456",
        reason=SignInRefusal.UNKNOWN_IDENT,
    )
    assert entry.message == "Innlogging avvist: NAV-konto (OpenID Connect); ukjent NAV-ident"
    line = audit.format_signin_cef(entry)
    assert line.startswith("CEF:0|nav-sikkerhet|web|1.0|authentication:signin_refused|Innlogging avvist|WARN|")
    assert "suid=Z123456 src=10.1.2.3 " in line
    assert "outcome=failure reason=unknown_ident cs1Label=method cs1=oidc " in line
    assert "duid=" not in line


def test_an_unusable_client_address_is_left_out():
    entry = services.signin_log_record(
        event=SignInEvent.REFUSED, method=SignInMethod.OIDC, request=_request(ip="not-an-address"),
        reason=SignInRefusal.STATE,
    )
    assert entry.source_ip is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_database_refuses_to_change_or_delete_sign_in_lines(lene):
    entry = services.signin_log_record(event=SignInEvent.SIGN_IN, method=SignInMethod.OIDC, request=_request(),
                                       user=lene)
    with pytest.raises(DatabaseError), transaction.atomic():
        SignInLogEntry.objects.filter(pk=entry.pk).update(message="endret")
    with pytest.raises(DatabaseError), transaction.atomic():
        SignInLogEntry.objects.filter(pk=entry.pk).delete()
