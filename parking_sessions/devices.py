"""Scan-car and handheld tokens (credentials.py: shown once, kept as a hash, checked from a small cache)."""

from .credentials import HashedSecrets
from .models import Device

TOKENS = HashedSecrets(Device, "token_hash", "token_prefix")


def make_token(device: Device) -> str:
    """Give the device a new token (the old one stops working) and return it: the only time it can be seen."""
    return TOKENS.make(device)


def create_device(name: str, *, is_active: bool = True) -> tuple[Device, str]:
    """A new device with its token; returns both, the token for showing once."""
    device = Device(name=name, is_active=is_active)
    return device, make_token(device)


def device_for(token: str) -> Device | None:
    """The active device this token belongs to, or None (unknown token, or the device was switched off)."""
    return TOKENS.owner(token)


def forget() -> None:
    TOKENS.forget()
