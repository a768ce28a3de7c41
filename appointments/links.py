"""Signed links in the emails: confirm a guest's booking, or manage (reschedule, cancel) an appointment.

A token is signed with Django's signing (salted per purpose, timestamped) and carries the appointment's id and a
digest of its `secret`: rotating the secret invalidates every link sent before, and the secret itself never travels.
Opening a link lets that browser session work on the appointment (access.py); the view then redirects to a clean URL,
so the token does not stay in the address bar, the history or a Referer header.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Appointment

CONFIRM = "confirm"
MANAGE = "manage"
PURPOSES = (CONFIRM, MANAGE)
# A confirmation is due within booking.confirm_within(); a day leaves room for a slow mail server, not for reuse.
MAX_AGE = {CONFIRM: datetime.timedelta(days=1),
           # Longer than the longest booking window (366 days), so a manage link works until the appointment.
           MANAGE: datetime.timedelta(days=400)}


class LinkRefused(Exception):
    """A link that is tampered with, expired or no longer valid; `expired` tells the two apart for the message."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class Opened:
    appointment: Appointment
    purpose: str


def salt(purpose: str) -> str:
    return f"appointments.link.{purpose}"


def _digest(appointment: Appointment) -> str:
    return salted_hmac("appointments.link.secret", appointment.secret, algorithm="sha256").hexdigest()[:20]


def token(appointment: Appointment, purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return signing.dumps({"a": appointment.pk, "k": _digest(appointment)}, salt=salt(purpose), compress=False)


def url(appointment: Appointment, purpose: str, language: str | None = None) -> str:
    """The absolute link for an email, under the language prefix of the appointment's language."""
    with translation.override(language or appointment.language or settings.LANGUAGE_CODE):
        path = reverse(f"appointments:{purpose}_link", args=[token(appointment, purpose)])
    return settings.SITE_URL + path


def open_link(value: str, purpose: str) -> Opened:
    """The appointment a token opens, or LinkRefused."""
    try:
        data = signing.loads(value, salt=salt(purpose), max_age=MAX_AGE[purpose])
    except signing.SignatureExpired:
        raise LinkRefused(expired=True) from None
    except signing.BadSignature:
        raise LinkRefused() from None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int) or not isinstance(data.get("k"), str):
        raise LinkRefused()
    appointment = Appointment.objects.select_related("location", "topic").filter(pk=data["a"]).first()
    if appointment is None or not constant_time_compare(data["k"], _digest(appointment)):
        raise LinkRefused()
    return Opened(appointment, purpose)
