"""The fixed-window rate limit on the cache: counts per key, tells how long to wait, keeps no personal data in
Redis, and lets everything through (with a warning) when Redis is down."""

import logging
import time

import pytest
import redis
from django.conf import settings as django_settings

from eloket.ratelimit import Limit
from tests.payments.online import closed_port


def redis_contents() -> bytes:
    """Every key and value in the test's Redis database, as one blob to search."""
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    blob = b""
    for key in client.keys("*"):
        blob += key + b"=" + (client.get(key) or b"") + b"\n"
    return blob


def test_a_key_may_try_until_the_maximum_then_waits_until_the_window_ends():
    limit = Limit("test-tries", max=3, seconds=600)
    for count in (1, 2, 3):
        assert limit.blocked("10.0.0.1") is None
        assert limit.hit("10.0.0.1") == count
    wait = limit.blocked("10.0.0.1")
    assert wait is not None and 1 <= wait <= 600


def test_keys_and_limits_are_counted_apart():
    first, second = Limit("test-first", max=1, seconds=600), Limit("test-second", max=1, seconds=600)
    first.hit("10.0.0.1")
    assert first.blocked("10.0.0.1")
    assert first.blocked("10.0.0.2") is None
    assert second.blocked("10.0.0.1") is None


def test_clear_forgets_the_attempts():
    limit = Limit("test-clear", max=1, seconds=600)
    limit.hit("10.0.0.1")
    limit.clear("10.0.0.1")
    assert limit.blocked("10.0.0.1") is None
    assert limit.count("10.0.0.1") == 0


def test_a_new_window_starts_afresh():
    limit = Limit("test-window", max=1, seconds=1)
    limit.hit("10.0.0.1")
    wait = limit.blocked("10.0.0.1")
    assert wait == 1
    time.sleep(1.05)
    assert limit.blocked("10.0.0.1") is None


def test_no_key_reaches_redis_as_typed():
    limit = Limit("test-private", max=5, seconds=600)
    for key in ("203.0.113.77", "2025000001 49", "1ABC123"):
        limit.hit(key)
    stored = redis_contents()
    assert b"test-private" in stored  # the limit's name is there, the keys are not
    for key in (b"203.0.113.77", b"2025000001", b"1ABC123", b"203.0.113"):
        assert key not in stored


@pytest.fixture
def redis_down(settings):
    """The cache points at a local port nobody listens on: every call is refused at once."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}


def test_it_lets_everything_through_with_a_warning_when_redis_is_down(redis_down, caplog):
    limit = Limit("test-down", max=1, seconds=600)
    with caplog.at_level(logging.WARNING, logger="eloket.ratelimit"):
        for _attempt in range(3):
            assert limit.hit("10.0.0.1") == 0
            assert limit.blocked("10.0.0.1") is None
        limit.clear("10.0.0.1")
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert warnings and all("test-down" in message and "10.0.0.1" not in message for message in warnings)
