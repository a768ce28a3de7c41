"""The payment state machine: status changes under a row lock, the payable's effect exactly once.

Every status change goes through `apply_status`; nothing else writes `Payment.status`. A change to
a final status schedules `tasks.run_payment_effect` after commit; that task claims the effect with
a conditional UPDATE, so replayed, late or concurrent notifications run it once.
"""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import (
    FINAL_STATUSES,
    Payment,
    PaymentEvent,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
)

# Moves Mollie can make; anything else (a late "open" after "paid", say) is recorded and ignored.
ALLOWED = {
    PaymentStatus.OPEN: {PaymentStatus.PENDING, PaymentStatus.AUTHORIZED, *FINAL_STATUSES},
    PaymentStatus.PENDING: {PaymentStatus.AUTHORIZED, *FINAL_STATUSES},
    PaymentStatus.AUTHORIZED: {PaymentStatus.PAID, PaymentStatus.CANCELED, PaymentStatus.EXPIRED, PaymentStatus.FAILED},
}


def can_move(current: str, new: str) -> bool:
    return new in ALLOWED.get(current, set())


def apply_status(payment_id: int, new_status: str, *, source: str, actor=None, note: str = "",
                 paid_at: datetime.datetime | None = None) -> Payment:
    """Move a payment to a new status if that move is allowed; schedule the effect of a final status."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status == new_status:
            return payment
        if not can_move(payment.status, new_status):
            PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.NOTE, from_status=payment.status,
                                        to_status=new_status, source=source, actor=actor,
                                        note=note or "Ignored: not a valid move from the current status")
            return payment
        previous = payment.status
        payment.status = new_status
        fields = ["status", "updated"]
        if new_status == PaymentStatus.PAID:
            payment.paid_at = paid_at or timezone.now()
            fields.append("paid_at")
        payment.save(update_fields=fields)
        PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.STATUS, from_status=previous,
                                    to_status=new_status, source=source, actor=actor, note=note)
        if new_status in FINAL_STATUSES:
            schedule_effect(payment.pk)
    return payment


def schedule_effect(payment_id: int) -> None:
    from .tasks import run_payment_effect

    # robust: a broker that is down must not fail the webhook after its commit; reconciliation runs lost effects.
    transaction.on_commit(lambda: run_payment_effect.delay(payment_id), robust=True)


def run_effect(payment_id: int) -> bool:
    """Tell the payable about a payment's final status, once. Returns whether this call ran it."""
    with transaction.atomic():
        claimed = Payment.objects.filter(
            pk=payment_id, status__in=FINAL_STATUSES, effect_applied_at__isnull=True
        ).update(effect_applied_at=timezone.now())
        if not claimed:
            return False
        payment = Payment.objects.select_related("content_type").get(pk=payment_id)
        payable = payment.payable
        if payment.status == PaymentStatus.PAID:
            payable.on_payment_paid(payment)
        else:
            payable.on_payment_unsuccessful(payment)
    return True


def record_transfer(payable, *, amount: Decimal, booked_on: datetime.date, note: str, actor=None) -> Payment:
    """Book a bank transfer as a paid payment of the payable; its effect runs once, after commit."""
    paid_at = timezone.make_aware(datetime.datetime.combine(booked_on, datetime.time(12, 0)))
    with transaction.atomic():
        payment = Payment.objects.create(
            owner=payable.payment_owner(), content_type=ContentType.objects.get_for_model(payable),
            object_id=payable.pk, amount=amount, description=payable.payment_description()[:255],
            method=PaymentMethod.TRANSFER, status=PaymentStatus.OPEN)
        PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.CREATED, to_status=PaymentStatus.OPEN,
                                    source="bank", actor=actor, note=note)
        return apply_status(payment.pk, PaymentStatus.PAID, source="bank", actor=actor, note=note, paid_at=paid_at)


def apply_refund_status(refund_id: int, new_status: str, *, source: str, actor=None) -> Refund:
    """Follow a refund's status; when it becomes refunded, count it and tell the payable once."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
        if refund.status == new_status or refund.status in {RefundStatus.REFUNDED, RefundStatus.FAILED,
                                                            RefundStatus.CANCELED}:
            return refund
        previous = refund.status
        refund.status = new_status
        refund.save(update_fields=["status", "updated"])
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.REFUND, from_status=previous,
                                    to_status=new_status, source=source, actor=actor,
                                    note=f"Refund of € {refund.amount}: {refund.reason}")
        if new_status == RefundStatus.REFUNDED:
            payment.amount_refunded += refund.amount
            payment.save(update_fields=["amount_refunded", "updated"])
            transaction.on_commit(lambda: _refund_effect_later(refund.pk), robust=True)
    return refund


def _refund_effect_later(refund_id: int) -> None:
    from .tasks import run_refund_effect

    run_refund_effect.delay(refund_id)


def run_refund_effect(refund_id: int) -> bool:
    with transaction.atomic():
        claimed = Refund.objects.filter(
            pk=refund_id, status=RefundStatus.REFUNDED, effect_applied_at__isnull=True
        ).update(effect_applied_at=timezone.now())
        if not claimed:
            return False
        refund = Refund.objects.select_related("payment__content_type").get(pk=refund_id)
        refund.payment.payable.on_payment_refunded(refund)
    return True
