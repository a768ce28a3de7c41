"""Bring our payments and refunds in line with Mollie, the only source of truth about online payments.

The webhook, the return page, `start` and the reconciliation task all call `sync_payment`; it fetches
the payment from Mollie and hands the status to `flow.apply_status`, whose row lock and allowed moves
make replayed, late, out-of-order and concurrent calls harmless. Logs carry ids, never personal data.
"""

import datetime
import logging
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import flow, gateway
from .gateway import GatewayError
from .models import (
    FINAL_STATUSES,
    UNSUCCESSFUL_STATUSES,
    Payment,
    PaymentEvent,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
)

logger = logging.getLogger(__name__)

UNFINISHED_STATUSES = [PaymentStatus.OPEN, PaymentStatus.PENDING, PaymentStatus.AUTHORIZED]
UNFINISHED_REFUND_STATUSES = [RefundStatus.QUEUED, RefundStatus.PENDING, RefundStatus.PROCESSING]
PAID_AFTER_CLOSING = "Paid at Mollie after this payment was closed here: refund it or book it by hand."
# A final payment or refunded refund whose effect has not run after this long: the worker died, schedule it again.
EFFECT_GRACE = datetime.timedelta(minutes=5)
# Mollie's clock and ours may differ a little: look that much further back for a payment whose creation went unanswered.
UNANSWERED_SLACK = datetime.timedelta(minutes=2)


def _error_event(payment: Payment, note: str, *, source: str, actor=None) -> None:
    PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.ERROR, source=source, actor=actor,
                                from_status=payment.status, note=note[:1000])


def apply_remote(payment: Payment, remote, *, source: str, actor=None) -> Payment:
    """Apply what Mollie says about one of our payments (a mollie Payment object)."""
    status = remote.status
    if status not in PaymentStatus.values:
        logger.warning("Payment %s: Mollie reported an unknown status %r; ignored", payment.pk, status)
        return payment
    metadata = remote.metadata if isinstance(remote.metadata, dict) else {}
    if metadata.get("payment") not in (None, str(payment.token)) or remote.id != payment.mollie_id:
        logger.error("Payment %s: Mollie payment %s belongs to another payment; ignored", payment.pk, remote.id)
        _error_event(payment, "Mollie returned a payment that belongs to another payment; status not applied.",
                     source=source, actor=actor)
        return payment
    remote_amount = gateway.parse_money(remote.amount)
    if remote_amount is not None and remote_amount != payment.amount:
        logger.error("Payment %s: Mollie amount differs from ours; status not applied", payment.pk)
        _error_event(payment, f"Mollie reports € {remote_amount}, we asked € {payment.amount}; status not applied.",
                     source=source, actor=actor)
        return payment
    if status == PaymentStatus.PAID and payment.status in UNSUCCESSFUL_STATUSES:
        # Mollie never goes back from a final status; this is a payment we closed ourselves (replaced, or
        # failed after a timeout) that the citizen still paid. Money came in: staff must act.
        if not payment.events.filter(kind=PaymentEvent.Kind.ERROR, note=PAID_AFTER_CLOSING).exists():
            logger.error("Payment %s: paid at Mollie after it was closed here; needs a refund or manual booking",
                         payment.pk)
            _error_event(payment, PAID_AFTER_CLOSING, source=source, actor=actor)
    paid_at = parse_datetime(remote.paid_at) if remote.paid_at else None
    return flow.apply_status(payment.pk, status, source=source, actor=actor, paid_at=paid_at)


def sync_payment(payment: Payment, *, source: str, actor=None, refunds: bool = True) -> Payment:
    """Fetch the payment from Mollie and apply its status (and its refunds'). Raises GatewayError."""
    if not payment.mollie_id:
        return payment
    remote = gateway.get_payment(payment.mollie_id)
    apply_remote(payment, remote, source=source, actor=actor)
    if refunds:
        sync_refunds(payment, source=source, actor=actor)
    return Payment.objects.get(pk=payment.pk)


def sync_by_mollie_id(mollie_id: str, *, source: str) -> Payment | None:
    """The webhook's entry: None when the id is not one of ours."""
    payment = Payment.objects.filter(mollie_id=mollie_id).first()
    if payment is None:
        return None
    return sync_payment(payment, source=source)


def sync_refunds(payment: Payment, *, source: str, actor=None, now: datetime.datetime | None = None) -> int:
    """Follow the payment's unfinished refunds at Mollie; returns how many changed. One Mollie call, or none."""
    ours = list(payment.refunds.filter(status__in=UNFINISHED_REFUND_STATUSES))
    if not ours or not payment.mollie_id:
        return 0
    remote_refunds = gateway.list_refunds(payment.mollie_id)
    by_id = {remote.id: remote for remote in remote_refunds}
    by_ours = {}
    for remote in remote_refunds:
        metadata = remote.metadata if isinstance(remote.metadata, dict) else {}
        if metadata.get("refund"):
            by_ours[str(metadata["refund"])] = remote
    cutoff = (now or timezone.now()) - datetime.timedelta(minutes=settings.PAYMENT_RECONCILE_AFTER_MINUTES)
    changed = 0
    for refund in ours:
        remote = by_id.get(refund.mollie_id) if refund.mollie_id else by_ours.get(str(refund.pk))
        if remote is not None and not refund.mollie_id:
            # Created at Mollie although our call timed out: link it now.
            Refund.objects.filter(pk=refund.pk, mollie_id__isnull=True).update(mollie_id=remote.id)
        if remote is None:
            if refund.mollie_id:
                try:
                    remote = gateway.get_refund(payment.mollie_id, refund.mollie_id)
                except GatewayError as error:
                    if error.status != 404:
                        raise
                    flow.apply_refund_status(refund.pk, RefundStatus.CANCELED, source=source, actor=actor)
                    changed += 1
                    continue
            elif refund.created < cutoff:
                # Our request never reached Mollie (or Mollie refused it) and nothing was created there.
                flow.apply_refund_status(refund.pk, RefundStatus.FAILED, source=source, actor=actor)
                changed += 1
                continue
            else:
                continue
        if remote.status in RefundStatus.values and remote.status != refund.status:
            flow.apply_refund_status(refund.pk, remote.status, source=source, actor=actor)
            changed += 1
    return changed


class _Breaker:
    """Stop calling Mollie after a few failures in a row: with 10-second timeouts a dead Mollie would hold the run for hours."""

    limit = 5

    def __init__(self):
        self.failures = 0

    @property
    def open(self) -> bool:
        return self.failures >= self.limit

    def success(self):
        self.failures = 0

    def failure(self):
        self.failures += 1


def _batches(ids: list[int], size: int):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def reconcile(*, now: datetime.datetime | None = None, batch_size: int = 100, limit: int = 2000) -> dict:
    """Fetch what webhooks may have missed; re-schedule effects a dead worker left. Idempotent."""
    from .tasks import run_payment_effect, run_refund_effect

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.PAYMENT_RECONCILE_AFTER_MINUTES)
    counts = Counter()

    # 1. Online payments unfinished for too long.
    breaker = _Breaker()
    ids = list(Payment.objects.filter(method=PaymentMethod.ONLINE, status__in=UNFINISHED_STATUSES, created__lt=cutoff)
               .order_by("pk").values_list("pk", flat=True)[:limit])
    for chunk in _batches(ids, batch_size):
        for payment in Payment.objects.filter(pk__in=chunk, status__in=UNFINISHED_STATUSES).order_by("pk"):
            if not payment.mollie_id:
                # Created here but never sent (the process died before Mollie answered): nobody can pay it.
                flow.apply_status(payment.pk, PaymentStatus.FAILED, source="reconcile",
                                  note="Never reached Mollie; closed by reconciliation.")
                counts["never_sent"] += 1
                continue
            if breaker.open:
                break
            try:
                before = payment.status
                after = sync_payment(payment, source="reconcile", refunds=False).status
                counts["payments_checked"] += 1
                counts["payments_changed"] += before != after
                breaker.success()
            except GatewayError as error:
                if error.status == 404:
                    flow.apply_status(payment.pk, PaymentStatus.FAILED, source="reconcile",
                                      note="Mollie does not know this payment; closed by reconciliation.")
                    counts["unknown_at_mollie"] += 1
                else:
                    counts["errors"] += 1
                    breaker.failure()
                    logger.warning("Reconcile: payment %s could not be fetched: %s", payment.pk, error)

    # 1b. Payments whose creation Mollie never answered: find them there, link them, cancel them.
    if not breaker.open:
        try:
            counts.update(find_unanswered(cutoff=cutoff, limit=limit))
            breaker.success()
        except GatewayError as error:
            counts["errors"] += 1
            breaker.failure()
            logger.warning("Reconcile: unanswered payments could not be looked up: %s", error)

    # 2. Refunds not finished: one Mollie call per payment that has any.
    payment_ids = list(Refund.objects.filter(status__in=UNFINISHED_REFUND_STATUSES, updated__lt=cutoff)
                       .order_by("payment_id").values_list("payment_id", flat=True).distinct()[:limit])
    for chunk in _batches(payment_ids, batch_size):
        for payment in Payment.objects.filter(pk__in=chunk).order_by("pk"):
            if breaker.open:
                break
            try:
                counts["refunds_changed"] += sync_refunds(payment, source="reconcile", now=now)
                counts["refund_payments_checked"] += 1
                breaker.success()
            except GatewayError as error:
                counts["errors"] += 1
                breaker.failure()
                logger.warning("Reconcile: refunds of payment %s could not be fetched: %s", payment.pk, error)
    if breaker.open:
        counts["stopped_mollie_unreachable"] = 1
        logger.warning("Reconcile: Mollie failed %s times in a row; the rest waits for the next run", breaker.limit)

    # 3. Effects that should have run: schedule them again (the tasks claim them once).
    grace = now - EFFECT_GRACE
    for payment_id in (Payment.objects.filter(status__in=FINAL_STATUSES, effect_applied_at__isnull=True,
                                              updated__lt=grace).order_by("pk").values_list("pk", flat=True)[:limit]):
        run_payment_effect.delay(payment_id)
        counts["payment_effects_rescheduled"] += 1
    for refund_id in (Refund.objects.filter(status=RefundStatus.REFUNDED, effect_applied_at__isnull=True,
                                            updated__lt=grace).order_by("pk").values_list("pk", flat=True)[:limit]):
        run_refund_effect.delay(refund_id)
        counts["refund_effects_rescheduled"] += 1

    result = dict(counts)
    if result:
        logger.info("Reconciled payments: %s", result)
    return result


def find_unanswered(*, cutoff: datetime.datetime, limit: int = 2000) -> Counter:
    """Find at Mollie the payments whose creation it never answered (`maybe_at_mollie`), by our token in the metadata.

    Nobody had their checkout link, so one still open is cancelled there; one found is linked to our (failed) payment,
    one not found was never created. Raises GatewayError when Mollie cannot be asked; then all wait for the next run.
    """
    counts = Counter()
    # Only once the payable was told of the failure: it then judged it as a payment that never reached Mollie.
    candidates = list(Payment.objects.filter(maybe_at_mollie=True, created__lt=cutoff, effect_applied_at__isnull=False)
                      .order_by("created")[:limit])
    if not candidates:
        return counts
    remote_payments, complete = gateway.payments_since(candidates[0].created - UNANSWERED_SLACK)
    by_token = {}
    for remote in remote_payments:
        metadata = remote.metadata if isinstance(remote.metadata, dict) else {}
        if metadata.get("payment"):
            by_token[str(metadata["payment"])] = remote
    for payment in candidates:
        remote = by_token.get(str(payment.token))
        if remote is None:
            note = ("Not found at Mollie: it was never created there." if complete else
                    "Not among Mollie's latest payments; look it up in Mollie's dashboard by its token.")
            _settle_unanswered(payment, None, note)
            counts["unanswered_not_at_mollie"] += 1
            continue
        if remote.status == PaymentStatus.OPEN:
            try:
                remote = gateway.cancel_payment(remote.id)
            except GatewayError as error:
                if error.maybe_sent:
                    raise
                logger.warning("Payment %s: Mollie refused to cancel %s; it expires there", payment.pk, remote.id)
        if _settle_unanswered(payment, remote.id, f"Found at Mollie as {remote.id} ({remote.status}); "
                                                  "nobody had its payment page."):
            counts["unanswered_linked"] += 1
            if remote.status == PaymentStatus.PAID:
                apply_remote(Payment.objects.get(pk=payment.pk), remote, source="reconcile")
    return counts


def _settle_unanswered(payment: Payment, mollie_id: str | None, note: str) -> bool:
    """Clear the flag (and link Mollie's id) once, with a note in the payment's history."""
    with transaction.atomic():
        changed = Payment.objects.filter(pk=payment.pk, maybe_at_mollie=True, mollie_id__isnull=True).update(
            maybe_at_mollie=False, mollie_id=mollie_id, updated=timezone.now())
        if changed:
            PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.NOTE, from_status=payment.status,
                                        to_status=payment.status, source="reconcile", note=note)
    return bool(changed)


def refundable(payment: Payment) -> Decimal:
    """What may still be refunded: paid, minus refunded, minus refunds under way."""
    under_way = sum((refund.amount for refund in payment.refunds.filter(status__in=UNFINISHED_REFUND_STATUSES)),
                    Decimal("0.00"))
    return max(payment.amount - payment.amount_refunded - under_way, Decimal("0.00"))
