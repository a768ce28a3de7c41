"""Secrets given to machines (operator API keys, scan-car tokens): made once and shown once, kept only as a sha256
hash, and looked up through a small in-process cache.

An operator or a scan car sends thousands of requests an hour, so a secret is looked up in the database once and then
kept in this process for CACHE_SECONDS; saving or deleting the owner empties the cache here, other processes notice
within that time. Unknown secrets are cached too (as None), and the cache is emptied when full, so a flood of wrong
ones can neither reach the database each time nor grow the cache without bound.
"""

import hashlib
import secrets
import threading
import time

from django.db.models.signals import post_delete, post_save

CACHE_SECONDS = 60
CACHE_SIZE = 1000
MAX_LENGTH = 200


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class HashedSecrets:
    """The secrets of one model: `hash_field` holds the digest, `prefix_field` the first characters to recognise it."""

    def __init__(self, model, hash_field: str, prefix_field: str):
        self.model, self.hash_field, self.prefix_field = model, hash_field, prefix_field
        self._cache: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()
        for signal in (post_save, post_delete):
            signal.connect(self._changed, sender=model, dispatch_uid=f"parking_sessions.credentials.{model.__name__}",
                           weak=False)

    def make(self, owner) -> str:
        """Give the owner a new secret (the old one stops working), save it and return it: the only time it is seen."""
        secret = secrets.token_urlsafe(32)
        setattr(owner, self.hash_field, digest(secret))
        setattr(owner, self.prefix_field, secret[:8])
        owner.save()
        return secret

    def owner(self, secret: str):
        """The active owner of this secret, or None (unknown, too long, or switched off)."""
        if not secret or len(secret) > MAX_LENGTH:
            return None
        key = digest(secret)
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        found = self.model.objects.filter(**{self.hash_field: key, "is_active": True}).first()
        with self._lock:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = (now + CACHE_SECONDS, found)
        return found

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()

    def _changed(self, sender, **kwargs):
        self.forget()  # a new secret or a switched-off owner counts at once in this process
