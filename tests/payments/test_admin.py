"""Counter staff ask citizens to pay; payments are read-only in the admin; roles get just what they need."""

import datetime

import pytest
from django.urls import reverse

from eloket.accounts import roles
from eloket.payments.models import PaymentRequest, PaymentRequestStatus, PaymentStatus

from .online import make_payment, make_request

pytestmark = pytest.mark.django_db


def test_counter_staff_create_a_payment_request_for_a_citizen(client, carla, alice):
    client.force_login(carla)
    assert client.get(reverse("admin:payments_paymentrequest_add")).status_code == 200
    response = client.post(reverse("admin:payments_paymentrequest_add"), {
        "citizen": alice.pk, "description": "Duplicate visitor card", "amount": "15.00",
        "due_date": (datetime.date.today() + datetime.timedelta(days=14)).isoformat(),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    request = PaymentRequest.objects.get()
    assert request.citizen == alice and request.created_by == carla and request.status == PaymentRequestStatus.OPEN


def test_counter_staff_may_cancel_a_request_but_never_mark_it_paid(client, carla, alice):
    request = make_request(alice)
    client.force_login(carla)
    url = reverse("admin:payments_paymentrequest_change", args=[request.pk])
    page = client.get(url).content.decode()
    assert 'value="paid"' not in page and "+++" in page  # the OGM is shown to tell the citizen
    data = {"description": request.description, "amount": "12.50", "due_date": request.due_date.isoformat()}
    client.post(url, {**data, "status": "paid"})
    request.refresh_from_db()
    assert request.status == PaymentRequestStatus.OPEN
    client.post(url, {**data, "status": "cancelled"})
    request.refresh_from_db()
    assert request.status == PaymentRequestStatus.CANCELLED


def test_payments_are_read_only_in_the_admin(client, carla, alice):
    payment = make_payment(make_request(alice), status=PaymentStatus.PAID, mollie_id="tr_readOnly1")
    client.force_login(carla)
    assert client.get(reverse("admin:payments_payment_add")).status_code == 403
    change = client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    client.post(reverse("admin:payments_payment_change", args=[payment.pk]), {"amount": "0.01", "status": "failed"})
    payment.refresh_from_db()
    assert str(payment.amount) == "12.50" and payment.status == PaymentStatus.PAID
    assert client.get(reverse("admin:payments_payment_delete", args=[payment.pk])).status_code == 403

    found = client.get(reverse("admin:payments_payment_changelist"), {"q": "tr_readOnly1"}).content.decode()
    assert "Duplicate resident card" in found
    assert client.get(reverse("admin:payments_payment_changelist"), {"status__exact": "paid", "method__exact": "online"}
                      ).status_code == 200


def test_roles():
    counter, admin = roles.permissions_of(roles.COUNTER), roles.permissions_of(roles.CITY_ADMIN)
    assert {"payments.add_paymentrequest", "payments.change_paymentrequest", "payments.view_paymentrequest",
            "payments.view_payment", "payments.view_refund"} <= counter
    assert "payments.add_refund" not in counter and "payments.change_payment" not in counter
    assert {"payments.view_payment", "payments.view_refund", "payments.view_paymentrequest",
            "payments.add_refund"} <= admin
    assert "payments.change_payment" not in admin


def test_only_refund_permission_holders_see_the_refund_action(client, carla, ida, alice):
    make_payment(make_request(alice), status=PaymentStatus.PAID)
    client.force_login(carla)
    assert "refund_selected" not in client.get(reverse("admin:payments_payment_changelist")).content.decode()
    client.force_login(ida)
    assert "refund_selected" in client.get(reverse("admin:payments_payment_changelist")).content.decode()
