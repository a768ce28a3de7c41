"""SMS transports, chosen by settings.SMS_BACKEND: "console" (demo), "http" (a gateway), "locmem" (tests).

A backend raises when a message was not accepted, so the sending task retries. Logs never show a
full phone number: `mask()` keeps the last three digits.
"""

import logging
import sys
from dataclasses import dataclass
from typing import Protocol

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Messages "sent" with the locmem backend, like django.core.mail.outbox. Tests empty it.
outbox: list["SmsMessage"] = []

GATEWAY_TIMEOUT = (5, 20)  # seconds to connect, to read


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    sender: str


def mask(number: str) -> str:
    """'+32470123456' becomes '*********456': enough to tell numbers apart in a log, not to call them."""
    number = str(number or "")
    return "*" * max(len(number) - 3, 0) + number[-3:]


class BaseBackend(Protocol):
    """What an SMS backend offers: send one message or raise."""

    def send(self, message: SmsMessage) -> None: ...


class ConsoleBackend:
    """Prints the message (the demo's stand-in for a gateway), with the number masked."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> None:
        self.stream.write(f"SMS from {message.sender} to {mask(message.to)}:\n{message.text}\n{'-' * 40}\n")
        self.stream.flush()


class LocmemBackend:
    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


class HttpBackend:
    """POSTs {"to", "from", "text"} as JSON with a bearer token; any answer but 2xx raises."""

    def __init__(self, url: str | None = None, token: str | None = None):
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        if not self.url:
            raise ImproperlyConfigured("SMS_BACKEND is 'http' but SMS_GATEWAY_URL is empty")

    def send(self, message: SmsMessage) -> None:
        response = requests.post(
            self.url,
            json={"to": message.to, "from": message.sender, "text": message.text},
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
            timeout=GATEWAY_TIMEOUT,
        )
        response.raise_for_status()


BACKENDS = {"console": ConsoleBackend, "locmem": LocmemBackend, "http": HttpBackend}


def get_backend() -> BaseBackend:
    """The configured backend: a short name from BACKENDS or the dotted path of a class with send(message)."""
    name = settings.SMS_BACKEND
    backend_class = BACKENDS.get(name) or import_string(name)
    return backend_class()


def send_sms(to: str, text: str) -> None:
    get_backend().send(SmsMessage(to=to, text=text, sender=settings.SMS_SENDER))
    logger.info("SMS to %s handed to the %s backend", mask(to), settings.SMS_BACKEND)
