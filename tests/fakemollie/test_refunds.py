"""Refunds through the real client: full, partial, list, get, the pending → refunded rule, and refusals."""

from decimal import Decimal

import pytest
import requests
from mollie.api.error import NotFoundError, UnprocessableEntityError
from mollie.api.objects.payment import Payment
from mollie.api.objects.refund import Refund
from mollie.api.resources.refunds import PaymentRefunds

from eloket.fakemollie import state

from .conftest import API_KEY, payment_data

pytestmark = pytest.mark.django_db(transaction=True)


def refunds_of(mollie, payment_id) -> PaymentRefunds:
    """How mollie-api-python 4.0 reaches /v2/payments/{id}/refunds without fetching the payment first."""
    return PaymentRefunds(mollie, Payment({"id": payment_id}, mollie))


def paid_payment(mollie, value="20.00"):
    payment = mollie.payments.create(payment_data(amount={"currency": "EUR", "value": value}))
    state.finish(payment.id, "paid")
    return mollie.payments.get(payment.id)


def test_a_paid_payment_shows_what_can_be_refunded(mollie):
    payment = paid_payment(mollie)
    assert payment.is_paid() and payment.status == "paid" and payment.paid_at
    assert payment.amount_refunded == {"value": "0.00", "currency": "EUR"}
    assert payment.amount_remaining == {"value": "20.00", "currency": "EUR"}
    assert payment.can_be_refunded() and not payment.has_refunds()


def test_full_refund_is_pending_then_refunded_on_the_first_read(mollie):
    payment = paid_payment(mollie)

    refund = payment.refunds.create({"amount": {"currency": "EUR", "value": "20.00"}, "description": "Terugbetaling"})

    assert isinstance(refund, Refund)
    assert refund.resource == "refund" and refund.id.startswith("re_")
    assert refund.status == "pending" and refund.is_pending()
    assert refund.amount == {"currency": "EUR", "value": "20.00"}
    assert refund.payment_id == payment.id and refund.description == "Terugbetaling"
    assert refund.created_at.endswith("+00:00")
    assert refund["_links"]["payment"]["href"].endswith(f"/fake-mollie/v2/payments/{payment.id}")

    after = mollie.payments.get(payment.id)
    assert after.status == "paid" and after.is_paid()
    assert after.amount_refunded == {"value": "20.00", "currency": "EUR"}
    assert after.amount_remaining == {"value": "0.00", "currency": "EUR"}
    assert after.has_refunds()

    fetched = refunds_of(mollie, payment.id).get(refund.id)
    assert fetched.status == "refunded" and fetched.is_refunded()
    assert refunds_of(mollie, payment.id).get(refund.id).status == "refunded"


def test_partial_refunds_and_the_list(mollie):
    payment = paid_payment(mollie)
    refunds = refunds_of(mollie, payment.id)

    first = refunds.create({"amount": {"currency": "EUR", "value": "5.00"}, "description": "Deel 1"})
    second = refunds.create({"amount": {"currency": "EUR", "value": "7.50"}, "description": "Deel 2",
                             "metadata": {"reason": "dubbel"}})
    assert second.metadata == {"reason": "dubbel"}

    listed = refunds.list()
    assert listed.count == 2 and len(listed) == 2
    assert {r.id for r in listed} == {first.id, second.id}
    assert all(r.status == "refunded" for r in listed)
    assert [r.id for r in listed] == [second.id, first.id]  # newest first, like Mollie

    after = mollie.payments.get(payment.id)
    assert after.amount_refunded["value"] == "12.50" and after.amount_remaining["value"] == "7.50"

    with pytest.raises(UnprocessableEntityError) as caught:
        refunds.create({"amount": {"currency": "EUR", "value": "7.51"}})
    assert caught.value.field == "amount" and "7.50" in str(caught.value)

    last = refunds.create({"amount": {"currency": "EUR", "value": "7.50"}})
    assert last.description == ""
    assert mollie.payments.get(payment.id).amount_remaining["value"] == "0.00"
    with pytest.raises(UnprocessableEntityError):
        refunds.create({"amount": {"currency": "EUR", "value": "0.01"}})


def test_the_list_of_all_refunds(mollie):
    one, two = paid_payment(mollie), paid_payment(mollie)
    refunds_of(mollie, one.id).create({"amount": {"currency": "EUR", "value": "1.00"}})
    refunds_of(mollie, two.id).create({"amount": {"currency": "EUR", "value": "2.00"}})
    listed = mollie.refunds.list()
    assert listed.count == 2
    assert {r.payment_id for r in listed} == {one.id, two.id}
    assert refunds_of(mollie, one.id).list().count == 1


def test_instant_refunds_by_setting_or_query_flag(mollie, settings):
    payment = paid_payment(mollie)
    refunds = refunds_of(mollie, payment.id)
    assert refunds.create({"amount": {"currency": "EUR", "value": "1.00"}}, instant="true").status == "refunded"
    settings.FAKE_MOLLIE_INSTANT_REFUNDS = True
    assert refunds.create({"amount": {"currency": "EUR", "value": "1.00"}}).status == "refunded"


def test_a_pending_refund_can_be_canceled_and_then_does_not_count(mollie):
    payment = paid_payment(mollie)
    refunds = refunds_of(mollie, payment.id)
    refund = refunds.create({"amount": {"currency": "EUR", "value": "20.00"}})

    assert refunds.delete(refund.id) == {}

    assert mollie.payments.get(payment.id).amount_remaining["value"] == "20.00"
    assert refunds.get(refund.id).status == "canceled"
    settled = refunds.create({"amount": {"currency": "EUR", "value": "1.00"}})
    refunds.get(settled.id)
    with pytest.raises(UnprocessableEntityError):
        refunds.delete(settled.id)


def test_only_paid_payments_can_be_refunded(mollie):
    for outcome in [None, "failed", "canceled", "expired"]:
        payment = mollie.payments.create(payment_data())
        if outcome:
            state.finish(payment.id, outcome)
        with pytest.raises(UnprocessableEntityError) as caught:
            refunds_of(mollie, payment.id).create({"amount": {"currency": "EUR", "value": "1.00"}})
        assert caught.value.status == 422
        assert (outcome or "open") in str(caught.value)


def test_invalid_refund_amounts_are_422(mollie):
    payment = paid_payment(mollie)
    for amount, field in [
        (None, "amount"),
        ({"currency": "USD", "value": "1.00"}, "amount.currency"),
        ({"currency": "EUR", "value": "1"}, "amount.value"),
        ({"currency": "EUR", "value": "0.00"}, "amount"),
        ({"currency": "EUR", "value": "20.01"}, "amount"),
    ]:
        data = {"description": "x"} if amount is None else {"amount": amount}
        with pytest.raises(UnprocessableEntityError) as caught:
            refunds_of(mollie, payment.id).create(data)
        assert caught.value.field == field, amount
    assert not payment.refunds.list().count


def test_unknown_payment_or_refund_is_404(mollie):
    with pytest.raises(NotFoundError):
        refunds_of(mollie, "tr_unknown").create({"amount": {"currency": "EUR", "value": "1.00"}})
    with pytest.raises(NotFoundError):
        refunds_of(mollie, "tr_unknown").list()
    payment = paid_payment(mollie)
    with pytest.raises(NotFoundError):
        refunds_of(mollie, payment.id).get("re_unknown")


def test_a_refund_is_found_only_under_its_own_payment(mollie):
    one, two = paid_payment(mollie), paid_payment(mollie)
    refund = refunds_of(mollie, one.id).create({"amount": {"currency": "EUR", "value": "1.00"}})
    with pytest.raises(NotFoundError):
        refunds_of(mollie, two.id).get(refund.id)


def test_refund_list_links_and_content_type(mollie, fake_site):
    payment = paid_payment(mollie, "3.00")
    for _ in range(3):
        refunds_of(mollie, payment.id).create({"amount": {"currency": "EUR", "value": "1.00"}})
    response = requests.get(f"{fake_site.url}/fake-mollie/v2/payments/{payment.id}/refunds?limit=2",
                            headers={"Authorization": f"Bearer {API_KEY}"}, timeout=5)
    assert response.headers["Content-Type"] == "application/hal+json"
    body = response.json()
    assert body["count"] == 2 and len(body["_embedded"]["refunds"]) == 2
    assert body["_links"]["previous"] is None
    assert body["_links"]["next"]["href"].startswith(f"{fake_site.url}/fake-mollie/v2/payments/{payment.id}/refunds?from=re_")
    page = refunds_of(mollie, payment.id).list(limit=2)
    assert len(page.get_next()) == 1
    assert sum(Decimal(r.amount["value"]) for r in refunds_of(mollie, payment.id).list()) == Decimal("3.00")
