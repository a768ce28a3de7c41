"""What happens to fake payments: expiry, the payer's choice on the checkout page, refunds settling, webhooks.

Shared by the JSON API (api.py), the checkout page (views.py) and the `fakemollie_expire` command.

Deterministic rules (the fake's stand-ins for what Mollie does in its own time):
- A payment expires `FAKE_MOLLIE_EXPIRY_MINUTES` (default 15) after creation. Every API call and every
  checkout page view first marks open payments past `expiresAt` as expired (`expiredAt` = `expiresAt`).
  That lazy expiry calls no webhook; `manage.py fakemollie_expire` calls it for them, once each.
- The checkout page calls the webhook synchronously, once per status change, after the change is committed.
  Changes made through the API (DELETE = cancel, refunds) call no webhook: the caller has the answer already.
- A refund is created `pending` and reads as `refunded` from the first GET of it (the refund itself, its
  payment's refund list or /v2/refunds). With `FAKE_MOLLIE_INSTANT_REFUNDS = True`, or `?instant=true` on the
  create call, it is `refunded` at once.
"""

import logging
import time
from datetime import timedelta
from decimal import Decimal

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from .models import FakePayment, FakeRefund, FakeWebhookCall

logger = logging.getLogger(__name__)

# Mollie gives the webhook a short time to answer; connect 2 s, answer 5 s.
WEBHOOK_TIMEOUT = (2, 5)
WEBHOOK_USER_AGENT = "Mollie HTTP client/1.0 (eloket fake)"
DEFAULT_METHOD = "bancontact"

Status = FakePayment.Status


def expiry_minutes() -> int:
    return int(getattr(settings, "FAKE_MOLLIE_EXPIRY_MINUTES", 15))


def instant_refunds() -> bool:
    return bool(getattr(settings, "FAKE_MOLLIE_INSTANT_REFUNDS", False))


def new_expiry(now=None):
    return (now or timezone.now()) + timedelta(minutes=expiry_minutes())


def expire_overdue(now=None) -> int:
    """Open payments past their expiresAt become expired, as of that moment. Returns how many did."""
    now = now or timezone.now()
    return FakePayment.objects.filter(status=Status.OPEN, expires_at__lte=now).update(
        status=Status.EXPIRED, expired_at=F("expires_at"))


def finish(payment_id: str, outcome: str, *, now=None) -> tuple[FakePayment | None, bool]:
    """Move an open payment to paid, failed, canceled or expired, as the payer chose on the checkout page.

    Returns the payment and whether its status changed; a payment that is no longer open stays as it is.
    The change is committed when this returns, so a webhook receiver that fetches the payment sees it.
    """
    if outcome not in {Status.PAID, Status.FAILED, Status.CANCELED, Status.EXPIRED}:
        raise ValueError(f"not a final status: {outcome}")
    now = now or timezone.now()
    with transaction.atomic():
        payment = FakePayment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None or payment.status != Status.OPEN:
            return payment, False
        if payment.expires_at <= now:
            payment.status, payment.expired_at = Status.EXPIRED, payment.expires_at
            payment.save(update_fields=["status", "expired_at"])
            return payment, False
        payment.status = outcome
        setattr(payment, f"{outcome}_at", now)
        if outcome in {Status.PAID, Status.FAILED} and not payment.method:
            requested = payment.requested_method
            payment.method = requested[0] if isinstance(requested, list) and requested else DEFAULT_METHOD
        payment.save()
    return payment, True


def cancel(payment_id: str, mode: str, *, now=None) -> tuple[FakePayment | None, bool]:
    """The merchant cancels an open payment through the API (no webhook: the caller gets the answer)."""
    now = now or timezone.now()
    with transaction.atomic():
        payment = FakePayment.objects.select_for_update().filter(pk=payment_id, mode=mode).first()
        if payment is None or payment.status != Status.OPEN:
            return payment, False
        payment.status, payment.canceled_at = Status.CANCELED, now
        payment.save(update_fields=["status", "canceled_at"])
    return payment, True


def refunded_total(payment: FakePayment) -> Decimal:
    """Everything refunded or on its way back: pending refunds already count, as at Mollie."""
    total = payment.refunds.exclude(status__in=FakeRefund.VOID).aggregate(total=Sum("value"))["total"]
    return total or Decimal("0.00")


def settle_refunds(refunds) -> int:
    """Refunds still on their way become refunded: the fake's bank answers on the first look."""
    return refunds.filter(status__in=[FakeRefund.Status.QUEUED, FakeRefund.Status.PENDING,
                                      FakeRefund.Status.PROCESSING]).update(status=FakeRefund.Status.REFUNDED)


def call_webhook(payment: FakePayment, event: str) -> FakeWebhookCall | None:
    """POST id=tr_... (form-encoded) to the payment's webhookUrl, like Mollie; never raises, records the attempt."""
    if not payment.webhook_url:
        return None
    started = time.monotonic()
    response_status, error = None, ""
    try:
        response = requests.post(
            payment.webhook_url,
            data={"id": payment.id},
            headers={"User-Agent": WEBHOOK_USER_AGENT, "Accept": "*/*"},
            timeout=WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
        response_status = response.status_code
        response.close()
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration_ms = int((time.monotonic() - started) * 1000)
    if error:
        logger.warning("Fake Mollie: webhook for %s (%s) failed: %s", payment.id, event, error)
    else:
        logger.info("Fake Mollie: webhook for %s (%s) answered %s", payment.id, event, response_status)
    return FakeWebhookCall.objects.create(payment=payment, event=event, url=payment.webhook_url,
                                          response_status=response_status, error=error, duration_ms=duration_ms)


def notify_expired(now=None) -> int:
    """Expire overdue payments and call the webhook of every expired payment not yet told (once each)."""
    expire_overdue(now)
    pending = (FakePayment.objects.filter(status=Status.EXPIRED).exclude(webhook_url="")
               .exclude(webhook_calls__event=Status.EXPIRED).order_by("expired_at", "id"))
    count = 0
    for payment in pending:
        call_webhook(payment, Status.EXPIRED)
        count += 1
    return count
