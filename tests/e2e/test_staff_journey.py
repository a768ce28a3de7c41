"""Staff log in with two-factor authentication and reach the administration."""

import re

import pytest

from tests.accounts.helpers import totp_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_counter_staff_log_in_with_a_code_and_reach_the_admin(visitor, demo_city, carla):
    page = visitor.page
    visitor.visit("/account/login/")
    page.fill("input[name=login]", carla.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/account/2fa/authenticate/$"))
    visitor.check()
    page.fill("input[name=code]", totp_code(carla.totp_secret))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))
    visitor.visit("/admin/")
    assert page.locator("#site-name").count() == 1
    visitor.visit("/admin/city/tariff/")
    visitor.visit("/admin/accounts/user/")
    visitor.visit("/admin/payments/paymentrequest/add/")


def test_the_city_admin_works_with_payments_in_the_admin(visitor, demo_city, ida):
    page = visitor.page
    visitor.visit("/account/login/")
    page.fill("input[name=login]", ida.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/account/2fa/authenticate/$"))
    page.fill("input[name=code]", totp_code(ida.totp_secret))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))
    for path in ("/admin/payments/payment/", "/admin/payments/bankstatement/", "/admin/payments/banktransaction/",
                 "/admin/documents/document/", "/admin/notifications/outboundmessage/"):
        visitor.visit(path)
