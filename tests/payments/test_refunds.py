"""Refunds start in the admin, go through Mollie and are followed until refunded; the payable hears it once."""

import pytest
from django.urls import reverse

from eloket.payments import start as payments_start
from eloket.payments.models import Payment, PaymentEvent, PaymentStatus, Refund, RefundStatus

from .online import (  # noqa: F401  fixtures
    choose_at_checkout,
    closed_port,
    fixture_mollie,
    fixture_refunded_calls,
    make_request,
    post_webhook,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid(client, alice, mollie) -> Payment:
    request = make_request(alice, amount="12.50")
    client.force_login(alice)
    checkout = client.post(reverse("payments:request_pay", args=[request.pk]))["Location"]
    choose_at_checkout(checkout, "paid")
    client.logout()
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PAID
    return payment


def refund_url(payment) -> str:
    return reverse("admin:payments_payment_refund", args=[payment.pk])


def test_a_partial_then_a_full_refund(client, ida, paid, mollie, refunded_calls, english):
    client.force_login(ida)
    change = client.get(reverse("admin:payments_payment_change", args=[paid.pk])).content.decode()
    assert refund_url(paid) in change

    form = client.get(refund_url(paid)).content.decode()
    assert "You can refund at most € 12.50" in form

    response = client.post(refund_url(paid), {"amount": "5.00", "reason": "Paid twice at the counter"})
    assert response.status_code == 302
    refund = Refund.objects.get()
    assert refund.mollie_id and refund.status == RefundStatus.PENDING and refund.requested_by == ida
    paid.refresh_from_db()
    assert paid.amount_refunded == 0  # not refunded before Mollie says so

    assert post_webhook(mollie, paid.mollie_id) == 200  # Mollie calls the payment's webhook for refunds too
    refund.refresh_from_db()
    paid.refresh_from_db()
    assert refund.status == RefundStatus.REFUNDED and refund.effect_applied_at
    assert str(paid.amount_refunded) == "5.00"
    assert len(refunded_calls) == 1

    # The rest, followed by the return page this time.
    assert client.post(refund_url(paid), {"amount": "7.50", "reason": "Request cancelled"}).status_code == 302
    client.force_login(paid.owner)
    page = client.get(reverse("payments:return", args=[paid.token])).content.decode()
    paid.refresh_from_db()
    assert str(paid.amount_refunded) == "12.50"
    assert "12,50" in page or "12.50" in page
    assert len(refunded_calls) == 2
    assert Refund.objects.filter(status=RefundStatus.REFUNDED).count() == 2

    # Nothing is left: the refund screen sends staff back with a message.
    client.force_login(ida)
    response = client.get(refund_url(paid), follow=True)
    assert "Only a paid online payment with something left to refund can be refunded." in response.content.decode()
    assert post_webhook(mollie, paid.mollie_id) == 200
    assert len(refunded_calls) == 2


def test_a_refund_above_what_is_left_or_without_reason_is_refused(client, ida, paid, english):
    client.force_login(ida)
    too_much = client.post(refund_url(paid), {"amount": "12.51", "reason": "Too much"})
    assert too_much.status_code == 200
    assert "You can refund at most € 12.50." in too_much.content.decode()
    no_reason = client.post(refund_url(paid), {"amount": "1.00", "reason": "   "})
    assert "This field is required." in no_reason.content.decode()
    assert not Refund.objects.exists()


def test_refunds_under_way_count_against_what_is_left(paid, ida):
    payments_start.start_refund(paid, amount="10.00", reason="First", actor=ida)
    with pytest.raises(payments_start.RefundNotPossible):
        payments_start.start_refund(paid, amount="3.00", reason="Second", actor=ida)
    assert Refund.objects.count() == 1


def test_counter_staff_cannot_refund(client, carla, paid):
    client.force_login(carla)
    assert client.get(reverse("admin:payments_payment_change", args=[paid.pk])).status_code == 200
    assert refund_url(paid) not in client.get(reverse("admin:payments_payment_change", args=[paid.pk])).content.decode()
    assert client.get(refund_url(paid)).status_code == 403
    assert client.post(refund_url(paid), {"amount": "1.00", "reason": "x"}).status_code == 403
    assert not Refund.objects.exists()


def test_mollie_down_during_a_refund_refunds_nothing(client, ida, paid, settings, english):
    settings.MOLLIE_API_ENDPOINT = f"http://127.0.0.1:{closed_port()}/fake-mollie"
    client.force_login(ida)
    response = client.post(refund_url(paid), {"amount": "2.00", "reason": "Goodwill"}, follow=True)
    text = response.content.decode()
    assert "The payment service could not be reached. Nothing was refunded" in text
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.FAILED and not refund.mollie_id
    paid.refresh_from_db()
    assert paid.amount_refunded == 0
    assert paid.events.filter(kind=PaymentEvent.Kind.ERROR).exists()


def test_the_admin_action_leads_to_the_refund_form(client, ida, paid):
    client.force_login(ida)
    response = client.post(reverse("admin:payments_payment_changelist"),
                           {"action": "refund_selected", "_selected_action": [paid.pk]})
    assert response.status_code == 302 and response["Location"] == refund_url(paid)
