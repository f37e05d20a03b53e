"""The throttle's counting (core/throttle.py): one Redis round trip per look-up, django-ratelimit's keys and answer."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from django_ratelimit.core import get_usage
from redis.client import Redis

from nav_sikkerhet.core import throttle

from ..factories import UserFactory


@pytest.fixture
def request_of(db):
    user = UserFactory()
    request = RequestFactory().post("/mottak/")
    request.user = user
    return request


@pytest.fixture
def redis_counters():
    if not isinstance(caches["ratelimit"], RedisCache):
        pytest.skip("the throttle counts in Redis only where REDIS_URL is set")


def test_one_look_up_is_one_redis_round_trip(request_of, redis_counters, monkeypatch, settings):
    settings.LOOKUP_RATE = "100/m"
    throttle.lookup_hit(request_of)  # the window's first look-up
    commands = []
    original = Redis.execute_command

    def counted(self, *args, **kwargs):
        commands.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Redis, "execute_command", counted)
    assert throttle.lookup_hit(request_of) is None
    assert commands == ["EVAL"]


def test_the_counter_is_django_ratelimits_and_refuses_over_the_rate(request_of, redis_counters, settings):
    settings.LOOKUP_RATE = "3/m"
    key = f"user:{request_of.user.pk}"
    assert [throttle.lookup_hit(request_of) for _ in range(3)] == [None] * 3
    # django-ratelimit reads the same counter under the same key and window.
    usage = get_usage(request_of, group=throttle.LOOKUP_GROUP, key=lambda _g, _r: key, rate="3/m")
    assert usage["count"] == 3 and not usage["should_limit"]
    refused = throttle.lookup_hit(request_of)
    assert refused is not None and refused.limit == 3 and 1 <= refused.retry_after <= 60
    # The counter expires with its window (and a few seconds' margin), never lives on.
    cache = caches["ratelimit"]
    from django_ratelimit.core import _get_window, _make_cache_key

    full_key = cache.make_and_validate_key(_make_cache_key(throttle.LOOKUP_GROUP, _get_window(key, 60), "3/m", key,
                                                           (None,)))
    assert 0 < cache._cache.get_client(full_key).ttl(full_key) <= 65


def test_a_cache_that_is_down_lets_the_look_up_through(request_of, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(throttle, "caches", type("Down", (), {"__getitem__": down})())
    assert throttle.lookup_hit(request_of) is None
