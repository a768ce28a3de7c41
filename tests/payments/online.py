"""Helpers for the online payment tests: the real Mollie client against the fake Mollie API over HTTP.

Fixtures are registered under their short name; import them into the test module by their function name
(`from .online import fixture_mollie  # noqa: F401`) and ask for `mollie` in the test.
"""

import datetime
import re
import socket
import threading
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import requests
from django.utils import timezone

from eloket.payments.models import PaymentRequest

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(name="mollie")
def fixture_mollie(live_server, settings):
    """This site and the fake Mollie API on pytest-django's live server; the real client talks to it over HTTP."""
    settings.SITE_URL = live_server.url
    settings.MOLLIE_API_ENDPOINT = live_server.url + "/fake-mollie"
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    return live_server


@pytest.fixture(name="mollie_down")
def fixture_mollie_down(settings):
    """Mollie's endpoint on a local port nobody listens on: every call is refused at once."""
    settings.MOLLIE_API_ENDPOINT = f"http://127.0.0.1:{closed_port()}/fake-mollie"
    return settings.MOLLIE_API_ENDPOINT


@pytest.fixture(name="paid_calls")
def fixture_paid_calls(monkeypatch):
    """Counts PaymentRequest.on_payment_paid calls (from any thread: live server, Celery worker)."""
    return spy(monkeypatch, "on_payment_paid")


@pytest.fixture(name="refunded_calls")
def fixture_refunded_calls(monkeypatch):
    return spy(monkeypatch, "on_payment_refunded")


@pytest.fixture(name="unsuccessful_calls")
def fixture_unsuccessful_calls(monkeypatch):
    return spy(monkeypatch, "on_payment_unsuccessful")


class Calls:
    def __init__(self):
        self.lock = threading.Lock()
        self.args = []

    def __len__(self):
        return len(self.args)


def spy(monkeypatch, name: str) -> Calls:
    calls = Calls()
    original = getattr(PaymentRequest, name)

    def wrapper(self, arg):
        with calls.lock:
            calls.args.append(arg)
        return original(self, arg)

    monkeypatch.setattr(PaymentRequest, name, wrapper)
    return calls


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_request(citizen, *, amount="12.50", description="Duplicate resident card", **fields) -> PaymentRequest:
    return PaymentRequest.objects.create(citizen=citizen, description=description, amount=Decimal(amount),
                                         due_date=timezone.localdate() + datetime.timedelta(days=30), **fields)


def choose_at_checkout(checkout_url: str, outcome: str) -> str:
    """Act as the payer on the fake's hosted checkout; returns where the payer is sent back to."""
    with requests.Session() as browser:
        page = browser.get(checkout_url, timeout=10)
        assert page.status_code == 200, page.text[:500]
        token = CSRF.search(page.text).group(1)
        answer = browser.post(checkout_url, data={"csrfmiddlewaretoken": token, "outcome": outcome},
                              headers={"Referer": checkout_url}, allow_redirects=False, timeout=20)
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def path_of(url: str) -> str:
    return urlsplit(url).path


def post_webhook(live_server, mollie_id: str) -> int:
    return requests.post(live_server.url + "/payments/webhook/", data={"id": mollie_id}, timeout=20).status_code


def make_payment(payable, **fields):
    """One of our payments written directly (no Mollie), for pages and rules that need one."""
    from django.contrib.contenttypes.models import ContentType

    from eloket.payments.models import Payment

    values = {"owner": payable.payment_owner(), "amount": payable.amount, "description": payable.payment_description()}
    values.update(fields)
    return Payment.objects.create(content_type=ContentType.objects.get_for_model(payable), object_id=payable.pk, **values)
