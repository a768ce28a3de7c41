"""The beat task fetches what webhooks missed and re-schedules effects a dead worker left behind."""

import datetime

import pytest
from django.utils import timezone

from eloket.fakemollie import state
from eloket.payments import start as payments_start
from eloket.payments import sync
from eloket.payments.models import Payment, PaymentRequestStatus, PaymentStatus, Refund, RefundStatus
from eloket.payments.tasks import reconcile_open_payments

from .online import fixture_mollie, fixture_mollie_down, fixture_paid_calls, fixture_refunded_calls, make_payment, make_request  # noqa: F401  fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def age(queryset, minutes: int):
    queryset.update(created=timezone.now() - datetime.timedelta(minutes=minutes),
                    updated=timezone.now() - datetime.timedelta(minutes=minutes))


def started(citizen) -> Payment:
    return payments_start.start(make_request(citizen))


def test_reconciliation_fetches_payments_left_open(alice, mollie, paid_calls, settings):
    old, young = started(alice), started(alice)
    state.finish(old.mollie_id, "paid")
    state.finish(young.mollie_id, "paid")
    age(Payment.objects.filter(pk=old.pk), settings.PAYMENT_RECONCILE_AFTER_MINUTES + 1)

    counts = reconcile_open_payments.delay().get()
    assert counts["payments_checked"] == 1 and counts["payments_changed"] == 1
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.status == PaymentStatus.PAID and old.payable.status == PaymentRequestStatus.PAID
    assert young.status == PaymentStatus.OPEN  # its webhook or return page has time yet
    assert len(paid_calls) == 1
    assert old.events.filter(source="reconcile", to_status="paid").exists()

    assert sync.reconcile() == {}  # idempotent: nothing left to do
    assert len(paid_calls) == 1


def test_a_payment_that_never_reached_mollie_is_closed(alice, mollie):
    payment = make_payment(make_request(alice))
    age(Payment.objects.filter(pk=payment.pk), 60)
    assert sync.reconcile()["never_sent"] == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED


def test_an_effect_lost_with_its_worker_runs_again_once(alice, mollie, paid_calls):
    payment = make_payment(make_request(alice), status=PaymentStatus.PAID, paid_at=timezone.now())
    age(Payment.objects.filter(pk=payment.pk), 6)
    assert sync.reconcile()["payment_effects_rescheduled"] == 1
    payment.refresh_from_db()
    assert payment.effect_applied_at and payment.payable.status == PaymentRequestStatus.PAID
    assert sync.reconcile() == {}
    assert len(paid_calls) == 1


def test_pending_refunds_are_followed(alice, ida, mollie, refunded_calls, settings):
    payment = started(alice)
    state.finish(payment.mollie_id, "paid")
    payment = sync.sync_payment(payment, source="test")
    refund = payments_start.start_refund(payment, amount="4.00", reason="Goodwill", actor=ida)
    assert refund.status == RefundStatus.PENDING
    age(Refund.objects.filter(pk=refund.pk), settings.PAYMENT_RECONCILE_AFTER_MINUTES + 1)

    assert sync.reconcile()["refunds_changed"] == 1
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == RefundStatus.REFUNDED and str(payment.amount_refunded) == "4.00"
    assert len(refunded_calls) == 1


def test_a_refund_whose_answer_was_lost_is_linked_by_its_metadata(alice, ida, mollie, monkeypatch):
    """Mollie created the refund but our call timed out: the next sync finds it by our id in the metadata."""
    from eloket.payments import gateway

    payment = started(alice)
    state.finish(payment.mollie_id, "paid")
    payment = sync.sync_payment(payment, source="test")
    real_create = gateway.create_refund

    def times_out(*args, **kwargs):
        real_create(*args, **kwargs)
        raise gateway.GatewayError("create refund: ReadTimeout", maybe_sent=True)

    monkeypatch.setattr(gateway, "create_refund", times_out)
    with pytest.raises(gateway.GatewayError):
        payments_start.start_refund(payment, amount="2.00", reason="Goodwill", actor=ida)
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.QUEUED and not refund.mollie_id

    sync.sync_refunds(payment, source="test")
    refund.refresh_from_db()
    assert refund.mollie_id and refund.status == RefundStatus.REFUNDED


def test_reconciliation_stops_calling_a_dead_mollie(alice, mollie_down):
    for number in range(8):
        make_payment(make_request(alice), mollie_id=f"tr_gone{number}")
    age(Payment.objects.all(), 60)
    counts = sync.reconcile()
    assert counts["errors"] == 5 and counts["stopped_mollie_unreachable"] == 1
    assert Payment.objects.filter(status=PaymentStatus.OPEN).count() == 8  # nothing closed on a guess
