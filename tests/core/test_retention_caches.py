"""Cached pages and exports follow the schedule by not existing: a look-up, the right-of-access export and the
incident export leave no copy of the citizen in any cache or file, and every page tells browsers to keep none."""

import base64

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.urls import reverse

from hendelser.models import Perpetrator
from nav_sikkerhet.core import retention
from nav_sikkerhet.core.models import Role
from tests.hendelser.factories import IncidentFactory
from tests.utestenging.factories import signed_decision


def _cached_bytes(cache) -> list[bytes]:
    """Every key and stored value in the cache, as bytes (values are pickled: a text in them is still its UTF-8)."""
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client()
        found = []
        for key in client.scan_iter(match=f"{cache.key_prefix}*" if cache.key_prefix else "*"):
            found.append(key)
            if client.type(key) == b"string":
                found.append(client.get(key))
        return found
    if isinstance(cache, LocMemCache):
        return [str(key).encode() for key in cache._cache] + list(cache._cache.values())
    if isinstance(cache, DatabaseCache):
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT cache_key, value FROM "{cache._table}"')
            return [item for key, value in cursor.fetchall() for item in (key.encode(), base64.b64decode(value))]
    raise AssertionError(f"a cache backend this test cannot read: {type(cache)}")


@pytest.mark.django_db
def test_look_ups_and_exports_leave_no_copy_of_the_citizen_in_any_cache_or_file(
    client, unit, leader, citizen, staff_with_role,
):
    signed_decision(signed_by=leader, unit=unit, citizen=citizen, created_by=leader)
    IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=citizen, description="Truet saksbehandler")
    identifiers = [citizen.personident, citizen.name, citizen.address]

    client.force_login(staff_with_role(Role.MOTTAK, unit, username="mottak_cache"))
    look_up = client.post("/mottak/", {"search": "ident", "personident": citizen.personident})
    client.force_login(staff_with_role(Role.PERSONVERN, unit, username="personvern_cache"))
    access_export = client.post(reverse("core:citizen_export"), {
        "personident": citizen.personident, "format": "json", "requested_by": "Brukeren",
        "requested_on": "2026-01-05", "reference": "2026/1"})
    client.force_login(leader)
    incident_export = client.get(reverse("hendelser:export"), {"format": "csv"})

    for response in (look_up, access_export, incident_export):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
    assert citizen.name in look_up.content.decode() and citizen.personident in access_export.content.decode()
    assert _cached_bytes(caches["ratelimit"])  # the look-ups were counted there: the scan sees what is stored
    for alias in settings.CACHES:
        stored = b"\n".join(_cached_bytes(caches[alias]))
        assert not [text for text in identifiers if text.encode() in stored], alias
    assert list(retention.stored_names()) == []  # nothing was stored, on the filesystem or in a bucket
