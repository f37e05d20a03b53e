"""Dead ends: a page the user's roles do not open answers the app's own 404 page, in their language."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from nav_sikkerhet.core.models import Role

pytestmark = pytest.mark.django_db

NOT_YOURS = "The page does not exist, or you do not have access to it through your roles."


def _in(language, msgid):
    with translation.override(language):
        return gettext(msgid)


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_page_the_role_does_not_open_says_so_in_the_users_language(client, staff_with_role, unit, settings,
                                                                     debug, language):
    settings.DEBUG = debug
    reception = staff_with_role(Role.MOTTAK, unit, username="mottak_404")
    reception.language = language
    reception.save()
    client.force_login(reception)

    response = client.get(reverse("utestenging:overview"))

    assert response.status_code == 404
    content = response.content.decode()
    # Not Django's technical page, even with DEBUG on: the user's own page with the way back.
    assert "URLconf" not in content and "Http404" not in content
    assert _in(language, NOT_YOURS) in content
    assert f'href="{reverse("core:start")}"' in content
    assert f'lang="{language}"' in content


def test_an_address_that_matches_nothing_keeps_the_technical_page_in_development(client, leader, settings):
    settings.DEBUG = True
    client.force_login(leader)
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_no_start_page_heading_is_left_empty(client, staff_with_role, unit, role):
    client.force_login(staff_with_role(role, unit, username=f"start_{role}"))
    content = client.get(reverse("core:start")).content.decode()
    for section in re.findall(r"<section\b.*?</section>", content, flags=re.S):
        body = re.sub(r"<h2\b.*?</h2>", "", section, count=1, flags=re.S)
        assert re.sub(r"<[^>]+>|\s", "", body), f"empty section under its heading: {section[:200]}"
