"""A resident card from application to active card: the citizen applies and pays, counter staff approve in the admin."""

import re

import pytest

from eloket.accounts.models import Vehicle
from permits import rules
from permits.demo import seed_prices
from permits.models import Permit, PermitKind, PermitStatus
from tests.accounts.helpers import totp_code
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD, UserFactory
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = {"street": "Molenstraat", "house_number": "12", "postal_code": "3600", "municipality": "Genk"}


@pytest.fixture
def city(demo_city, settings, live_server, media):
    settings.SITE_URL = live_server.url
    settings.MOLLIE_API_ENDPOINT = live_server.url + "/fake-mollie"
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    seed_prices()
    # Two cards at the address already (on other accounts): Alice's is the third, € 100 a year in the demo city.
    for number, plate in enumerate(["1HOU001", "1HOU002"], start=1):
        housemate = UserFactory(email=f"housemate{number}@example.org")
        vehicle = Vehicle.objects.create(owner=housemate, plate=plate)
        rules.apply_for_resident_card(housemate, vehicle, **ADDRESS, documents={"registration_certificate": pdf_upload()})
    return demo_city


def test_apply_pay_approve_and_download_the_confirmation(browser, live_server, visitor, city, alice, carla, tmp_path):
    Vehicle.objects.create(owner=alice, plate="1ABC123")
    page = visitor.page
    log_in(visitor, alice)

    visitor.visit("/vergunningen/")
    page.click("main a[href='/vergunningen/bewonerskaart/']")
    visitor.check()
    for field, value in ADDRESS.items():
        page.fill(f"input[name={field}]", value)
    page.check("input[name=vehicle_use][value=own]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    visitor.check()
    main = page.locator("main")
    assert "R1" in main.inner_text()
    assert "100" in main.inner_text()  # the price and how it was computed, before anything is written
    assert not Permit.objects.filter(holder=alice).exists()

    certificate = tmp_path / "inschrijvingsbewijs.pdf"
    certificate.write_bytes(pdf_upload().read())
    page.set_input_files("input[name=registration_certificate]", str(certificate))
    page.click("main form button[type=submit]:not([name=back])")
    page.wait_for_url(re.compile(r"/vergunningen/\d+/$"))
    visitor.check()
    permit = Permit.objects.get(holder=alice, kind=PermitKind.RESIDENT)
    assert permit.status == PermitStatus.AWAITING_PAYMENT
    assert page.locator("main").get_by_text("+++").count() >= 1  # bank transfer with a structured communication

    page.click(f"main form[action='/vergunningen/{permit.pk}/betalen/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/fake-mollie/checkout/"))
    visitor.check()
    page.check("input[type=radio][value=paid]")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/betalen/[0-9a-f-]{36}/$"))
    visitor.check()
    permit.refresh_from_db()
    assert permit.status == PermitStatus.IN_REVIEW

    # Counter staff approve it in the admin, in their own browser.
    staff_context = browser.new_context(locale="nl-BE", timezone_id="Europe/Brussels", viewport={"width": 1280, "height": 900})
    try:
        from tests.e2e.conftest import Visitor

        staff = Visitor(staff_context.new_page(), live_server.url)
        log_in(staff, carla, code=totp_code(carla.totp_secret))
        staff.visit("/admin/permits/permit/?queue=review")
        staff.page.click(f"#result_list a[href*='/admin/permits/permit/{permit.pk}/change/']")
        staff.page.wait_for_load_state("load")
        staff.check()
        staff.page.click(f"a[href*='/admin/permits/permit/{permit.pk}/approve/']")
        staff.page.wait_for_load_state("load")
        staff.check()
        staff.page.click("#content form [type=submit]")
        staff.page.wait_for_load_state("load")
        staff.check()
    finally:
        staff_context.close()
    permit.refresh_from_db()
    assert permit.status == PermitStatus.ACTIVE

    visitor.visit("/mijn-loket/")
    assert "1-ABC-123" in page.locator("main").inner_text()
    visitor.visit(f"/vergunningen/{permit.pk}/")
    link = page.locator("main a[href^='/documenten/']").first
    response = page.request.get(visitor.base_url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_permit_pages_pass_the_scan_on_a_phone(phone, city, alice):
    Vehicle.objects.create(owner=alice, plate="1ABC123")
    log_in(phone, alice)
    for path in ("/vergunningen/", "/vergunningen/bewonerskaart/", "/vergunningen/parkeerkaart-handicap/",
                 "/vergunningen/zorgverstrekker/", "/vergunningen/bezoekers/"):
        phone.visit(path)
        assert phone.fits_width(), path


def test_the_application_works_without_javascript(no_js, city, alice, tmp_path):
    """axe needs JavaScript, so this run only proves the forms work; the scans run in the tests above."""
    Vehicle.objects.create(owner=alice, plate="1ABC123")
    page = no_js.page
    page.goto(no_js.base_url + "/account/login/")
    page.fill("input[name=login]", alice.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))
    page.goto(no_js.base_url + "/vergunningen/bewonerskaart/")
    for field, value in {**ADDRESS, "house_number": "14"}.items():
        page.fill(f"input[name={field}]", value)
    page.check("input[name=vehicle_use][value=own]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("input[name=registration_certificate]")
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(pdf_upload().read())
    page.set_input_files("input[name=registration_certificate]", str(certificate))
    page.click("main form button[type=submit]:not([name=back])")
    page.wait_for_url(re.compile(r"/vergunningen/\d+/$"))
    assert Permit.objects.get(holder=alice).status == PermitStatus.APPLIED  # Molenstraat 14 has no card yet: free


def test_staff_permit_pages_pass_the_scan(visitor, city, carla):
    log_in(visitor, carla, code=totp_code(carla.totp_secret))
    permit = Permit.objects.filter(kind=PermitKind.RESIDENT).first()
    for path in ("/admin/permits/permit/", "/admin/permits/permit/?queue=review", f"/admin/permits/permit/{permit.pk}/change/",
                 f"/admin/permits/permit/{permit.pk}/reject/", f"/admin/permits/permit/{permit.pk}/more-info/",
                 "/admin/permits/permit/register-disability/", "/admin/permits/visitorperiod/"):
        visitor.visit(path)


def test_every_permit_action_page_passes_the_scan(visitor, city, alice, carla):
    from permits import visitors

    own = Vehicle.objects.create(owner=alice, plate="1ABC123")
    Vehicle.objects.create(owner=alice, plate="1DEF456")
    card = rules.apply_for_resident_card(alice, own, **{**ADDRESS, "house_number": "20"},
                                         documents={"registration_certificate": pdf_upload()})
    rules.approve(card, actor=carla)
    visitors.start_visit(alice, plate="1GUE001", minutes=120)
    question = rules.apply_for_resident_card(alice, Vehicle.objects.get(plate="1DEF456"), **{**ADDRESS, "house_number": "22"},
                                             documents={"registration_certificate": pdf_upload()})
    rules.request_more_info(question, "Is this car yours?", actor=carla)
    log_in(visitor, alice)
    for path in (f"/vergunningen/{card.pk}/", f"/vergunningen/{card.pk}/nummerplaat/", f"/vergunningen/{card.pk}/stopzetten/",
                 f"/vergunningen/{question.pk}/", f"/vergunningen/{question.pk}/antwoorden/", "/vergunningen/bezoekers/"):
        visitor.visit(path)
    assert "1-GUE-001" in visitor.page.locator("main").inner_text()
