"""The beat task fetches what webhooks missed and re-schedules effects a dead worker left behind."""

import datetime

import pytest
from django.utils import timezone

from eloket.fakemollie import state
from eloket.fakemollie.models import FakeFault, FakePayment, FakeRefund
from eloket.payments import start as payments_start
from eloket.payments import sync
from eloket.payments.gateway import GatewayError
from eloket.payments.models import Payment, PaymentRequestStatus, PaymentStatus, Refund, RefundStatus
from eloket.payments.tasks import reconcile_open_payments
from tests.fakemollie.faulty import fixture_mollie_faults  # noqa: F401  fixtures

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


def test_a_refund_whose_answer_was_lost_is_linked_by_its_metadata(alice, ida, mollie, mollie_faults, settings):
    """Mollie created the refund but our call timed out: reconciliation finds it by our id in the metadata."""
    payment = started(alice)
    state.finish(payment.mollie_id, "paid")
    payment = sync.sync_payment(payment, source="test")
    mollie_faults.add(FakeFault.Kind.SLOW_ANSWER, method="POST", path="/refunds$")

    with pytest.raises(GatewayError) as caught:
        payments_start.start_refund(payment, amount="2.00", reason="Goodwill", actor=ida)
    assert caught.value.maybe_sent
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.QUEUED and not refund.mollie_id  # kept: Mollie may have it
    assert FakeRefund.objects.get().metadata == {"refund": str(refund.pk)}

    mollie_faults.wait()
    age(Refund.objects.all(), settings.PAYMENT_RECONCILE_AFTER_MINUTES + 1)
    assert sync.reconcile()["refunds_changed"] == 1
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.mollie_id == FakeRefund.objects.get().id and refund.status == RefundStatus.REFUNDED
    assert str(payment.amount_refunded) == "2.00"
    assert sync.reconcile() == {}


def test_a_refund_mollie_answered_500_to_is_failed_once_mollie_shows_it_has_none(alice, ida, mollie, mollie_faults,
                                                                               settings):
    payment = started(alice)
    state.finish(payment.mollie_id, "paid")
    payment = sync.sync_payment(payment, source="test")
    mollie_faults.add(FakeFault.Kind.ERROR, method="POST", path="/refunds$")

    with pytest.raises(GatewayError):
        payments_start.start_refund(payment, amount="2.00", reason="Goodwill", actor=ida)
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.QUEUED and not FakeRefund.objects.exists()

    age(Refund.objects.all(), settings.PAYMENT_RECONCILE_AFTER_MINUTES + 1)
    assert sync.reconcile()["refunds_changed"] == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED
    assert payments_start.start_refund(payment, amount="2.00", reason="Goodwill", actor=ida).mollie_id  # free again


def test_a_payment_whose_creation_went_unanswered_is_found_at_mollie_and_cancelled_there(alice, mollie, mollie_faults,
                                                                                         settings):
    request = make_request(alice)
    mollie_faults.add(FakeFault.Kind.SLOW_ANSWER, method="POST", path="^payments$")
    with pytest.raises(GatewayError) as caught:
        payments_start.start(request)
    payment = caught.value.payment
    assert payment.status == PaymentStatus.FAILED and payment.maybe_at_mollie and not payment.mollie_id
    orphan = FakePayment.objects.get()
    assert orphan.metadata == {"payment": str(payment.token)} and orphan.status == "open"
    mollie_faults.wait()

    assert sync.reconcile() == {}  # too young: Mollie may still be creating it
    age(Payment.objects.all(), settings.PAYMENT_RECONCILE_AFTER_MINUTES + 1)
    assert sync.reconcile() == {"unanswered_linked": 1}
    payment.refresh_from_db()
    orphan.refresh_from_db()
    assert payment.mollie_id == orphan.id and not payment.maybe_at_mollie
    assert payment.status == PaymentStatus.FAILED and orphan.status == "canceled"
    assert payment.events.filter(source="reconcile", note__startswith=f"Found at Mollie as {orphan.id}").count() == 1
    assert request.status == PaymentRequestStatus.OPEN
    assert sync.reconcile() == {}


def test_a_payment_mollie_refused_with_500_is_cleared_when_mollie_has_none(alice, mollie, mollie_faults, settings):
    mollie_faults.add(FakeFault.Kind.ERROR, method="POST", path="^payments$")
    with pytest.raises(GatewayError) as caught:
        payments_start.start(make_request(alice))
    payment = caught.value.payment
    assert payment.maybe_at_mollie and not FakePayment.objects.exists()
    age(Payment.objects.all(), settings.PAYMENT_RECONCILE_AFTER_MINUTES + 1)

    assert sync.reconcile() == {"unanswered_not_at_mollie": 1}
    payment.refresh_from_db()
    assert not payment.maybe_at_mollie and not payment.mollie_id
    assert payment.events.filter(note="Not found at Mollie: it was never created there.").count() == 1


def test_an_unanswered_payment_waits_while_mollie_cannot_list_payments(alice, mollie, mollie_faults, settings):
    mollie_faults.add(FakeFault.Kind.ERROR, method="POST", path="^payments$")
    with pytest.raises(GatewayError):
        payments_start.start(make_request(alice))
    age(Payment.objects.all(), settings.PAYMENT_RECONCILE_AFTER_MINUTES + 1)
    mollie_faults.add(FakeFault.Kind.UNAVAILABLE, method="GET", path="^payments$")

    assert sync.reconcile() == {"errors": 1}
    assert Payment.objects.get().maybe_at_mollie  # nothing concluded on a guess
    assert sync.reconcile() == {"unanswered_not_at_mollie": 1}


def test_reconciliation_stops_calling_a_dead_mollie(alice, mollie_down):
    for number in range(8):
        make_payment(make_request(alice), mollie_id=f"tr_gone{number}")
    age(Payment.objects.all(), 60)
    counts = sync.reconcile()
    assert counts["errors"] == 5 and counts["stopped_mollie_unreachable"] == 1
    assert Payment.objects.filter(status=PaymentStatus.OPEN).count() == 8  # nothing closed on a guess
