"""The login page and the admin in each sign-in mode, password sign-ins in the sign-in log, and the no-role page.

With OIDC configured and ALLOW_TEST_IDENTS off, no page offers a password form, and no password is accepted.
"""

import logging
import re

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse

from nav_sikkerhet.core import demo_logins
from nav_sikkerhet.core.models import Role, SignInEvent, SignInLogEntry, SignInMethod, SignInRefusal, User

from ..factories import UserFactory, assign_role

pytestmark = pytest.mark.django_db

PASSWORD_INPUT = re.compile(r"<input[^>]+type=\"password\"")


@pytest.fixture
def oidc_only(settings):
    """OIDC configured (no provider needed for these pages), passwords off: production."""
    settings.OIDC_RP_CLIENT_ID = "nav-sikkerhet"
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.ALLOW_TEST_IDENTS = False
    return settings


@pytest.fixture
def reception(unit):
    user = UserFactory(username="morten", nav_ident="Z990004")
    assign_role(user, unit, Role.MOTTAK)
    return user


# --- the login page in each mode -----------------------------------------------------------------

def test_without_oidc_the_login_page_is_the_password_form(client):
    content = client.get(reverse("login")).content.decode()
    assert PASSWORD_INPUT.search(content)
    assert reverse("oidc_authentication_init") not in content
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404


def test_with_oidc_the_login_page_offers_the_nav_account_and_no_password(client, oidc_only):
    content = client.get(reverse("login"), {"next": "/beslutninger/"}).content.decode()
    assert "Logg inn med NAV-konto" in content
    assert f'href="{reverse("oidc_authentication_init")}?next=%2Fbeslutninger%2F"' in content
    assert not PASSWORD_INPUT.search(content)
    assert 'name="username"' not in content


def test_with_oidc_and_test_idents_both_are_offered(client, oidc_only):
    oidc_only.ALLOW_TEST_IDENTS = True
    content = client.get(reverse("login")).content.decode()
    assert "Logg inn med NAV-konto" in content
    assert PASSWORD_INPUT.search(content)
    assert "Testinnlogging" in content


def test_in_development_the_login_page_names_the_demo_login_once_it_exists(client, settings):
    settings.DEVELOPMENT, settings.ALLOW_TEST_IDENTS = True, True
    assert 'id="demo-login-hint"' not in client.get(reverse("login")).content.decode()  # before demo_data
    UserFactory(username=demo_logins.FIRST_LOGIN)
    content = client.get(reverse("login")).content.decode()
    assert (f"logg inn som <strong>{demo_logins.FIRST_LOGIN}</strong> med passordet "
            f"<strong>{demo_logins.DEMO_PASSWORD}</strong>") in content
    assert "docs/demo.md" in content


@pytest.mark.parametrize("development, test_idents", [(False, True), (True, False)])
def test_outside_development_the_login_page_names_no_demo_login(client, settings, development, test_idents):
    settings.DEVELOPMENT, settings.ALLOW_TEST_IDENTS = development, test_idents
    UserFactory(username=demo_logins.FIRST_LOGIN)
    assert 'id="demo-login-hint"' not in client.get(reverse("login")).content.decode()


def test_with_oidc_a_posted_password_is_refused_and_logged(client, oidc_only, reception):
    response = client.post(reverse("login"), {"username": "morten", "password": "demo"})

    assert response.status_code == 403
    assert "Innlogging med passord er slått av" in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = SignInLogEntry.objects.get()
    assert (entry.event, entry.method, entry.reason) == (
        SignInEvent.REFUSED, SignInMethod.PASSWORD, SignInRefusal.PASSWORD_DISABLED
    )


def test_with_oidc_no_backend_accepts_a_password(oidc_only, reception):
    request = RequestFactory().post("/")
    assert authenticate(request, username="morten", password="demo") is None
    oidc_only.ALLOW_TEST_IDENTS = True
    assert authenticate(request, username="morten", password="demo") == reception


# --- the admin -------------------------------------------------------------------------------------

def test_admin_login_goes_to_the_apps_login_page(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/core/unit/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2Fadmin%2Fcore%2Funit%2F"
    # A next pointing elsewhere is dropped for the admin's index.
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("login") + "?next=%2Fadmin%2F"


def test_admin_login_sends_staff_on_and_others_to_the_start_page(client, superuser, reception):
    client.force_login(superuser)
    assert client.get(reverse("admin:login"), {"next": "/admin/core/unit/"})["Location"] == "/admin/core/unit/"
    client.force_login(reception)
    response = client.get(reverse("admin:login"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:start")
    assert "Du har ikke tilgang til administrasjonen." in response.content.decode()


def test_with_oidc_the_admin_offers_no_password_anywhere(client, oidc_only, superuser):
    # The anonymous visitor is sent to the login page, which has no password form.
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert not PASSWORD_INPUT.search(response.content.decode())

    client.force_login(superuser)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:password_change") not in index
    assert client.get(reverse("admin:password_change")).status_code == 404
    assert client.get(reverse("admin:password_change_done")).status_code == 404
    other = UserFactory(username="annen")
    assert client.get(reverse("admin:auth_user_password_change", args=[other.pk])).status_code == 404
    change = client.get(reverse("admin:core_user_change", args=[other.pk])).content.decode()
    assert "/password/" not in change and not PASSWORD_INPUT.search(change)
    add = client.get(reverse("admin:core_user_add")).content.decode()
    assert not PASSWORD_INPUT.search(add)


def test_with_oidc_staff_are_added_in_the_admin_without_a_password(client, oidc_only, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:core_user_add"), {
        "username": "ny", "nav_ident": "Z990099", "first_name": "Nora", "last_name": "Ny", "email": "nora@nav.no",
        "role_assignments-TOTAL_FORMS": "0", "role_assignments-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(nav_ident="Z990099")
    assert not user.has_usable_password()


def test_without_oidc_the_admin_keeps_its_password_pages(client, superuser):
    client.force_login(superuser)
    assert reverse("admin:password_change") in client.get(reverse("admin:index")).content.decode()
    assert client.get(reverse("admin:password_change")).status_code == 200
    assert PASSWORD_INPUT.search(client.get(reverse("admin:core_user_add")).content.decode())


def test_admin_logout_is_the_apps_logout(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert SignInLogEntry.objects.get().event == SignInEvent.SIGN_OUT


def test_sign_in_log_is_read_only_in_admin(client, superuser, reception):
    client.post(reverse("login"), {"username": "morten", "password": "demo"})
    entry = SignInLogEntry.objects.get()
    client.force_login(superuser)
    response = client.get(reverse("admin:core_signinlogentry_change", args=[entry.pk]))
    assert response.status_code == 200
    assert "Z990004" in response.content.decode()
    assert client.get(reverse("admin:core_signinlogentry_add")).status_code == 403
    assert client.post(reverse("admin:core_signinlogentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403


# --- password sign-ins in the sign-in log ----------------------------------------------------------

def test_password_sign_in_and_sign_out_are_logged(client, reception, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="nav_sikkerhet.audit")
    reception.set_password("Sjokoladekake-2026")
    reception.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("login"), {"username": "morten", "password": "Sjokoladekake-2026"})
        assert response["Location"] == reverse("core:start")
        client.post(reverse("logout"))

    signed_in, signed_out = SignInLogEntry.objects.order_by("id")
    assert (signed_in.event, signed_in.method, signed_in.nav_ident) == (SignInEvent.SIGN_IN, "password", "Z990004")
    assert (signed_out.event, signed_out.method, signed_out.user) == (SignInEvent.SIGN_OUT, "password", reception)
    lines = [r.getMessage() for r in caplog.records if r.name == "nav_sikkerhet.audit"]
    assert [line.split("|")[4] for line in lines] == ["authentication:signin", "authentication:signout"]
    assert "Sjokoladekake" not in caplog.text


def test_wrong_password_is_logged_with_the_accounts_nav_ident(client, reception):
    client.post(reverse("login"), {"username": "morten", "password": "feil"})
    entry = SignInLogEntry.objects.get()
    assert (entry.event, entry.reason, entry.nav_ident, entry.user) == (
        SignInEvent.REFUSED, SignInRefusal.PASSWORD, "Z990004", None
    )


def test_an_unknown_username_never_reaches_the_log(client):
    # Someone typed their password into the username field.
    client.post(reverse("login"), {"username": "Hemmelig-passord-123", "password": "x"})
    entry = SignInLogEntry.objects.get()
    assert entry.nav_ident == ""
    assert "Hemmelig" not in entry.message


def test_sign_out_when_not_signed_in_goes_to_the_login_page(client):
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert not SignInLogEntry.objects.exists()


# --- no role yet -------------------------------------------------------------------------------------

def test_a_password_sign_in_without_a_role_lands_on_the_no_role_page(client, unit):
    UserFactory(username="uten", nav_ident="Z990050")
    admin = UserFactory(username="arne", first_name="Arne", last_name="Admin", phone="55 55 33 33")
    assign_role(admin, unit, Role.ADMINISTRATOR)

    response = client.post(reverse("login"), {"username": "uten", "password": "demo"})

    assert response["Location"] == reverse("core:no_role")
    page = client.get(reverse("core:no_role")).content.decode()
    assert "Du har ingen rolle ennå" in page
    assert "Z990050" in page
    assert "Arne Admin" in page and "55 55 33 33" in page and "0314 NAV Sagene" in page


def test_no_role_page_without_administrators_points_to_user_support(client):
    user = UserFactory(username="uten")
    client.force_login(user)
    assert "brukerstøtte" in client.get(reverse("core:no_role")).content.decode()


def test_no_role_page_sends_staff_with_a_role_to_the_start_page(client, reception):
    client.force_login(reception)
    assert client.get(reverse("core:no_role"))["Location"] == reverse("core:start")


def test_start_page_without_a_role_links_to_the_no_role_page(client):
    client.force_login(UserFactory(username="uten"))
    assert reverse("core:no_role") in client.get(reverse("core:start")).content.decode()
