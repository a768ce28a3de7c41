"""`start` and the gateway: one unfinished payment per payable, clear refusals, Mollie's errors translated."""

import datetime
import threading

import pytest
from django.db import connection

from eloket.fakemollie.models import FakePayment
from eloket.payments import flow, gateway
from eloket.payments.models import Payment, PaymentStatus
from eloket.payments.start import NothingToPay, PaymentInProgress, start

from .online import closed_port, fixture_mollie, fixture_mollie_down, make_payment, make_request  # noqa: F401  fixtures


def test_the_fake_gets_a_fixed_well_formed_test_key(settings):
    settings.MOLLIE_API_KEY = ""
    assert gateway.api_key().startswith("test_") and len(gateway.api_key()) == 35
    settings.MOLLIE_API_KEY = "live_" + "a" * 30
    assert gateway.api_key() == settings.MOLLIE_API_KEY


@pytest.mark.usefixtures("english")
def test_a_refused_connection_becomes_a_gateway_error_that_sent_nothing(settings):
    settings.MOLLIE_API_ENDPOINT = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(gateway.GatewayError) as caught:
        gateway.get_payment("tr_abc")
    assert caught.value.maybe_sent is False and caught.value.status is None
    assert "Nothing has been charged" in str(caught.value.message)


@pytest.mark.django_db(transaction=True)
def test_mollie_refusals_become_gateway_errors_with_their_status(mollie):
    with pytest.raises(gateway.GatewayError) as caught:
        gateway.get_payment("tr_doesNotExist")
    assert caught.value.status == 404 and caught.value.maybe_sent is False
    with pytest.raises(gateway.GatewayError) as caught:
        gateway.get_payment("not-a-mollie-id")
    assert caught.value.maybe_sent is False


def test_only_real_mollie_is_kept_from_a_localhost_webhook(settings):
    settings.MOLLIE_FAKE = True
    assert gateway.webhook_reachable("http://127.0.0.1:8000")
    settings.MOLLIE_FAKE = False
    assert not gateway.webhook_reachable("http://localhost:8000")
    assert gateway.webhook_reachable("https://loket.genk.be")


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_nothing_to_pay_is_refused_before_anything_is_made(alice):
    request = make_request(alice, status="paid")
    with pytest.raises(NothingToPay) as caught:
        start(request)
    assert "nothing to pay" in str(caught.value.message)
    assert not Payment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_payment_the_bank_is_processing_blocks_a_second_one(alice, mollie):
    request = make_request(alice)
    first = start(request)
    flow.apply_status(first.pk, PaymentStatus.PENDING, source="webhook")
    with pytest.raises(PaymentInProgress) as caught:
        start(request)
    assert caught.value.payment.pk == first.pk
    assert Payment.objects.count() == 1 and FakePayment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_row_that_never_reached_mollie_does_not_block_for_ever(alice, mollie):
    request = make_request(alice)
    stuck = make_payment(request)
    with pytest.raises(PaymentInProgress):
        start(request)  # maybe another request is sending it right now
    Payment.objects.filter(pk=stuck.pk).update(created=stuck.created - datetime.timedelta(minutes=5))
    payment = start(request)
    stuck.refresh_from_db()
    assert stuck.status == PaymentStatus.FAILED and payment.status == PaymentStatus.OPEN and payment.mollie_id


@pytest.mark.django_db(transaction=True)
def test_when_mollie_is_down_an_open_payment_is_left_alone(alice, mollie, settings):
    request = make_request(alice)
    first = start(request)
    settings.MOLLIE_API_ENDPOINT = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(gateway.GatewayError):
        start(request)
    first.refresh_from_db()
    assert first.status == PaymentStatus.OPEN and Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_starts_make_one_mollie_payment(alice, mollie):
    request = make_request(alice)
    barrier = threading.Barrier(2)
    outcomes = []

    def pay():
        try:
            barrier.wait()
            outcomes.append(start(request).pk)
        except PaymentInProgress:
            outcomes.append("in progress")
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(outcomes) == 2
    assert Payment.objects.filter(status=PaymentStatus.OPEN).count() == 1
    assert FakePayment.objects.count() == Payment.objects.count() == 1
