"""Parking sessions in a browser: Alice starts a paid session in zone C1, sees the price, pays it through the (fake)
Mollie checkout, extends it (paying again) and stops it; she sets a digital parking disc in a blue zone; her list shows
a session started by SMS on her plate, read-only; the pages fit a phone and a disc is set without JavaScript; the staff
pages for sessions, operators (with their new API key), the inbox, devices (with their token), checks and observations;
and the API's documentation page.

Every page a browser shows passes visitor.check() (axe-core, WCAG 2.1 A/AA, and no CSP violation), except in the run
without JavaScript, which only proves the disc can be set (axe needs JavaScript).
"""

import datetime
import hashlib
import io
import re

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from eloket.city.models import Tariff, TariffHours, Zone
from eloket.payments.models import Payment, PaymentStatus, Refund
from parking_sessions import enforcement, observations, operators, reference, sessions
from parking_sessions.models import Channel, Check, Device, Inbox, Operator, ParkingSession, SessionStatus
from tests.accounts.helpers import totp_code
from tests.e2e.conftest import _visitor
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD, VehicleFactory
from tests.personas import city_admin
from tests.personas import enforcement as enforcement_officer

pytestmark = pytest.mark.django_db(transaction=True)

PLATE = "1ABC123"
SMS_PHONE = "+32470555123"
DETAIL = re.compile(r"/parkeren/([0-9a-f-]{36})/$")


@pytest.fixture
def city(demo_city, settings, live_server, media):
    """The demo city with zone C1 paid around the clock, every day, at € 2 an hour per half hour, without its free
    first hour or a maximum stay, so the journey costs the same whenever the test runs; payments go through the fake
    Mollie on the live server."""
    settings.SITE_URL = live_server.url
    settings.MOLLIE_API_ENDPOINT = live_server.url + "/fake-mollie"
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    tariff = Tariff.objects.get(zone__code="C1")
    Tariff.objects.filter(pk=tariff.pk).update(free_minutes=0, free_on_public_holidays=False, max_duration_minutes=None)
    tariff.hours.all().delete()
    midnight = datetime.time(0, 0)
    TariffHours.objects.bulk_create(TariffHours(tariff=tariff, weekday=day, start=midnight, end=midnight)
                                    for day in range(7))
    reference.forget()  # update() sends no signal: the zones and tariffs cached in this process are read again
    return demo_city


@pytest.fixture
def car(city, alice):
    """Alice's car, in her account since last year (so sessions on its plate from any channel show)."""
    vehicle = VehicleFactory(owner=alice, plate=PLATE, description="grijze Peugeot 208")
    type(vehicle).objects.filter(pk=vehicle.pk).update(created=timezone.now() - datetime.timedelta(days=365))
    return vehicle


# Steps ---------------------------------------------------------------------------------------------------------------

def submit(visitor, selector="main form button[type=submit]"):
    """Send a form that answers on the same URL (or elsewhere) and wait for the new page."""
    with visitor.page.expect_navigation() as navigation:
        visitor.page.click(selector)
    return navigation.value


def choose_and_see_the_price(visitor, zone: str, car, duration: str | None = None):
    """On the start page: the zone, the vehicle and (in a paid zone) how long; the price page opens, nothing started."""
    page = visitor.page
    page.check(f"main input[name=zone][value={zone}]")
    page.check(f"main input[name=vehicle][value='{car.pk}']")
    if duration:
        page.check(f"main input[name=duration][value='{duration}']")
    submit(visitor)
    assert page.locator("main form button[name=confirm]").count() == 1, page.locator("main").inner_text()


def pay_at_the_checkout(visitor, session: ParkingSession):
    """On the fake checkout: paid; the result page, then "Continue" back to the session's page."""
    page = visitor.page
    page.wait_for_url(re.compile(r"/fake-mollie/checkout/"))
    visitor.check()
    page.check("input[type=radio][value=paid]")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/betalen/[0-9a-f-]{36}/$"))
    visitor.check()
    page.click(f"main a[href='/parkeren/{session.uuid}/']")
    page.wait_for_url(re.compile(rf"/parkeren/{session.uuid}/$"))
    visitor.check()


def newest_session() -> ParkingSession:
    return ParkingSession.objects.order_by("-pk").first()


# 1. A paid zone: price first, pay, extend (pay again), stop ------------------------------------------------------

def test_start_pay_extend_and_stop_a_paid_session(visitor, car, alice):
    page = visitor.page
    log_in(visitor, alice)
    panel = page.locator("main a[href='/parkeren/starten/']")  # the "Parking" panel of Mijn loket
    assert panel.count() >= 1 and page.locator("main a[href='/parkeren/']").count() >= 1
    panel.first.click()
    page.wait_for_url(re.compile(r"/parkeren/starten/$"))
    visitor.check()

    choose_and_see_the_price(visitor, "C1", car, duration="120")
    visitor.check()
    assert page.locator("main input[name=amount]").get_attribute("value") == "4.00"  # 2 hours at € 2, shown first
    assert "4,00" in page.locator("main button[name=confirm]").inner_text()
    assert not ParkingSession.objects.exists()

    page.click("main button[name=confirm]")
    page.wait_for_url(re.compile(r"/fake-mollie/checkout/"))
    session = ParkingSession.objects.get()
    assert (session.status, session.price, session.channel) == (SessionStatus.AWAITING_PAYMENT, 4, Channel.WEB)
    pay_at_the_checkout(visitor, session)
    session.refresh_from_db()
    assert session.status == SessionStatus.ACTIVE
    main = page.locator("main")
    assert gettext("Cost so far") in main.inner_text() and "1-ABC-123" in main.inner_text()
    assert page.locator("main #session-status[hx-get]").count() == 1  # the running cost refreshes itself

    # Extend by an hour: its price next to it, paid like a new session; the page then shows both parts.
    page.click(f"main a[href='/parkeren/{session.uuid}/verlengen/']")
    page.wait_for_url(re.compile(rf"/parkeren/{session.uuid}/verlengen/$"))
    visitor.check()
    hour = page.locator("main input[name=minutes][value='60']")
    assert "2,00" in page.locator(f"main label[for='{hour.get_attribute('id')}']").inner_text()  # an hour: € 2
    hour.check()
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/fake-mollie/checkout/"))
    extension = newest_session()
    assert extension.pk != session.pk and extension.starts_at == session.ends_at and extension.price == 2
    pay_at_the_checkout(visitor, extension)
    extension.refresh_from_db()
    assert extension.status == SessionStatus.ACTIVE
    assert page.locator("main table tbody tr").count() == 2  # the session and its extension

    # Stop now: the page says what goes back first; both parts end and what was not parked is refunded.
    page.click(f"main a[href='/parkeren/{extension.uuid}/stoppen/']")
    page.wait_for_url(re.compile(rf"/parkeren/{extension.uuid}/stoppen/$"))
    visitor.check()
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/parkeren/{extension.uuid}/$"))
    visitor.check()
    assert set(ParkingSession.objects.values_list("status", flat=True)) == {SessionStatus.ENDED}
    assert page.locator(f"main a[href='/parkeren/{extension.uuid}/stoppen/']").count() == 0
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 2
    assert Refund.objects.count() == 2  # the unused part of the first hours, and the extension that never began

    visitor.visit("/parkeren/")
    assert page.locator("main table tbody tr").count() == 2


# 2. A blue zone: a digital parking disc ------------------------------------------------------------------------

def test_set_and_stop_a_digital_parking_disc(visitor, car, alice):
    page = visitor.page
    log_in(visitor, alice)
    visitor.visit("/parkeren/starten/?zone=B1")
    assert page.locator("main input[name=zone][value=B1]").is_checked()

    choose_and_see_the_price(visitor, "B1", car)
    visitor.check()
    assert page.locator("main input[name=amount]").get_attribute("value") in ("0", "0.00")
    page.click("main button[name=confirm]")
    page.wait_for_url(DETAIL)
    visitor.check()
    disc = ParkingSession.objects.get()
    assert disc.is_disc and disc.status == SessionStatus.ACTIVE and disc.price == 0
    assert disc.starts_at.minute % 30 == 0  # the arrival, set to the next half hour
    assert not Payment.objects.exists()
    assert page.locator(f"main a[href='/parkeren/{disc.uuid}/verlengen/']").count() == 0  # a disc is not extended

    page.click(f"main a[href='/parkeren/{disc.uuid}/stoppen/']")
    page.wait_for_url(re.compile(rf"/parkeren/{disc.uuid}/stoppen/$"))
    visitor.check()
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/parkeren/{disc.uuid}/$"))
    visitor.check()
    disc.refresh_from_db()
    assert disc.status == SessionStatus.ENDED


# 3. A session started by SMS on her plate: listed, read-only ---------------------------------------------------

def test_the_list_shows_an_sms_session_on_her_plate_read_only(visitor, car, alice):
    sms = sessions.start_session(plate=PLATE, zone=Zone.objects.get(code="C1"), channel="sms", phone=SMS_PHONE,
                                 starts_at=timezone.now() - datetime.timedelta(minutes=20))
    page = visitor.page
    log_in(visitor, alice)
    assert page.locator(f"main a[href='/parkeren/{sms.uuid}/']").count() == 1  # on the panel too

    visitor.visit("/parkeren/")
    row = page.locator("main table tbody tr")
    assert row.count() == 1
    cells = row.inner_text()
    assert "1-ABC-123" in cells and gettext("SMS") in cells and gettext("read only") in cells

    row.locator(f"a[href='/parkeren/{sms.uuid}/']").click()
    page.wait_for_url(re.compile(rf"/parkeren/{sms.uuid}/$"))
    visitor.check()
    main = page.locator("main")
    assert main.locator("a[href$='/verlengen/'], a[href$='/stoppen/'], form[action$='/annuleren/']").count() == 0
    assert gettext("You started this session by SMS. You see it here, but you change or stop it by SMS: send Q to "
                   "stop it.") in main.inner_text()


# 4. A phone, and no JavaScript ---------------------------------------------------------------------------------

def test_the_start_page_and_the_session_page_fit_a_phone(phone, car, alice):
    page = phone.page
    log_in(phone, alice)
    phone.visit("/parkeren/starten/")
    assert phone.fits_width()
    choose_and_see_the_price(phone, "C1", car, duration="60")
    phone.check()
    assert phone.fits_width()
    page.click("main button[name=change]")  # back to the form, with what she chose
    page.wait_for_load_state("load")
    phone.check()
    assert page.locator("main input[name=zone][value=C1]").is_checked()

    choose_and_see_the_price(phone, "B1", car)
    page.click("main button[name=confirm]")
    page.wait_for_url(DETAIL)
    phone.check()
    assert phone.fits_width()
    phone.visit("/parkeren/")
    assert phone.fits_width()


def test_a_disc_is_set_without_javascript(no_js, car, alice):
    """axe needs JavaScript, so this run only proves the forms work; the scans run in the tests above."""
    page = no_js.page
    page.goto(no_js.base_url + "/account/login/")
    page.fill("input[name=login]", alice.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))

    page.goto(no_js.base_url + "/parkeren/starten/")
    page.check("main input[name=zone][value=B1]")
    page.check(f"main input[name=vehicle][value='{car.pk}']")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert gettext("Set the parking disc") in page.locator("main button[name=confirm]").inner_text()
    page.click("main button[name=confirm]")
    page.wait_for_url(DETAIL)
    disc = ParkingSession.objects.get()
    assert disc.is_disc and disc.status == SessionStatus.ACTIVE
    text = page.locator("main").inner_text()
    assert "B1" in text and "1-ABC-123" in text
    assert gettext("Your digital parking disc is set. You put nothing behind the windscreen.") in text


# 5. The staff pages --------------------------------------------------------------------------------------------

def jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 124, 128)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_the_staff_pages_pass_the_scan_and_show_a_new_key_and_token_once(visitor, browser, live_server, car):
    ida = city_admin()
    page = visitor.page
    log_in(visitor, ida, code=totp_code(ida.totp_secret))

    # A new parking-app operator: its API key is shown once, only its hash is kept.
    visitor.visit("/admin/parking_sessions/operator/add/")
    page.fill("input[name=name]", "4411")
    page.fill("input[name=code]", "4411")
    response = submit(visitor, "#content form [type=submit][name=_save]")
    visitor.check()
    assert "no-store" in response.headers["cache-control"]  # no copy in the browser's or a proxy's cache
    key = page.locator("#content code").inner_text().strip()
    operator = Operator.objects.get(code="4411")
    assert operator.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in str(Operator.objects.values().get())
    visitor.visit(f"/admin/parking_sessions/operator/{operator.pk}/change/")
    assert key not in page.content() and key[:8] in page.content()  # only the start, to recognise it

    # The action on the list issues a new key; the old one stops working.
    visitor.visit("/admin/parking_sessions/operator/")
    page.check(f"#result_list input[name=_selected_action][value='{operator.pk}']")
    page.select_option("select[name=action]", "issue_keys")
    submit(visitor, "#changelist-form button[name=index]")
    visitor.check()
    new_key = page.locator("#content code").inner_text().strip()
    assert new_key != key and operators.operator_for_key(new_key) == operator and operators.operator_for_key(key) is None

    # A new scan car: its token is shown once, in a read-only field with its label.
    visitor.visit("/admin/parking_sessions/device/add/")
    page.fill("input[name=name]", "Scanwagen 1")
    response = submit(visitor, "#content form [type=submit][name=_save]")
    visitor.check()
    assert "no-store" in response.headers["cache-control"]
    token = page.locator("#content input#device-token").input_value()
    device = Device.objects.get(name="Scanwagen 1")
    assert device.token_hash == hashlib.sha256(token.encode()).hexdigest()
    visitor.visit(f"/admin/parking_sessions/device/{device.pk}/change/")
    assert token not in page.content()

    # What the channels and the scan car leave behind, for the pages to show.
    c1 = Zone.objects.get(code="C1")
    now = timezone.now()
    operators.accept_create(operator, {"registration_number": PLATE, "zone": "C1",
                                       "time_start": now - datetime.timedelta(minutes=30)}, "order-1")
    app_session = ParkingSession.objects.get(channel=Channel.APP)  # the inbox row was processed (tasks run inline)
    inbox = Inbox.objects.get()
    enforcement.check(PLATE, c1, device=device)
    observation, _created = observations.record(device, external_id="obs-1", plate=PLATE, zone=c1,
                                                observed_at=now - datetime.timedelta(minutes=5), place="Stadsplein 4",
                                                photos=[observations.Photo(jpeg())])
    check = Check.objects.order_by("pk").first()  # the check, and the one the observation made

    for path in (
        "/admin/parking_sessions/", "/admin/parking_sessions/parkingsession/",
        f"/admin/parking_sessions/parkingsession/{app_session.pk}/change/",
        "/admin/parking_sessions/parkingsession/?q=1-abc-123",
        "/admin/parking_sessions/operator/", f"/admin/parking_sessions/operator/{operator.pk}/change/",
        "/admin/parking_sessions/inbox/", f"/admin/parking_sessions/inbox/{inbox.pk}/change/",
        "/admin/parking_sessions/inbox/?state=done",
        "/admin/parking_sessions/device/", f"/admin/parking_sessions/device/{device.pk}/change/",
    ):
        visitor.visit(path)
        assert visitor.page.url == visitor.base_url + path, f"{path} was refused: it sent us to {visitor.page.url}"

    # Enforcement reads the checks and observations (the city admin has no access to them).
    erik = enforcement_officer()
    context, staff = _visitor(browser, live_server, viewport={"width": 1280, "height": 900})
    try:
        log_in(staff, erik, code=totp_code(erik.totp_secret))
        for path in (
            "/admin/parking_sessions/device/", "/admin/parking_sessions/check/",
            f"/admin/parking_sessions/check/{check.pk}/change/", "/admin/parking_sessions/observation/",
            f"/admin/parking_sessions/observation/{observation.pk}/change/",
        ):
            staff.visit(path)
            assert staff.page.url == staff.base_url + path, f"{path} was refused: it sent us to {staff.page.url}"
        photo = staff.page.locator("#content a[href*='/photos/']")
        response = staff.page.request.get(staff.base_url + photo.get_attribute("href"))
        assert response.status == 200 and response.body().startswith(b"\xff\xd8")
    finally:
        context.close()


# 6. The API documentation --------------------------------------------------------------------------------------

def test_the_api_reference_names_every_endpoint_and_passes_axe(visitor, city):
    visitor.visit("/api/v1/docs")
    text = visitor.page.locator("main").inner_text()
    for tag in ("SMS gateway", "Parking-app operators", "Enforcement"):
        assert tag in text, tag
    for path in ("/api/v1/sms/inbound", "/api/v1/operator/parking/", "/api/v1/enforcement/check"):
        assert path in text, path
    visitor.page.click("main nav a[href='#schemas']")
    assert visitor.page.locator("#schema-ParkingIn").is_visible()
    assert not visitor.csp_violations, visitor.csp_violations


def test_the_api_reference_fits_a_phone(phone, city):
    phone.visit("/api/v1/docs")
    assert phone.fits_width()
