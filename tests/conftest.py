import uuid

import pytest

from nav_sikkerhet.core.models import Role

from .celery_utils import celery_config
from .factories import CitizenFactory, UnitFactory, UserFactory, staff_member


@pytest.fixture(scope="session", autouse=True)
def _urlconf_loaded_before_any_frozen_clock():
    """Import every URL module once, outside freezegun.

    A module imported for the first time under a frozen clock binds `datetime.date` to freezegun's FakeDate, and the
    API's pydantic schemas cannot be built from that; the order of test files must not decide whether they pass.
    """
    from django.urls import get_resolver

    assert get_resolver().url_patterns


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Stored files (archived letters) go to a folder of the test's own, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _own_throttle_counters(settings):
    """Each test counts look-ups afresh: the throttle's cache keys get a prefix of the test's own (tests running
    in parallel share one Redis database, and their users' ids collide)."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["ratelimit"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture
def unit(db):
    return UnitFactory(number="0314", name="NAV Sagene", municipality_number="0301", municipality_name="Oslo")


@pytest.fixture
def other_unit(db):
    return UnitFactory(number="4612", name="NAV Bergenhus", municipality_number="4601",
                       municipality_name="Bergen", region="Vestland")


@pytest.fixture
def citizen(db):
    return CitizenFactory()


@pytest.fixture
def staff_with_role(db):
    """Make a staff member holding one role in one unit."""
    return staff_member


@pytest.fixture
def leader(staff_with_role, unit):
    return staff_with_role(Role.ENHETSLEDER, unit, username="leder_test")


@pytest.fixture
def superuser(db):
    return UserFactory(username="superuser_test", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run eagerly in every test, even with REDIS_URL set (as in CI); a test that wants the
    broker says so with ``celery_config(task_always_eager=False, broker_url=...)``."""
    with celery_config(task_always_eager=True, task_eager_propagates=True):
        yield
