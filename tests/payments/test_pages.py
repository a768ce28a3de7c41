"""The citizen's pages: the "Payments" panel, a payment request, and what happens when Mollie is down."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eloket.accounts import dashboard
from eloket.payments import references
from eloket.payments.models import Payment, PaymentEvent, PaymentRequestStatus, PaymentStatus
from tests.i18n import en

from .online import fixture_mollie_down, make_payment, make_request  # noqa: F401  fixtures

pytestmark = pytest.mark.django_db


def test_the_payments_panel_is_registered():
    assert "payments" in [panel.key for panel in dashboard.panels()]


def test_the_panel_lists_open_requests_and_recent_payments(client, alice, bob, english):
    open_request = make_request(alice, description="Duplicate resident card")
    paid = make_request(alice, description="Administrative fee", status=PaymentRequestStatus.PAID)
    make_payment(paid, status=PaymentStatus.PAID)
    make_request(bob, description="Bob's own request")
    client.force_login(alice)

    page = client.get(en("accounts:dashboard")).content.decode()
    assert 'id="panel-payments"' in page
    assert "Duplicate resident card" in page and en("payments:request_detail", open_request.pk) in page
    assert "Administrative fee" in page  # the paid request shows among the latest payments
    assert "Bob&#x27;s own request" not in page and "Bob's own request" not in page


def test_the_dashboard_runs_the_same_queries_with_one_or_many_payments(client, alice):
    client.force_login(alice)
    make_payment(make_request(alice), status=PaymentStatus.FAILED)
    client.get(reverse("accounts:dashboard"))  # warm the city cache
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:dashboard"))
    for _ in range(12):
        make_payment(make_request(alice), status=PaymentStatus.EXPIRED)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accounts:dashboard"))
    assert len(few) == len(many)
    assert len(many) <= 15  # every panel of Mijn loket together (tests/accounts/test_dashboard.py)


def test_a_request_shows_amount_due_date_and_the_bank_transfer_details(client, alice, demo_city, english):
    request = make_request(alice, amount="25.00")
    client.force_login(alice)
    page = client.get(en("payments:request_detail", request.pk)).content.decode()
    reference = references.reference_for(request)

    assert "Duplicate resident card" in page and "25.00" in page
    assert request.due_date.strftime("%Y") in page
    assert demo_city.beneficiary in page and demo_city.iban in page and demo_city.bic in page
    assert reference.display in page
    assert '<svg role="img" aria-label="QR code for a bank transfer of' in page
    assert f"structured communication {reference.display}" in page
    assert f'action="{en("payments:request_pay", request.pk)}"' in page and "Pay € 25.00 online" in page.replace(
        "\xa0", " ")


def test_a_paid_request_shows_no_pay_button(client, alice, demo_city, english):
    request = make_request(alice, status=PaymentRequestStatus.PAID)
    client.force_login(alice)
    page = client.get(en("payments:request_detail", request.pk)).content.decode()
    assert "Paid" in page
    assert en("payments:request_pay", request.pk) not in page and "<svg" not in page


def test_without_a_city_profile_the_page_sends_the_citizen_to_the_counter(client, alice, english):
    request = make_request(alice)
    client.force_login(alice)
    page = client.get(en("payments:request_detail", request.pk)).content.decode()
    assert "Ask the counter for the account number" in page


@pytest.mark.django_db(transaction=True)
def test_mollie_down_shows_a_clear_message_and_charges_nothing(client, alice, mollie_down, english):
    request = make_request(alice)
    client.force_login(alice)
    response = client.post(en("payments:request_pay", request.pk))

    assert response.status_code == 503
    text = response.content.decode()
    assert "cannot be reached right now. Nothing has been charged." in text
    assert f'action="{en("payments:request_pay", request.pk)}"' in text and "Try again" in text
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.FAILED and not payment.mollie_id and not payment.checkout_url
    assert payment.events.filter(kind=PaymentEvent.Kind.ERROR).count() == 1
    request.refresh_from_db()
    assert request.status == PaymentRequestStatus.OPEN
    # Trying again while Mollie is still down: the same message, again nothing half-open left behind.
    assert client.post(en("payments:request_pay", request.pk)).status_code == 503
    assert not Payment.objects.filter(status__in=["open", "pending", "authorized"]).exists()


def test_the_return_page_still_answers_when_mollie_is_down(client, alice, mollie_down, english):
    payment = make_payment(make_request(alice), mollie_id="tr_somewhere1", checkout_url="http://x.test/c")
    client.force_login(alice)
    page = client.get(en("payments:return", payment.token)).content.decode()
    assert "We are waiting for the bank" in page
    assert "We could not ask the payment service for the latest status" in page
