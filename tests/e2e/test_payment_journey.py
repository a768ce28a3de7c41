"""A citizen pays a payment request online through the (fake) Mollie checkout and downloads the letter."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from eloket.payments.models import PaymentRequest, PaymentRequestStatus
from eloket.payments.requests import create_payment_request
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def payment_request(demo_city, alice, carla, settings, live_server, media):
    settings.SITE_URL = live_server.url
    settings.MOLLIE_API_ENDPOINT = live_server.url + "/fake-mollie"
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    return create_payment_request(citizen=alice, description="Duplicaat bewonerskaart", amount=Decimal("15.00"),
                                  due_date=timezone.localdate() + datetime.timedelta(days=30), created_by=carla)


def test_pay_a_payment_request_online_and_download_the_letter(visitor, payment_request, alice):
    page = visitor.page
    log_in(visitor, alice)

    page.click(f"main a[href='/betalen/verzoek/{payment_request.pk}/']")
    visitor.check()
    assert page.locator("main").get_by_text("+++").count() >= 1  # the structured communication for a transfer

    page.click("main form[action$='/betalen/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/fake-mollie/checkout/"))
    visitor.check()
    page.check("input[type=radio][value=paid]")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/betalen/[0-9a-f-]{36}/$"))
    visitor.check()

    payment_request.refresh_from_db()
    assert payment_request.status == PaymentRequestStatus.PAID

    visitor.visit("/mijn-loket/")
    link = page.locator("main a[href^='/documenten/']").first
    response = page.request.get(visitor.base_url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_a_failed_payment_says_so_and_offers_to_try_again(visitor, payment_request, alice):
    page = visitor.page
    log_in(visitor, alice)
    visitor.visit(f"/betalen/verzoek/{payment_request.pk}/")
    page.click("main form[action$='/betalen/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/fake-mollie/checkout/"))
    page.check("input[type=radio][value=failed]")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/betalen/[0-9a-f-]{36}/$"))
    visitor.check()
    assert page.locator("main form[action$='/opnieuw/'] button").count() == 1
    assert PaymentRequest.objects.get(pk=payment_request.pk).status == PaymentRequestStatus.OPEN


def test_the_dashboard_and_payment_pages_fit_a_phone(phone, payment_request, alice):
    log_in(phone, alice)
    assert phone.fits_width()
    phone.visit(f"/betalen/verzoek/{payment_request.pk}/")
    assert phone.fits_width()
    phone.visit("/mijn-loket/voertuigen/nieuw/")
    assert phone.fits_width()


def test_when_mollie_is_down_the_citizen_is_told_and_can_try_again(visitor, payment_request, alice, settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.MOLLIE_API_ENDPOINT = f"http://127.0.0.1:{closed_port}/fake-mollie"
    page = visitor.page
    log_in(visitor, alice)
    visitor.visit(f"/betalen/verzoek/{payment_request.pk}/")
    page.click("main form[action$='/betalen/'] button[type=submit]")
    page.wait_for_load_state("load")
    visitor.check()
    assert page.locator("main form button[type=submit]").count() >= 1
    assert PaymentRequest.objects.get(pk=payment_request.pk).status == PaymentRequestStatus.OPEN
