"""Small helpers for tests that go through the real login forms."""

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value


def totp_code(secret: str, offset: int = 0) -> str:
    """The code an authenticator app would show now (offset in 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def link_in(body: str, contains: str) -> str:
    """The first http(s) link in a mail body whose path contains a fragment."""
    for url in re.findall(r"https?://\S+", body):
        if contains in url:
            return url
    raise AssertionError(f"no link with {contains!r} in mail:\n{body}")
