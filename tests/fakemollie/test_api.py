"""The fake Mollie's REST API, spoken to by the real mollie-api-python client over HTTP."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import requests
from mollie.api.error import NotFoundError, ResponseError, UnauthorizedError, UnprocessableEntityError
from mollie.api.objects.payment import Payment

from eloket.fakemollie.models import FakePayment

from .conftest import API_KEY, LIVE_KEY, make_client, payment_data

pytestmark = pytest.mark.django_db(transaction=True)

HAL = "application/hal+json"


def _parse(timestamp):
    assert timestamp.endswith("+00:00"), timestamp
    return datetime.fromisoformat(timestamp)


def test_create_returns_an_open_payment_shaped_like_mollies(mollie, fake_site, webhook):
    payment = mollie.payments.create(payment_data(webhook))

    assert isinstance(payment, Payment)
    assert payment.resource == "payment"
    assert payment.id.startswith("tr_") and len(payment.id) > 5
    assert payment.mode == "test"
    assert payment.status == "open" and payment.is_open() and not payment.is_paid()
    assert payment.amount == {"currency": "EUR", "value": "12.50"}
    assert payment.description == "Bewonerskaart ABC-123"
    assert payment.method == "bancontact"
    assert payment.metadata == {"payment": 42}
    assert payment.redirect_url == "https://eloket.example/betalen/terug/42/"
    assert payment.webhook_url == webhook.url
    assert payment.is_cancelable is True
    created, expires = _parse(payment.created_at), _parse(payment.expires_at)
    assert timedelta(minutes=14) < expires - created <= timedelta(minutes=15)
    assert payment.checkout_url == f"{fake_site.url}/fake-mollie/checkout/{payment.id}/"
    links = payment["_links"]
    assert links["checkout"]["type"] == "text/html"
    assert links["self"] == {"href": f"{fake_site.url}/fake-mollie/v2/payments/{payment.id}", "type": HAL}
    assert links["dashboard"]["type"] == "text/html" and links["dashboard"]["href"].startswith(fake_site.url)
    assert links["documentation"]["href"].startswith("https://docs.mollie.com/")
    # Not paid yet: no refund amounts, no timestamps of an end.
    assert payment.amount_remaining is None and payment.paid_at is None and payment.canceled_at is None
    assert not payment.can_be_refunded()
    stored = FakePayment.objects.get(pk=payment.id)
    assert stored.value == Decimal("12.50") and stored.status == "open"


def test_create_answers_201_in_hal_json(fake_site):
    response = requests.post(f"{fake_site.url}/fake-mollie/v2/payments", json=payment_data(),
                             headers={"Authorization": f"Bearer {API_KEY}"}, timeout=5)
    assert response.status_code == 201
    assert response.headers["Content-Type"] == HAL
    assert response.json()["status"] == "open"


def test_create_accepts_mollies_form_encoding(fake_site):
    response = requests.post(
        f"{fake_site.url}/fake-mollie/v2/payments",
        data={"amount[currency]": "EUR", "amount[value]": "5.00", "description": "Form", "redirectUrl": "https://x.example/",
              "metadata[order]": "7"},
        headers={"Authorization": f"Bearer {API_KEY}"}, timeout=5)
    assert response.status_code == 201, response.text
    assert response.json()["amount"] == {"value": "5.00", "currency": "EUR"}
    assert response.json()["metadata"] == {"order": "7"}


def test_get_shows_the_current_status(mollie):
    created = mollie.payments.create(payment_data())
    fetched = mollie.payments.get(created.id)
    assert fetched.id == created.id and fetched.status == "open"
    assert fetched.amount == created.amount and fetched.checkout_url == created.checkout_url


def test_payment_without_method_has_none_until_paid(mollie):
    payment = mollie.payments.create(payment_data(method=None))
    assert payment.method is None


def test_unknown_payment_is_404(mollie, fake_site):
    with pytest.raises(NotFoundError) as caught:
        mollie.payments.get("tr_doesnotexist")
    assert caught.value.status == 404
    assert "tr_doesnotexist" in str(caught.value)

    response = requests.get(f"{fake_site.url}/fake-mollie/v2/payments/tr_nope",
                            headers={"Authorization": f"Bearer {API_KEY}"}, timeout=5)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == HAL
    body = response.json()
    assert body["status"] == 404 and body["title"] == "Not Found"
    assert body["_links"]["documentation"]["type"] == "text/html"


def test_unknown_endpoint_is_404_json(fake_site):
    response = requests.get(f"{fake_site.url}/fake-mollie/v2/methods",
                            headers={"Authorization": f"Bearer {API_KEY}"}, timeout=5)
    assert response.status_code == 404 and response.json()["status"] == 404


BAD_AUTHORIZATIONS = [
    {},
    {"Authorization": ""},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer nonsense"},
    {"Authorization": "Bearer test_short"},
    {"Authorization": "Bearer access_" + "a" * 30},
    {"Authorization": "Basic " + "test_" + "a" * 30},
    {"Authorization": "Bearer test_" + "a" * 29 + "!"},
]


def test_missing_or_invalid_bearer_is_401(fake_site):
    # One test, many requests: each live-server test costs a database flush.
    for headers in BAD_AUTHORIZATIONS:
        for method, path in [("GET", "v2/payments"), ("POST", "v2/payments"), ("GET", "v2/payments/tr_x"),
                             ("DELETE", "v2/payments/tr_x"), ("GET", "v2/payments/tr_x/refunds"), ("GET", "v2/refunds"),
                             ("GET", "v2/methods")]:
            response = requests.request(method, f"{fake_site.url}/fake-mollie/{path}", json=payment_data(),
                                        headers=headers, timeout=5)
            assert response.status_code == 401, (headers, method, path)
            assert response.headers["Content-Type"] == HAL
            body = response.json()
            assert body["status"] == 401 and body["title"] == "Unauthorized Request"
            assert body["detail"]
            assert body["_links"]["documentation"] == {"href": "https://docs.mollie.com/overview/authentication",
                                                       "type": "text/html"}


def test_a_bad_key_surfaces_as_the_clients_unauthorized_error(fake_site):
    client = make_client(fake_site, key="test_tooshort")
    with pytest.raises(UnauthorizedError) as caught:
        client.payments.create(payment_data())
    assert caught.value.status == 401


INVALID_PAYMENTS = [
    ({"amount": None}, "amount"),
    ({"amount": "12.50"}, "amount"),
    ({"amount": {"value": "12.50"}}, "amount.currency"),
    ({"amount": {"currency": "USD", "value": "12.50"}}, "amount.currency"),
    ({"amount": {"currency": "EUR", "value": 12.5}}, "amount.value"),
    ({"amount": {"currency": "EUR", "value": "12"}}, "amount.value"),
    ({"amount": {"currency": "EUR", "value": "12.5"}}, "amount.value"),
    ({"amount": {"currency": "EUR", "value": "12.500"}}, "amount.value"),
    ({"amount": {"currency": "EUR", "value": "-1.00"}}, "amount.value"),
    ({"amount": {"currency": "EUR", "value": "0.00"}}, "amount"),
    ({"amount": {"currency": "EUR", "value": "100000000.00"}}, "amount"),
    ({"description": None}, "description"),
    ({"description": "  "}, "description"),
    ({"description": "x" * 256}, "description"),
    ({"redirectUrl": None}, "redirectUrl"),
    ({"redirectUrl": "not a url"}, "redirectUrl"),
    ({"redirectUrl": "javascript:alert(1)"}, "redirectUrl"),
    ({"webhookUrl": "ftp://example.org/hook"}, "webhookUrl"),
    ({"cancelUrl": "nope"}, "cancelUrl"),
    ({"method": "bitcoin"}, "method"),
    ({"method": ["bancontact", "cash"]}, "method"),
    ({"locale": "xx_XX"}, "locale"),
    ({"metadata": {"blob": "x" * 2000}}, "metadata"),
]


def test_invalid_payments_are_refused_with_422_naming_the_field(mollie):
    for change, field in INVALID_PAYMENTS:
        data = payment_data(**change)
        data = {key: value for key, value in data.items() if value is not None}
        with pytest.raises(UnprocessableEntityError) as caught:
            mollie.payments.create(data)
        assert (caught.value.status, caught.value.field) == (422, field), change
        assert str(caught.value)
    assert not FakePayment.objects.exists()


def test_422_body_is_mollies_error_shape(fake_site):
    response = requests.post(f"{fake_site.url}/fake-mollie/v2/payments", json={"description": "x"},
                             headers={"Authorization": f"Bearer {API_KEY}"}, timeout=5)
    assert response.status_code == 422
    assert response.headers["Content-Type"] == HAL
    body = response.json()
    assert body["status"] == 422 and body["title"] == "Unprocessable Entity"
    assert body["field"] == "amount" and body["detail"] == "The amount is required for payments"
    assert body["_links"]["documentation"]["href"] == "https://docs.mollie.com/overview/handling-errors"


def test_unreadable_json_is_400(fake_site):
    for body in [b"{not json", b"[1, 2]", b"\xff\xfe"]:
        response = requests.post(f"{fake_site.url}/fake-mollie/v2/payments", data=body, timeout=5,
                                 headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"})
        assert response.status_code == 400, body
        assert response.json()["status"] == 400


def test_method_not_allowed_is_405(fake_site):
    response = requests.put(f"{fake_site.url}/fake-mollie/v2/payments", json={},
                            headers={"Authorization": f"Bearer {API_KEY}"}, timeout=5)
    assert response.status_code == 405
    assert response.json()["title"] == "Method Not Allowed"


def test_cancel_an_open_payment(mollie, webhook):
    payment = mollie.payments.create(payment_data(webhook))

    canceled = mollie.payments.delete(payment.id)

    assert canceled.id == payment.id
    assert canceled.status == "canceled" and canceled.is_canceled()
    assert canceled.canceled_at and canceled.is_cancelable is False
    assert canceled.checkout_url is None and canceled.expires_at is None
    assert mollie.payments.get(payment.id).status == "canceled"
    # The merchant canceled it through the API: it has its answer, no webhook.
    assert webhook.calls == []

    with pytest.raises(UnprocessableEntityError) as caught:
        mollie.payments.delete(payment.id)
    assert caught.value.status == 422 and "canceled" in str(caught.value)


def test_cancel_unknown_payment_is_404(mollie):
    with pytest.raises(NotFoundError):
        mollie.payments.delete("tr_unknown")


def test_update_an_open_payment(mollie):
    payment = mollie.payments.create(payment_data())
    updated = mollie.payments.update(payment.id, {"description": "Nieuwe omschrijving", "metadata": {"v": 2}})
    assert updated.description == "Nieuwe omschrijving" and updated.metadata == {"v": 2}
    with pytest.raises(UnprocessableEntityError) as caught:
        mollie.payments.update(payment.id, {"redirectUrl": "nope"})
    assert caught.value.field == "redirectUrl"
    mollie.payments.delete(payment.id)
    with pytest.raises(UnprocessableEntityError):
        mollie.payments.update(payment.id, {"description": "Te laat"})


def test_list_payments_newest_first_with_pagination(mollie):
    ids = [mollie.payments.create(payment_data(description=f"Betaling {n}")).id for n in range(3)]

    first = mollie.payments.list(limit=2)
    assert first.count == 2 and len(first) == 2
    assert [p.id for p in first] == [ids[2], ids[1]]
    assert first.has_next() and not first.has_previous()

    second = first.get_next()
    assert [p.id for p in second] == [ids[0]]
    assert not second.has_next() and second.has_previous()
    assert [p.id for p in second.get_previous()] == [ids[2], ids[1]]

    assert [p.id for p in mollie.payments.list()] == list(reversed(ids))


def test_a_payment_past_expires_at_reads_as_expired(mollie):
    payment = mollie.payments.create(payment_data())
    past = FakePayment.objects.get(pk=payment.id).created_at - timedelta(minutes=1)
    FakePayment.objects.filter(pk=payment.id).update(expires_at=past)

    fetched = mollie.payments.get(payment.id)

    assert fetched.status == "expired" and fetched.is_expired()
    assert _parse(fetched.expired_at) == past.replace(microsecond=0)
    assert fetched.checkout_url is None and fetched.is_cancelable is False
    with pytest.raises(UnprocessableEntityError):
        mollie.payments.delete(payment.id)


def test_expiry_minutes_follow_the_setting(mollie, settings):
    settings.FAKE_MOLLIE_EXPIRY_MINUTES = 60
    payment = mollie.payments.create(payment_data())
    assert timedelta(minutes=59) < _parse(payment.expires_at) - _parse(payment.created_at) <= timedelta(minutes=60)


def test_test_and_live_keys_see_only_their_own_payments(mollie, fake_site):
    live = make_client(fake_site, LIVE_KEY)
    live_payment = live.payments.create(payment_data())
    assert live_payment.mode == "live"
    with pytest.raises(NotFoundError):
        mollie.payments.get(live_payment.id)
    assert live.payments.get(live_payment.id).id == live_payment.id
    assert len(mollie.payments.list()) == 0


def test_idempotency_key_replays_the_first_answer(mollie):
    first = mollie.payments.create(payment_data(), idempotency_key="eloket-payment-42")
    again = mollie.payments.create(payment_data(), idempotency_key="eloket-payment-42")
    assert again.id == first.id
    assert FakePayment.objects.count() == 1

    with pytest.raises(UnprocessableEntityError):
        mollie.payments.create(payment_data(description="Iets anders"), idempotency_key="eloket-payment-42")

    other = mollie.payments.create(payment_data(), idempotency_key="eloket-payment-43")
    assert other.id != first.id


def test_idempotent_replay_is_marked(fake_site):
    headers = {"Authorization": f"Bearer {API_KEY}", "Idempotency-Key": "same"}
    url = f"{fake_site.url}/fake-mollie/v2/payments"
    first = requests.post(url, json=payment_data(), headers=headers, timeout=5)
    second = requests.post(url, json=payment_data(), headers=headers, timeout=5)
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()


def test_a_refused_request_does_not_burn_its_idempotency_key(mollie):
    with pytest.raises(UnprocessableEntityError):
        mollie.payments.create(payment_data(description=None), idempotency_key="retry-me")
    payment = mollie.payments.create(payment_data(), idempotency_key="retry-me")
    assert payment.status == "open"


def test_errors_are_response_errors_the_client_understands(mollie):
    with pytest.raises(ResponseError):
        mollie.payments.get("tr_missing")
