"""Every admin page, walked as a superuser in bokmål, speaks Norwegian: no English words from a short list,
no raw JSON, no "None"."""

import io
import re
from html import unescape

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Words an English admin shows that have no place in a Norwegian one (Django's own strings are translated by
# Django; these come from the project, its packages, or field values shown as they are stored). Not "True":
# "true" is Norwegian ("to threaten"), and the demo's texts use it. "historical": the history tables' names
# (core/history.py), which the retention holds' content-type filter shows.
ENGLISH = re.compile(
    r"\b(AXES|Axes|Show counts|Hide counts|None|False|Access attempts?|Access failures?|Access logs?|"
    r"[Hh]istorical|Content types?|Sessions?|Permissions?|Groups?|Users?|Log entr(y|ies)|Unknown|Yes|No|"
    r"Home|Add|Change|Save|Delete|History|Search|Select|Action|Can (add|change|delete|view)|"
    r"user options)\b"
)
RAW_JSON = re.compile(r"\[\s*\"[^\"]*\"|\{\s*\"[a-z_]+\"\s*:")


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: no scripts, styles, tags or hidden inputs."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?is)<!--.*?-->", " ", html)
    return unescape(re.sub(r"(?s)<[^>]+>", " ", html))


def admin_pages():
    """(name, url) of every admin page: the index, each app, and per model its list (with counts), add, change
    and history of the first object."""
    yield "index", reverse("admin:index")
    for app_label in {model._meta.app_label for model in admin.site._registry}:
        yield f"app {app_label}", reverse("admin:app_list", args=[app_label])
    for model in admin.site._registry:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        yield f"{info} list", reverse(f"admin:{info}_changelist")
        yield f"{info} list with counts", reverse(f"admin:{info}_changelist") + "?_facets=True"
        yield f"{info} add", reverse(f"admin:{info}_add")
        # The first and the last object: the demo's oldest rows and its newest (which fill the most fields).
        for which, obj in (("first", model._default_manager.order_by("pk").first()),
                           ("last", model._default_manager.order_by("pk").last())):
            if obj is not None:
                yield f"{info} change ({which})", reverse(f"admin:{info}_change", args=[obj.pk])
                yield f"{info} history ({which})", reverse(f"admin:{info}_history", args=[obj.pk])


def findings(client) -> dict[str, list[str]]:
    found = {}
    for name, url in admin_pages():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="nb")
        if response.status_code in (302, 403):  # an admin that allows no adding, or a page that redirects
            continue
        assert response.status_code == 200, (name, url, response.status_code)
        text = " ".join(visible_text(response.content.decode()).split())
        # Each finding with a little of the text around it, so a failure says where to look.
        bad = sorted({text[max(0, m.start() - 30):m.end() + 30] for pattern in (ENGLISH, RAW_JSON)
                      for m in pattern.finditer(text)})
        if bad:
            found[name] = bad
    return found


@pytest.fixture
def demo_admin(client, superuser):
    call_command("demo_data", stdout=io.StringIO())
    client.force_login(superuser)
    client.cookies["django_language"] = "nb"
    return client


def test_every_admin_page_speaks_norwegian(demo_admin):
    assert findings(demo_admin) == {}
