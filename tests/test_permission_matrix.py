"""Every URL pattern against every role: a new view without an access rule fails here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from nav_sikkerhet.core.models import Role

from .factories import UnitFactory, UserFactory, assign_role

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
ALL_ROLES = [role.value for role in Role]
LEADERS = {Role.ENHETSLEDER.value, Role.STEDFORTREDER.value}
ACTORS = [ANONYMOUS, SUPERUSER, *ALL_ROLES]


def expect(default: int, anonymous: int = 302, superuser: int = 200, **roles: int) -> dict[str, int]:
    answers = {role: roles.get(role, default) for role in ALL_ROLES}
    answers[ANONYMOUS] = anonymous
    answers[SUPERUSER] = superuser
    return answers


# GET answers per URL name. 302 for anonymous means "sent to the login page".
MATRIX: dict[str, dict[str, int]] = {
    "healthz": expect(200, anonymous=200),
    "login": expect(302, anonymous=200, superuser=302),  # logged-in users are sent on to the start page
    "logout": expect(405, anonymous=405, superuser=405),  # POST only
    "set_language": expect(302, anonymous=302, superuser=302),  # POST-only view redirects a GET back
    "core:start": expect(200),
    "core:access_report": expect(404, **dict.fromkeys(LEADERS, 200)),
}
# The admin is one rule: only staff accounts get in; everyone else is sent to its login.
ADMIN_NAMESPACE = "admin"
ADMIN_EXPECT = expect(302, anonymous=302, superuser=200)


def _named_patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield pattern, namespace, name


def test_every_url_pattern_has_an_access_rule():
    missing = []
    for pattern, namespace, name in _named_patterns(get_resolver().url_patterns):
        if namespace == ADMIN_NAMESPACE:
            continue
        if name not in MATRIX:
            missing.append(name or str(pattern.pattern))
    assert not missing, f"URL patterns without an entry in the permission matrix: {missing}"


def test_matrix_names_all_resolve():
    known = {name for _, _, name in _named_patterns(get_resolver().url_patterns)}
    assert set(MATRIX) <= known


@pytest.fixture
def actor_client(client, db):
    unit = UnitFactory(number="0315", name="NAV Grünerløkka")

    def login_as(actor: str):
        if actor == ANONYMOUS:
            return client
        if actor == SUPERUSER:
            user = UserFactory(username="matrix_super", is_staff=True, is_superuser=True)
        else:
            user = UserFactory(username=f"matrix_{actor}")
            assign_role(user, unit, actor)
        client.force_login(user)
        return client

    return login_as


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_expected(actor_client, name, actor):
    response = actor_client(actor).get(reverse(name))
    assert response.status_code == MATRIX[name][actor], f"{name} as {actor}"


@pytest.mark.parametrize("actor", ACTORS)
def test_admin_only_for_staff_accounts(actor_client, actor):
    response = actor_client(actor).get(reverse("admin:index"))
    assert response.status_code == ADMIN_EXPECT[actor]
    if response.status_code == 302:
        assert reverse("admin:login") in response["Location"]
