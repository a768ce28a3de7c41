"""The Mollie gateway: mollie-api-python's real client and a few small calls around it.

Every call translates what can go wrong (Mollie's own exceptions, timeouts, connection errors,
an answer we cannot read) into one `GatewayError` that carries a message fit for a citizen or
a clerk, and whether the request may have reached Mollie (`maybe_sent`), so the caller knows if
something could have been created there. Nothing here touches our database.
"""

import datetime
import logging
from decimal import Decimal
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from mollie.api.client import Client
from mollie.api.error import Error as MollieError
from mollie.api.error import RequestError, RequestSetupError, ResponseError
from mollie.api.objects.payment import Payment as MolliePayment
from mollie.api.objects.refund import Refund as MollieRefund
from mollie.api.resources.refunds import PaymentRefunds

logger = logging.getLogger(__name__)

# The fake Mollie API accepts any well-formed test key; this one is fixed so the demo needs no configuration.
FAKE_API_KEY = "test_" + "eloketfakemollie".ljust(30, "0")
# Mollie's pages of a list hold at most 250 items.
PAGE = 250

UNAVAILABLE = _("The online payment service cannot be reached right now. Nothing has been charged. "
                "Please try again in a few minutes, or pay by bank transfer.")


class GatewayError(Exception):
    """Mollie could not be asked or did not answer as expected.

    `message` is safe to show to a citizen; `str(error)` is the technical detail for logs and events.
    `maybe_sent` is False only when Mollie certainly did not act on the request (could not connect,
    or Mollie refused it with a 4xx answer).
    """

    def __init__(self, detail: str, *, message=UNAVAILABLE, maybe_sent: bool = True, status: int | None = None):
        super().__init__(detail)
        self.message = message
        self.maybe_sent = maybe_sent
        self.status = status


def api_key() -> str:
    return settings.MOLLIE_API_KEY or FAKE_API_KEY


def timeout() -> tuple[float, float]:
    return settings.MOLLIE_CONNECT_TIMEOUT, settings.MOLLIE_READ_TIMEOUT


def client() -> Client:
    """A new client per call: settings can differ per test, and a requests session is not shared by threads."""
    mollie = Client(api_endpoint=settings.MOLLIE_API_ENDPOINT or "", timeout=timeout(), retry=0)
    mollie.set_api_key(api_key())
    mollie.set_user_agent_component("eloket", "1")
    return mollie


def _translate(error: Exception, what: str) -> GatewayError:
    """One GatewayError for every way a call can fail; the detail holds no personal data."""
    if isinstance(error, ResponseError):
        status = error.status or 0
        # A 4xx answer means Mollie refused the request and created nothing; 5xx may hide a half-done action.
        refused = 400 <= status < 500
        return GatewayError(f"{what}: Mollie answered {status} ({error})", maybe_sent=not refused, status=status)
    if isinstance(error, RequestSetupError):
        return GatewayError(f"{what}: request not sent ({error})", maybe_sent=False)
    if isinstance(error, RequestError):
        cause = error.__context__
        not_sent = isinstance(cause, requests.ConnectTimeout) or (
            isinstance(cause, requests.ConnectionError) and "NewConnectionError" in repr(cause))
        return GatewayError(f"{what}: could not talk to Mollie ({type(cause).__name__ if cause else 'setup'})",
                            maybe_sent=not not_sent)
    if isinstance(error, requests.RequestException):
        return GatewayError(f"{what}: {type(error).__name__}", maybe_sent=not isinstance(error, requests.ConnectTimeout))
    return GatewayError(f"{what}: {type(error).__name__}: {error}")


def _call(what: str, action):
    """Run `action(client)` with a fresh client and close its connections afterwards (no idle keep-alive sockets)."""
    mollie = client()
    try:
        return action(mollie)
    except (MollieError, requests.RequestException, ValueError, KeyError, TypeError) as error:
        translated = _translate(error, what)
        logger.warning("Mollie call failed: %s", translated)
        raise translated from error
    finally:
        session = getattr(mollie, "_client", None)
        if session is not None:
            session.close()


def money(amount: Decimal) -> dict:
    return {"currency": "EUR", "value": f"{Decimal(amount):.2f}"}


def parse_money(value: dict | None) -> Decimal | None:
    if not value:
        return None
    return Decimal(str(value.get("value")))


def webhook_reachable(site_url: str) -> bool:
    """Real Mollie refuses a webhook URL on localhost; the fake calls it fine."""
    host = urlsplit(site_url).hostname or ""
    return settings.MOLLIE_FAKE or host not in {"localhost", "127.0.0.1", "::1"}


def create_payment(*, amount: Decimal, description: str, redirect_url: str, webhook_url: str | None,
                   metadata: dict, locale: str | None = None, idempotency_key: str = "") -> MolliePayment:
    """Create a payment at Mollie; any method the profile offers (Bancontact first in Belgium)."""
    data = {
        "amount": money(amount),
        "description": description[:255],
        "redirectUrl": redirect_url,
        "metadata": metadata,
    }
    if webhook_url:
        data["webhookUrl"] = webhook_url
    if locale:
        data["locale"] = locale
    return _call("create payment", lambda mollie: mollie.payments.create(data, idempotency_key=idempotency_key))


def get_payment(mollie_id: str) -> MolliePayment:
    return _call("get payment", lambda mollie: mollie.payments.get(mollie_id))


def payments_since(since: datetime.datetime, *, most: int = 20 * PAGE) -> tuple[list[MolliePayment], bool]:
    """Mollie's payments, newest first, back to those created at `since`; the flag says whether it got that far.

    Mollie cannot search by metadata, so this is how a payment whose creation went unanswered is found again.
    """

    def back_to_since(mollie):
        found = []
        page = mollie.payments.list(limit=PAGE)
        while True:
            for item in page:
                created = parse_datetime(item.created_at or "")
                if created is not None and created < since:
                    return found, True
                if len(found) >= most:
                    return found, False
                found.append(item)
            if not page.has_next():
                return found, True
            page = page.get_next()

    return _call("list payments", back_to_since)


def cancel_payment(mollie_id: str) -> MolliePayment:
    """Cancel an open payment at Mollie; Mollie refuses (GatewayError, maybe_sent False) when it is not cancelable."""
    return _call("cancel payment", lambda mollie: mollie.payments.delete(mollie_id))


def _payment_refunds(mollie: Client, mollie_payment_id: str) -> PaymentRefunds:
    return PaymentRefunds(mollie, MolliePayment({"id": mollie_payment_id}, mollie))


def create_refund(mollie_payment_id: str, *, amount: Decimal, description: str, metadata: dict,
                  idempotency_key: str = "") -> MollieRefund:
    data = {"amount": money(amount), "description": description[:255], "metadata": metadata}
    return _call("create refund", lambda mollie: _payment_refunds(mollie, mollie_payment_id).create(
        data, idempotency_key=idempotency_key))


def get_refund(mollie_payment_id: str, mollie_refund_id: str) -> MollieRefund:
    return _call("get refund", lambda mollie: _payment_refunds(mollie, mollie_payment_id).get(mollie_refund_id))


def list_refunds(mollie_payment_id: str) -> list[MollieRefund]:
    """All refunds of a payment, following Mollie's pages."""

    def everything(mollie):
        page = _payment_refunds(mollie, mollie_payment_id).list(limit=250)
        items = list(page)
        while page.has_next():
            page = page.get_next()
            items.extend(page)
        return items

    return _call("list refunds", everything)
