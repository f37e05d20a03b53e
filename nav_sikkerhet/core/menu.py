"""The main menu: what the staff member's roles let them open, wherever they are in the app."""

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import access
from .access import Perm

SESSION_KEY = "menu_perms"
# Permissions are read once per this many seconds: the menu is navigation only, every page checks access itself.
REFRESH_SECONDS = 300


@dataclass(frozen=True)
class Item:
    label: Promise
    url_name: str
    shown: Callable[[frozenset, object], bool]  # (the permissions held on some unit, the user)


def _any(*perms: str) -> Callable:
    return lambda held, _user: bool(held & set(perms))


ITEMS = [
    Item(_("Start page and reminders"), "core:start", lambda _held, _user: True),
    Item(_("Decisions"), "utestenging:overview", _any(Perm.PREPARE_DECISION, Perm.SIGN_DECISION, Perm.VIEW_DECISIONS)),
    Item(_("Look up security measures"), "mottak:search", _any(Perm.LOOKUP_MEASURES)),
    Item(_("Incidents"), "hendelser:list", _any(Perm.VIEW_INCIDENTS)),
    Item(_("Register an incident"), "hendelser:create", _any(Perm.REGISTER_INCIDENT)),
    Item(_("Weekly review"), "hendelser:review_index", _any(Perm.REVIEW_INCIDENTS)),
    Item(_("Statistics"), "hendelser:statistics", _any(Perm.VIEW_INCIDENTS)),
    Item(_("ROS analyses"), "risiko:index", _any(Perm.VIEW_ROS)),
    Item(_("Right of access"), "core:citizen_export", _any(Perm.VIEW_ACCESS_REPORT, Perm.ANSWER_ACCESS_REQUESTS)),
    Item(_("Administration"), "admin:index", lambda _held, user: user.is_staff),
]


def _held(request) -> frozenset:
    user = request.user
    cached = request.session.get(SESSION_KEY)
    if cached and cached.get("user") == user.pk and time.time() - cached.get("at", 0) < REFRESH_SECONDS:
        return frozenset(cached["perms"])
    held = access.perms_anywhere(user)
    request.session[SESSION_KEY] = {"user": user.pk, "at": time.time(), "perms": sorted(held)}
    return held


@functools.lru_cache(maxsize=256)
def _url(url_name: str, _prefix: str, _urlconf) -> str:
    # Remembered per script prefix and URLconf, the two things reverse() reads besides the name.
    return reverse(url_name)


def items_for(request) -> list[dict]:
    """The menu for the request's user, the current page marked; empty when nobody is signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    held = _held(request)
    items = [{"label": item.label, "url": _url(item.url_name, get_script_prefix(), get_urlconf())}
             for item in ITEMS if item.shown(held, user)]
    # The page one is on is the longest menu path it lies under (the incident form lies under the list).
    under = [entry["url"] for entry in items if entry["url"] == request.path or
             (entry["url"] != "/" and request.path.startswith(entry["url"]))]
    current = max(under, key=len, default=None)
    for entry in items:
        entry["current"] = entry["url"] == current
    return items
