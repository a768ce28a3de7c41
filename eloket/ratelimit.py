"""A small fixed-window rate limit on the Django cache (Redis in production), for forms that can be guessed at.

    LOOKUPS = Limit("fines-lookup-address", max=10, seconds=15 * 60)
    wait = LOOKUPS.blocked(address)      # None, or the seconds until the window ends
    LOOKUPS.hit(address)                 # count one failed attempt

Windows are aligned to the clock (every `seconds`), so the wait is known without asking Redis for a TTL. A key
(an address, a notice number) never reaches the cache as such: it is hashed with a keyed sha256 (HMAC with the
SECRET_KEY), because a plain hash of a 12-digit number or an IP address is reversed in seconds. When the cache
cannot be reached the limit fails open with a warning: a page must keep working while Redis restarts.
"""

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

try:  # the Redis client is there in production and tests; the quick demo may run on the local-memory cache
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = OSError

# What a cache that is down or unreachable raises (redis-py's ConnectionError and TimeoutError are RedisErrors).
CACHE_DOWN = (RedisError, OSError)


@dataclass(frozen=True)
class Limit:
    name: str
    max: int
    seconds: int

    def _window(self, now: float) -> int:
        return int(now // self.seconds)

    def _cache_key(self, key: str, window: int) -> str:
        digest = salted_hmac("eloket.ratelimit", f"{self.name}\x00{key}", algorithm="sha256").hexdigest()
        return f"ratelimit:{self.name}:{window}:{digest}"

    def _down(self, error: Exception) -> None:
        logger.warning("Rate limit %s not applied: the cache is unavailable (%s)", self.name, type(error).__name__)

    def count(self, key: str) -> int:
        """The attempts counted for the key in the current window (0 when the cache is down)."""
        try:
            return int(cache.get(self._cache_key(key, self._window(time.time()))) or 0)
        except CACHE_DOWN as error:
            self._down(error)
            return 0

    def blocked(self, key: str) -> int | None:
        """The seconds to wait before the key may try again, or None when it may try now."""
        now = time.time()
        window = self._window(now)
        try:
            count = int(cache.get(self._cache_key(key, window)) or 0)
        except CACHE_DOWN as error:
            self._down(error)
            return None
        if count < self.max:
            return None
        return max(1, int((window + 1) * self.seconds - now + 0.999))

    def hit(self, key: str) -> int:
        """Count one attempt; returns the count in this window (0 when the cache is down)."""
        now = time.time()
        window = self._window(now)
        cache_key = self._cache_key(key, window)
        # The entry lives until its window ends (and a little longer: clocks of web processes differ slightly).
        timeout = int((window + 1) * self.seconds - now) + 5
        try:
            cache.add(cache_key, 0, timeout)
            try:
                return cache.incr(cache_key)
            except ValueError:  # expired between add and incr
                cache.set(cache_key, 1, timeout)
                return 1
        except CACHE_DOWN as error:
            self._down(error)
            return 0

    def clear(self, key: str) -> None:
        """Forget the key's attempts in the current window."""
        try:
            cache.delete(self._cache_key(key, self._window(time.time())))
        except CACHE_DOWN as error:
            self._down(error)
