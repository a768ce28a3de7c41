"""Only the owner sees a payment or a payment request; a second citizen gets 404."""

import pytest
from django.urls import reverse

from eloket.payments.models import Payment, PaymentStatus
from eloket.payments.start import SESSION_KEY

from .online import make_payment, make_request

pytestmark = pytest.mark.django_db


def test_a_second_citizen_gets_404_on_the_return_page_and_the_request(client, alice, bob):
    request = make_request(alice)
    payment = make_payment(request, status=PaymentStatus.FAILED)
    client.force_login(alice)
    assert client.get(reverse("payments:return", args=[payment.token])).status_code == 200
    assert client.get(reverse("payments:request_detail", args=[request.pk])).status_code == 200

    client.force_login(bob)
    assert client.get(reverse("payments:return", args=[payment.token])).status_code == 404
    assert client.get(reverse("payments:request_detail", args=[request.pk])).status_code == 404
    assert client.post(reverse("payments:request_pay", args=[request.pk])).status_code == 404
    assert client.post(reverse("payments:retry", args=[payment.token])).status_code == 404
    assert Payment.objects.count() == 1  # bob started nothing


def test_an_unknown_token_is_404(client, alice):
    import uuid

    client.force_login(alice)
    assert client.get(reverse("payments:return", args=[uuid.uuid4()])).status_code == 404


def test_without_login_the_owner_is_asked_to_log_in(client, alice):
    payment = make_payment(make_request(alice), status=PaymentStatus.PAID)
    response = client.get(reverse("payments:return", args=[payment.token]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert client.get(reverse("payments:request_detail", args=[payment.object_id])).status_code == 302


def test_a_payment_without_owner_is_shown_only_to_the_browser_that_started_it(client, alice, bob):
    payment = make_payment(make_request(alice), owner=None, status=PaymentStatus.EXPIRED)
    url = reverse("payments:return", args=[payment.token])
    assert client.get(url).status_code == 404
    client.force_login(bob)
    assert client.get(url).status_code == 404

    session = client.session
    session[SESSION_KEY] = [str(payment.token)]
    session.save()
    assert client.get(url).status_code == 200


def test_the_pay_and_retry_buttons_accept_only_post(client, alice):
    request = make_request(alice)
    payment = make_payment(request, status=PaymentStatus.FAILED)
    client.force_login(alice)
    assert client.get(reverse("payments:request_pay", args=[request.pk])).status_code == 405
    assert client.get(reverse("payments:retry", args=[payment.token])).status_code == 405
