"""Alice downloads a copy of her data and then deletes her account, in the browser, with axe on every page."""

import io
import json
import re
import zipfile

import pytest

from eloket.accounts.models import User, Vehicle
from fines.models import Case
from tests.factories import PASSWORD
from tests.privacy.conftest import make_case

from .helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_alice_downloads_her_data_and_deletes_her_account(visitor, demo_city, alice, media):
    Vehicle.objects.create(owner=alice, plate="1ABC123")
    case = make_case(alice, sequence=7)
    page = visitor.page
    log_in(visitor, alice)

    page.click("main a[href='/mijn-loket/privacy/']")
    page.wait_for_url(re.compile(r"/mijn-loket/privacy/$"))
    visitor.check()
    page.click("main form[action='/mijn-loket/privacy/download/'] button[type=submit]")
    # A copy of everything asks for the password once more first.
    page.wait_for_url(re.compile(r"/account/reauthenticate/"))
    visitor.check()
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/privacy/$"))
    visitor.check()

    link = page.locator("#privacy-exports a[href^='/mijn-loket/privacy/download/']")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert json.loads(archive.read("profile.json"))["email"] == "alice@example.org"
    assert json.loads(archive.read("vehicles.json"))[0]["plate"] == "1-ABC-123"
    assert json.loads(archive.read("fines.json"))[0]["id"] == case.pk

    page.click("main a[href='/mijn-loket/account-verwijderen/']")
    page.wait_for_url(re.compile(r"/mijn-loket/account-verwijderen/$"))
    visitor.check()
    assert page.locator("#what-stays").count() == 1  # the case stays with the city
    page.click("main form button[type=submit]")  # without the password and the tick: clear errors, nothing deleted
    visitor.check()
    assert page.locator(".eloket-field--invalid").count() >= 1 and User.objects.filter(pk=alice.pk).exists()
    page.fill("input[name=password]", PASSWORD)
    page.check("input[name=confirm]")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/account-verwijderd/$"))
    visitor.check()
    assert page.locator("h1").inner_text() and not User.objects.filter(email="alice@example.org").exists()
    case.refresh_from_db()
    assert case.citizen_id is None and case.holder_name == "Alice Peeters"
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_deletion_page_fits_a_phone(phone, demo_city, alice):
    log_in(phone, alice)
    phone.visit("/mijn-loket/account-verwijderen/")
    assert phone.fits_width()
