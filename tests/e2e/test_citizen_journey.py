"""A citizen signs up, verifies their email, logs in, adds a vehicle and sees their dashboard."""

import re

import pytest
from django.core import mail

from eloket.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_verify_log_in_add_a_vehicle(visitor, demo_city):
    page = visitor.page
    visitor.visit("/")
    page.click("header a[href='/account/login/']")
    visitor.check()
    page.click("main a[href^='/account/signup/']")
    visitor.check()

    page.fill("input[name=email]", "nieuwe.burger@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/account/confirm-email/$"))
    visitor.check()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/account/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(visitor.base_url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    visitor.check()
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))
    visitor.check()

    page.click("main a[href='/mijn-loket/voertuigen/nieuw/']")
    visitor.check()
    page.fill("input[name=plate]", "1-abc-123")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))
    visitor.check()
    assert page.locator("main .eloket-plate", has_text="1-ABC-123").count() == 1
    assert User.objects.get(email="nieuwe.burger@example.org").vehicles.get().plate == "1ABC123"

    page.click("main a[href='/mijn-loket/gegevens/']")
    visitor.check()
    page.fill("input[name=national_number]", "123")
    page.click("main form button[type=submit]")
    assert page.locator("#id_national_number_error").is_visible()
    visitor.check()

    page.click("header form[action='/account/logout/'] button")
    visitor.check()
    page.goto(visitor.base_url + "/account/login/")
    page.fill("input[name=login]", "nieuwe.burger@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))
    visitor.check()


def test_the_language_switch_keeps_the_page(visitor, demo_city):
    visitor.visit("/tarieven/")
    visitor.page.click("header button[name=language][value=en]")
    visitor.page.wait_for_url(re.compile(r"/en/tarieven/$"))
    assert visitor.page.locator("html").get_attribute("lang") == "en"
    visitor.check()
    visitor.page.click("header button[name=language][value=nl]")
    visitor.page.wait_for_url(re.compile(r"^https?://[^/]+/tarieven/$"))
    assert visitor.page.locator("html").get_attribute("lang") == "nl"


def test_forms_work_without_javascript(no_js, demo_city, alice):
    page = no_js.page
    page.goto(no_js.base_url + "/account/login/")
    page.fill("input[name=login]", alice.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))
    page.goto(no_js.base_url + "/mijn-loket/voertuigen/nieuw/")
    page.fill("input[name=plate]", "2-xyz-987")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))
    assert alice.vehicles.get().plate == "2XYZ987"
