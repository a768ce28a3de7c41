"""A citizen pays a payment request online: the real Mollie client, the fake Mollie API over HTTP, the webhook."""

import pytest
from django.urls import reverse

from eloket.fakemollie.models import FakePayment
from eloket.payments.models import Payment, PaymentEvent, PaymentRequestStatus, PaymentStatus
from tests.i18n import en

from .online import (  # noqa: F401  fixtures
    choose_at_checkout,
    fixture_mollie,
    fixture_paid_calls,
    fixture_unsuccessful_calls,
    make_request,
    path_of,
)

pytestmark = pytest.mark.django_db(transaction=True)


def pay_online(client, payment_request) -> str:
    response = client.post(reverse("payments:request_pay", args=[payment_request.pk]))
    assert response.status_code == 302
    return response["Location"]


def test_a_citizen_pays_a_request_online(client, alice, mollie, paid_calls):
    request = make_request(alice, amount="12.50")
    client.force_login(alice)

    checkout = pay_online(client, request)
    assert checkout.startswith(mollie.url + "/fake-mollie/checkout/tr_")
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.OPEN and payment.checkout_url == checkout
    assert payment.amount == request.amount and payment.owner == alice

    back = choose_at_checkout(checkout, "paid")
    assert path_of(back) == reverse("payments:return", args=[payment.token])

    payment.refresh_from_db()
    request.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_at and payment.effect_applied_at
    assert request.status == PaymentRequestStatus.PAID
    assert len(paid_calls) == 1
    kinds = list(payment.events.values_list("kind", "to_status", "source"))
    assert kinds == [(PaymentEvent.Kind.CREATED, "open", "citizen"), (PaymentEvent.Kind.STATUS, "paid", "webhook")]

    page = client.get(en("payments:return", payment.token))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Thank you, your payment has been received" in text
    assert 'hx-trigger="every 3s"' not in text
    assert f'href="{en("payments:request_detail", request.pk)}"' in text


@pytest.mark.parametrize(("outcome", "headline"), [
    ("failed", "The payment failed"),
    ("canceled", "The payment was cancelled"),
    ("expired", "The payment has expired"),
])
def test_an_unsuccessful_payment_can_be_tried_again(client, alice, mollie, outcome, headline, unsuccessful_calls):
    request = make_request(alice)
    client.force_login(alice)
    checkout = pay_online(client, request)
    choose_at_checkout(checkout, outcome)

    payment = Payment.objects.get()
    request.refresh_from_db()
    assert payment.status == outcome
    assert request.status == PaymentRequestStatus.OPEN
    assert len(unsuccessful_calls) == 1

    text = client.get(en("payments:return", payment.token)).content.decode()
    assert headline in text
    assert "Nothing has been charged" in text
    assert f'action="{en("payments:retry", payment.token)}"' in text and "Try again" in text

    again = client.post(reverse("payments:retry", args=[payment.token]))
    assert again.status_code == 302
    second = Payment.objects.exclude(pk=payment.pk).get()
    assert again["Location"] == second.checkout_url and second.mollie_id != payment.mollie_id
    choose_at_checkout(second.checkout_url, "paid")
    request.refresh_from_db()
    assert request.status == PaymentRequestStatus.PAID


def test_the_return_page_asks_mollie_when_no_webhook_arrived(client, alice, mollie):
    """On a laptop Mollie's webhook never arrives: the return page fetches the status itself."""
    from eloket.fakemollie import state

    request = make_request(alice)
    client.force_login(alice)
    pay_online(client, request)
    payment = Payment.objects.get()
    state.finish(payment.mollie_id, "paid")  # paid at "Mollie", no webhook

    text = client.get(en("payments:return", payment.token)).content.decode()
    assert "Thank you, your payment has been received" in text
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.events.filter(kind=PaymentEvent.Kind.STATUS, source="return page").exists()


def test_the_waiting_page_polls_with_htmx_until_the_outcome_is_final(client, alice, mollie):
    request = make_request(alice)
    client.force_login(alice)
    checkout = pay_online(client, request)
    payment = Payment.objects.get()
    url = en("payments:return", payment.token)

    full = client.get(url).content.decode()
    assert "We are waiting for the bank" in full
    assert 'hx-trigger="every 3s"' in full and f'hx-get="{url}"' in full
    assert 'aria-live="polite"' in full
    assert f'href="{url}"' in full  # "Check again" works without JavaScript
    assert "<html" in full

    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'id="payment-status"' in partial
    assert 'hx-trigger="every 3s"' in partial

    choose_at_checkout(checkout, "paid")
    final = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in final and "Thank you" in final
    assert "hx-trigger" not in final and "hx-get" not in final


def test_starting_twice_reuses_the_open_mollie_payment(client, alice, mollie):
    request = make_request(alice)
    client.force_login(alice)
    first = pay_online(client, request)
    second = pay_online(client, request)
    assert first == second
    assert Payment.objects.count() == 1
    assert FakePayment.objects.count() == 1


def test_a_changed_amount_cancels_the_open_payment_and_starts_a_new_one(client, alice, mollie):
    request = make_request(alice, amount="12.50")
    client.force_login(alice)
    first = pay_online(client, request)
    request.amount = "20.00"
    request.save()

    second = pay_online(client, request)
    assert second != first
    old, new = Payment.objects.order_by("pk")
    assert old.status == PaymentStatus.CANCELED and new.status == PaymentStatus.OPEN
    assert str(new.amount) == "20.00"
    assert FakePayment.objects.get(pk=old.mollie_id).status == "canceled"
    assert str(FakePayment.objects.get(pk=new.mollie_id).value) == "20.00"


def test_the_amount_never_comes_from_the_form(client, alice, mollie):
    request = make_request(alice, amount="58.00")
    client.force_login(alice)
    response = client.post(reverse("payments:request_pay", args=[request.pk]),
                           {"amount": "0.01", "description": "cheap", "payment_amount": "0.01"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert str(payment.amount) == "58.00"
    assert str(FakePayment.objects.get(pk=payment.mollie_id).value) == "58.00"


def test_a_paid_request_cannot_be_paid_again(client, alice, mollie):
    request = make_request(alice)
    client.force_login(alice)
    choose_at_checkout(pay_online(client, request), "paid")

    response = client.post(en("payments:request_pay", request.pk), follow=True)
    assert "There is nothing to pay for this at the moment." in response.content.decode()
    assert Payment.objects.count() == 1
