"""The hosted checkout page: the payer chooses the outcome, the webhook is called once, the payer goes back."""

import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import requests
from django.core.management import call_command
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext

from eloket.fakemollie.models import FakePayment, FakeWebhookCall

from .conftest import payment_data

pytestmark = pytest.mark.django_db(transaction=True)

TIMESTAMP = {"paid": "paid_at", "failed": "failed_at", "canceled": "canceled_at", "expired": "expired_at"}


def checkout_path(payment):
    return reverse("fakemollie:checkout", args=[payment.id])


class Page(HTMLParser):
    """Counts what the accessibility checks need: headings, fieldsets, radios and labels, inline code."""

    def __init__(self, html):
        super().__init__()
        self.tags, self.radios, self.labels_for, self.inline_scripts, self.style_attributes = [], [], set(), 0, 0
        self._in_script_without_src = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "style" in attrs:
            self.style_attributes += 1
        if any(name.startswith("on") for name in attrs):
            self.style_attributes += 1
        if tag == "input" and attrs.get("type") == "radio":
            self.radios.append(attrs)
        if tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])
        if tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1
        if tag == "style":
            self.inline_scripts += 1


def test_the_checkout_page_shows_the_payment_and_the_choice(mollie, client):
    payment = mollie.payments.create(payment_data())
    assert payment.checkout_url.endswith(checkout_path(payment))

    response = client.get(checkout_path(payment), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bewonerskaart ABC-123" in html and "€&nbsp;12.50" in html and payment.id in html
    assert 'name="csrfmiddlewaretoken"' in html
    page = Page(html)
    assert page.tags.count("h1") == 1
    assert page.tags.count("fieldset") >= 1 and "legend" in page.tags
    assert [radio["value"] for radio in page.radios] == ["paid", "failed", "canceled", "expired", "open"]
    assert all(radio["id"] in page.labels_for for radio in page.radios)
    assert page.inline_scripts == 0 and page.style_attributes == 0
    assert re.search(r'<button[^>]*type="submit"', html)
    assert "utrecht-radio-button" in html and "utrecht-button" in html and "utrecht-heading-1" in html


@pytest.mark.parametrize("outcome", ["paid", "failed", "canceled", "expired"])
def test_the_payer_chooses_the_outcome_and_the_webhook_is_called_once(mollie, client, webhook, outcome):
    payment = mollie.payments.create(payment_data(webhook))
    # The shop's webhook fetches the payment, as the payments app does: the change is committed by then.
    webhook.on_call = lambda body: mollie.payments.get(body.removeprefix("id=")).status

    response = client.post(checkout_path(payment), {"outcome": outcome})

    assert response.status_code == 302
    assert response["Location"] == "https://eloket.example/betalen/terug/42/"
    assert webhook.calls == [{"path": "/webhook/", "body": f"id={payment.id}",
                              "content_type": "application/x-www-form-urlencoded"}]
    assert webhook.seen == [outcome]

    fetched = mollie.payments.get(payment.id)
    assert fetched.status == outcome
    assert fetched.is_paid() is (outcome == "paid")
    assert fetched.checkout_url is None and fetched.is_cancelable is False
    for key in ("paidAt", "failedAt", "canceledAt", "expiredAt"):
        assert (key in fetched) is (key == f"{outcome}At"), key
    assert fetched.method == "bancontact"
    stored = FakePayment.objects.get(pk=payment.id)
    assert getattr(stored, TIMESTAMP[outcome]) is not None
    call = FakeWebhookCall.objects.get(payment=stored)
    assert (call.event, call.url, call.response_status, call.error) == (outcome, webhook.url, 200, "")

    # Back on the page (browser back button): it says the payment is no longer open; a second post changes nothing.
    again = client.get(checkout_path(payment), HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200 and "no longer open" in again.content.decode()
    replay = client.post(checkout_path(payment), {"outcome": "paid"}, HTTP_ACCEPT_LANGUAGE="en")
    assert replay.status_code == 409 and "no longer open" in replay.content.decode()
    assert len(webhook.calls) == 1
    assert mollie.payments.get(payment.id).status == outcome


def test_paid_without_a_chosen_method_becomes_bancontact(mollie, client):
    payment = mollie.payments.create(payment_data(method=None))
    client.post(checkout_path(payment), {"outcome": "paid"})
    assert mollie.payments.get(payment.id).method == "bancontact"


def test_a_method_list_uses_its_first_method(mollie, client):
    payment = mollie.payments.create(payment_data(method=["kbc", "belfius"]))
    assert payment.method is None
    client.post(checkout_path(payment), {"outcome": "paid"})
    assert mollie.payments.get(payment.id).method == "kbc"


def test_staying_open_only_goes_back(mollie, client, webhook):
    payment = mollie.payments.create(payment_data(webhook))

    response = client.post(checkout_path(payment), {"outcome": "open"})

    assert response.status_code == 302 and response["Location"] == payment.redirect_url
    assert webhook.calls == []
    fetched = mollie.payments.get(payment.id)
    assert fetched.status == "open" and fetched.checkout_url == payment.checkout_url
    assert client.get(checkout_path(payment)).status_code == 200


def test_canceling_goes_to_the_cancel_url_when_given(mollie, client, webhook):
    payment = mollie.payments.create(payment_data(webhook, cancelUrl="https://eloket.example/betalen/geannuleerd/"))
    response = client.post(checkout_path(payment), {"outcome": "canceled"})
    assert response["Location"] == "https://eloket.example/betalen/geannuleerd/"
    assert webhook.bodies() == [f"id={payment.id}"]


def test_no_webhook_url_no_call(mollie, client):
    payment = mollie.payments.create(payment_data())
    assert client.post(checkout_path(payment), {"outcome": "paid"}).status_code == 302
    assert not FakeWebhookCall.objects.exists()
    assert mollie.payments.get(payment.id).is_paid()


def test_an_unreachable_webhook_is_recorded_and_the_payer_still_goes_back(mollie, client, webhook):
    webhook.server.shutdown()
    webhook.server.server_close()
    payment = mollie.payments.create(payment_data(webhook))

    response = client.post(checkout_path(payment), {"outcome": "paid"})

    assert response.status_code == 302 and response["Location"] == payment.redirect_url
    call = FakeWebhookCall.objects.get()
    assert call.response_status is None and "ConnectionError" in call.error
    assert mollie.payments.get(payment.id).is_paid()


def test_a_failing_webhook_answer_is_recorded(mollie, client, webhook):
    webhook.status = 500
    payment = mollie.payments.create(payment_data(webhook))
    client.post(checkout_path(payment), {"outcome": "failed"})
    assert FakeWebhookCall.objects.get().response_status == 500
    assert len(webhook.calls) == 1


def test_no_choice_or_a_bogus_choice_shows_the_form_again(mollie, client, webhook):
    payment = mollie.payments.create(payment_data(webhook))
    for data in ({}, {"outcome": "stolen"}):
        response = client.post(checkout_path(payment), data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        html = response.content.decode()
        assert "utrecht-alert--error" in html and "Error:" in html
        assert Page(html).tags.count("h1") == 1
    assert webhook.calls == [] and mollie.payments.get(payment.id).status == "open"


def test_an_unknown_payment_is_a_404_page(client, fake_site):
    response = client.get("/fake-mollie/checkout/tr_doesnotexist/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Unknown payment" in html and "tr_doesnotexist" in html
    assert Page(html).tags.count("h1") == 1
    assert client.post("/fake-mollie/checkout/tr_doesnotexist/", {"outcome": "paid"}).status_code == 404


def test_an_api_canceled_payment_is_no_longer_open_on_the_page(mollie, client):
    payment = mollie.payments.create(payment_data())
    mollie.payments.delete(payment.id)
    response = client.get(checkout_path(payment), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This payment is no longer open" in html and "canceled" in html
    assert payment.redirect_url in html


def test_an_overdue_payment_is_expired_on_the_page_and_the_command_tells_the_webhook_once(mollie, client, webhook):
    payment = mollie.payments.create(payment_data(webhook))
    FakePayment.objects.filter(pk=payment.id).update(expires_at=FakePayment.objects.get(pk=payment.id).created_at
                                                     - timedelta(minutes=1))
    chosen = mollie.payments.create(payment_data(webhook))
    client.post(checkout_path(chosen), {"outcome": "expired"})
    assert webhook.bodies() == [f"id={chosen.id}"]

    response = client.post(checkout_path(payment), {"outcome": "paid"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and "no longer open" in response.content.decode()
    assert mollie.payments.get(payment.id).status == "expired"
    assert len(webhook.calls) == 1  # lazy expiry calls no webhook ...

    call_command("fakemollie_expire", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert webhook.bodies() == [f"id={chosen.id}", f"id={payment.id}"]  # ... the command does, once
    call_command("fakemollie_expire", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(webhook.calls) == 2


def test_the_checkout_form_needs_its_csrf_token(mollie):
    payment = mollie.payments.create(payment_data())
    strict = BrowserClient(enforce_csrf_checks=True)
    assert strict.post(checkout_path(payment), {"outcome": "paid"}).status_code == 403
    assert mollie.payments.get(payment.id).status == "open"


def test_a_real_browser_round_trip_over_http(mollie, webhook):
    """GET the page from the live server, post the form with its CSRF cookie and token, follow nothing."""
    payment = mollie.payments.create(payment_data(webhook))
    with requests.Session() as browser:
        page = browser.get(payment.checkout_url, timeout=5)
        assert page.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        response = browser.post(payment.checkout_url, data={"csrfmiddlewaretoken": token, "outcome": "paid"},
                                allow_redirects=False, timeout=10)

    assert response.status_code == 302 and response.headers["Location"] == payment.redirect_url
    assert webhook.bodies() == [f"id={payment.id}"]
    assert mollie.payments.get(payment.id).is_paid()


def _heading(html):
    return re.search(r"<h1[^>]*>([^<]*)</h1>", html)[1]


def test_the_page_speaks_the_payment_locale_or_the_payers_language(mollie, client):
    for accept, locale, language in [
        ("nl", None, "nl"),
        ("en", None, "en"),
        ("de", None, "nl"),
        ("nl", "en_US", "en"),
        ("en", "nl_BE", "nl"),
        ("en", "fr_BE", "nl"),
    ]:
        payment = mollie.payments.create(payment_data(**({"locale": locale} if locale else {})))
        response = client.get(checkout_path(payment), HTTP_ACCEPT_LANGUAGE=accept)
        assert response.status_code == 200 and response["Content-Language"] == language, (accept, locale)
        html = response.content.decode()
        assert f'<html lang="{language}"' in html
        with translation.override(language):
            assert _heading(html) == gettext("Test payment")
            assert f"€&nbsp;{formats.number_format(Decimal('12.50'), 2)}" in html
