"""The main menu offers what each role may open, marks the page one is on, and costs one query per five minutes."""

import re

import pytest
from django.urls import reverse

from nav_sikkerhet.core.models import Role

pytestmark = pytest.mark.django_db

START, DECISIONS, LOOKUP = reverse("core:start"), reverse("utestenging:overview"), reverse("mottak:search")
INCIDENTS, REGISTER = reverse("hendelser:list"), reverse("hendelser:create")
REVIEW, STATISTICS = reverse("hendelser:review_index"), reverse("hendelser:statistics")
ROS, INNSYN, ADMIN = reverse("risiko:index"), reverse("core:citizen_export"), reverse("admin:index")

MENU_BY_ROLE = {
    Role.ENHETSLEDER: [START, DECISIONS, LOOKUP, INCIDENTS, REGISTER, REVIEW, STATISTICS, ROS, INNSYN],
    Role.SAKSBEHANDLER: [START, DECISIONS, REGISTER],
    Role.MOTTAK: [START, LOOKUP, REGISTER],
    Role.KONTAKTSENTER: [START, LOOKUP, REGISTER],
    Role.HMS: [START, INCIDENTS, REGISTER, REVIEW, STATISTICS, ROS],
    Role.VERNEOMBUD: [START, INCIDENTS, REGISTER, STATISTICS, ROS],
    Role.SIKKERHETSANSVARLIG: [START, DECISIONS, INCIDENTS, STATISTICS, ROS],
    Role.PERSONVERN: [START, INNSYN],
}


def menu_links(content: str) -> list[str]:
    nav = re.search(r'<nav class="site-menu".*?</nav>', content, re.DOTALL)
    return re.findall(r'href="([^"]+)"', nav.group(0)) if nav else []


@pytest.mark.parametrize("role", list(MENU_BY_ROLE))
def test_each_role_gets_the_menu_of_what_it_may_open(client, staff_with_role, unit, role):
    client.force_login(staff_with_role(role, unit, username=f"menu_{role}"))
    links = menu_links(client.get(START).content.decode())
    assert links == MENU_BY_ROLE[role]
    for link in links[1:]:  # every item opens for the role (the start page is already open)
        assert client.get(link, follow=True).status_code == 200, link


def test_a_superuser_also_gets_the_administration(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("menu_admin", "a@nav.test", "pw-long-enough-1"))
    assert menu_links(client.get(START).content.decode())[-1] == ADMIN


def test_the_page_one_is_on_is_marked_and_the_longest_match_wins(client, staff_with_role, unit):
    client.force_login(staff_with_role(Role.HMS, unit, username="menu_current"))
    content = client.get(REGISTER).content.decode()
    assert f'href="{REGISTER}" aria-current="page"' in content
    assert f'href="{INCIDENTS}" aria-current' not in content


def test_nobody_signed_in_gets_no_menu(client):
    assert menu_links(client.get(reverse("login")).content.decode()) == []


def test_the_permissions_are_read_once_then_kept_in_the_session(client, staff_with_role, unit,
                                                                django_assert_max_num_queries):
    client.force_login(staff_with_role(Role.MOTTAK, unit, username="menu_cached"))
    client.get(LOOKUP)
    with django_assert_max_num_queries(100) as captured:
        client.get(LOOKUP)
    menu_reads = [q["sql"] for q in captured.captured_queries if 'SELECT "auth_permission"."codename"' in q["sql"]]
    assert menu_reads == []
