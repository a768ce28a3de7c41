"""The Mollie webhook: never trusted, replays, late and concurrent calls change nothing they should not."""

import threading
import time

import pytest
import requests
from django.urls import reverse
from mollie.api.objects.payment import Payment as MolliePayment

from eloket.fakemollie import state
from eloket.payments import flow, sync
from eloket.payments.models import Payment, PaymentEvent, PaymentRequestStatus, PaymentStatus

from .online import (  # noqa: F401  fixtures
    choose_at_checkout,
    fixture_mollie,
    fixture_paid_calls,
    make_request,
    post_webhook,
)


def start_payment(client, citizen, **fields) -> Payment:
    request = make_request(citizen, **fields)
    client.force_login(citizen)
    response = client.post(reverse("payments:request_pay", args=[request.pk]))
    assert response.status_code == 302, response.content[:500]
    return Payment.objects.get(object_id=request.pk, status=PaymentStatus.OPEN)


@pytest.mark.django_db(transaction=True)
def test_a_replayed_webhook_runs_the_effect_once(client, alice, mollie, paid_calls):
    payment = start_payment(client, alice)
    choose_at_checkout(payment.checkout_url, "paid")  # the fake calls the webhook once
    for _ in range(3):
        assert post_webhook(mollie, payment.mollie_id) == 200

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert len(paid_calls) == 1
    assert payment.events.filter(kind=PaymentEvent.Kind.STATUS).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_late_webhook_after_a_final_status_changes_nothing(client, alice, mollie, paid_calls):
    payment = start_payment(client, alice)
    choose_at_checkout(payment.checkout_url, "paid")
    payment.refresh_from_db()
    paid_at = payment.paid_at

    # An old notification, delivered late and out of order: "pending" after "paid".
    stale = MolliePayment({"id": payment.mollie_id, "status": "pending", "metadata": {"payment": str(payment.token)},
                           "amount": {"currency": "EUR", "value": f"{payment.amount:.2f}"}}, None)
    sync.apply_remote(payment, stale, source="webhook")
    flow.apply_status(payment.pk, PaymentStatus.OPEN, source="webhook")
    assert post_webhook(mollie, payment.mollie_id) == 200

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_at == paid_at
    assert len(paid_calls) == 1
    assert payment.events.filter(kind=PaymentEvent.Kind.NOTE).count() == 2  # both stale moves recorded, ignored


@pytest.mark.django_db(transaction=True)
def test_a_failed_payment_stays_failed_whatever_arrives_later(client, alice, mollie):
    payment = start_payment(client, alice)
    choose_at_checkout(payment.checkout_url, "failed")
    flow.apply_status(payment.pk, PaymentStatus.PENDING, source="webhook")
    post_webhook(mollie, payment.mollie_id)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert payment.payable.status == PaymentRequestStatus.OPEN


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_webhooks_run_the_effect_once(client, alice, mollie, paid_calls, celery_worker):
    payment = start_payment(client, alice)
    state.finish(payment.mollie_id, "paid")  # paid at "Mollie"; our side learns it from the two webhooks below

    barrier = threading.Barrier(2)
    answers = []

    def deliver():
        barrier.wait()
        answers.append(requests.post(mollie.url + "/payments/webhook/", data={"id": payment.mollie_id}, timeout=20)
                       .status_code)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert answers == [200, 200]

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        payment.refresh_from_db()
        if payment.effect_applied_at and payment.payable.status == PaymentRequestStatus.PAID:
            break
        time.sleep(0.1)
    time.sleep(0.5)  # give a second, wrongly scheduled effect the time to run too
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.effect_applied_at
    assert payment.payable.status == PaymentRequestStatus.PAID
    assert len(paid_calls) == 1
    assert payment.events.filter(kind=PaymentEvent.Kind.STATUS, to_status="paid").count() == 1


@pytest.mark.django_db
def test_an_unknown_id_gets_200_and_changes_nothing(client, caplog):
    caplog.set_level("INFO", logger="eloket.payments")
    for body in ({"id": "tr_doesNotExist1"}, {"id": "nonsense"}, {}):
        response = client.post(reverse("mollie_webhook"), body)
        assert response.status_code == 200
    assert not Payment.objects.exists() and not PaymentEvent.objects.exists()
    assert "unknown Mollie payment tr_doesNotExist1" in caplog.text


@pytest.mark.django_db
def test_the_webhook_needs_post_and_no_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("mollie_webhook"), {"id": "tr_abc"}).status_code == 200
    assert client.get(reverse("mollie_webhook")).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_mollie_down_answers_503_so_mollie_retries(client, alice, mollie, settings):
    payment = start_payment(client, alice)
    state.finish(payment.mollie_id, "paid")
    from .online import closed_port

    settings.MOLLIE_API_ENDPOINT = f"http://127.0.0.1:{closed_port()}/fake-mollie"
    assert client.post(reverse("mollie_webhook"), {"id": payment.mollie_id}).status_code == 503
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN

    settings.MOLLIE_API_ENDPOINT = mollie.url + "/fake-mollie"
    assert client.post(reverse("mollie_webhook"), {"id": payment.mollie_id}).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
