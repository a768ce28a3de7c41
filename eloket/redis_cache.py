"""Django's Redis cache, made to degrade instead of failing while Redis cannot be reached.

The cache only speeds things up and counts (the city profile, rate limits, allauth's login limits, the ingestion's
drain flag), so with Redis stopped or hung a read is a miss, a write is dropped and `add` answers True (a lock or flag
that cannot be taken must not stop the work it guards; every task is idempotent), with a warning in the log. Pages
and APIs then work from the database.

After a failure Redis is left alone for RETRY_SECONDS: a hung server costs one socket timeout per process in that
time, not one per cache call. `incr` has no answer without the server and still raises (at once while Redis is left
alone); callers that count handle that (eloket.ratelimit). Only connection and timeout errors are caught: any other
error is a bug and raises as usual.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0

# Per list of servers, the time.monotonic() before which Redis is not tried again. Module-level: Django makes a cache
# object per thread and per async context, and they should all learn from one failure.
_left_alone_until: dict[tuple[str, ...], float] = {}


class DegradingRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are dropped, with a warning, while Redis is unreachable."""

    @property
    def _servers_key(self) -> tuple[str, ...]:
        return tuple(self._servers)

    def _left_alone(self) -> bool:
        return time.monotonic() < _left_alone_until.get(self._servers_key, 0.0)

    def _unreachable(self, error: Exception) -> None:
        _left_alone_until[self._servers_key] = time.monotonic() + RETRY_SECONDS
        # The error's type only: its text names the server, and nothing here is worth more than one line per failure.
        logger.warning("Cache unavailable (%s): working without it, Redis is tried again in %.0f s",
                       type(error).__name__, RETRY_SECONDS)

    def _call(self, fallback, method, *args, **kwargs):
        if self._left_alone():
            return fallback
        try:
            return method(*args, **kwargs)
        except UNREACHABLE as error:
            self._unreachable(error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(True, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)  # Django's answer: the keys not set

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        if self._left_alone():
            raise RedisConnectionError("Redis was unreachable moments ago and is left alone for now")
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._unreachable(error)
            raise
