"""Appointments in a browser: a guest books from the home page (topic, the plate question, another week in the slot
picker, details, confirm), confirms with the email's link and downloads the .ics; Alice books logged in, moves the
appointment and cancels it from Mijn loket; the journey fits a phone; and it works without JavaScript.

Every page a browser with JavaScript shows passes visitor.check() (axe-core, WCAG 2.1 A/AA, and no CSP violation).
The run without JavaScript proves the forms and the week links work (axe itself needs JavaScript).
"""

import datetime
import re

import icalendar
import pytest
from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus, Location, OpeningHours, Question, Topic
from eloket.notifications.models import OutboundMessage
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DETAIL = re.compile(r"/afspraak/(\d+)/$")


@pytest.fixture
def counter(demo_city, settings, live_server):
    """The city hall's counter, open every day 08:00-18:00, with a resident-card topic that asks for the plate."""
    settings.SITE_URL = live_server.url
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    hall = Location.objects.create(name_nl="Stadhuis – parkeerloket", name_en="City hall – parking counter",
                                   address="Stadsplein 1, 3600 Genk", directions_nl="Ingang links, eerste verdieping.",
                                   book_ahead_days=60, min_notice_minutes=120, change_until_minutes=1440)
    OpeningHours.objects.bulk_create(
        OpeningHours(location=hall, weekday=day, opens=datetime.time(8), closes=datetime.time(18),
                     valid_from=datetime.date(2026, 1, 1)) for day in range(7))
    card = Topic.objects.create(name_nl="Bewonerskaart", name_en="Resident card", duration_minutes=20, capacity=1,
                                description_nl="Je identiteitskaart en het inschrijvingsbewijs van de auto.",
                                links_to=Topic.Link.PERMIT)
    card.locations.add(hall)
    Question.objects.create(topic=card, kind=Question.Kind.PLATE, label_nl="Nummerplaat", label_en="Number plate",
                            required=True)
    other = Topic.objects.create(name_nl="Andere vraag", name_en="Another question", duration_minutes=15, order=5)
    other.locations.add(hall)
    return card


def submit(visitor, selector="main form button[type=submit]"):
    with visitor.page.expect_navigation():
        visitor.page.click(selector)
    visitor.check()


def choose_topic_and_answer(visitor, topic, plate="1-abc-123"):
    page = visitor.page
    visitor.check()
    page.check(f"main input[name=topic][value='{topic.pk}']")
    submit(visitor)
    question = Question.objects.get(topic=topic)
    page.fill(f"main input[name=q{question.pk}]", plate)
    submit(visitor)
    assert page.locator("main input[name=starts_at]").count() > 0


def booked_appointment(page) -> Appointment:
    return Appointment.objects.get(pk=int(DETAIL.search(page.url).group(1)))


def test_a_guest_books_confirms_by_email_and_downloads_the_calendar_file(visitor, counter, tmp_path):
    page = visitor.page
    visitor.visit("/")
    page.click("main a[href='/afspraak/']")
    page.wait_for_url(re.compile(r"/afspraak/$"))
    choose_topic_and_answer(visitor, counter)

    # htmx swaps the week; the URL follows, the page stays.
    first_day = page.locator("main fieldset legend").first.inner_text()
    page.click("#slots-later")
    page.wait_for_url(re.compile(r"\?vanaf="))
    page.wait_for_function("first => document.querySelector('main fieldset legend').innerText !== first", arg=first_day)
    visitor.check()
    assert page.locator("#slot-announce").inner_text()  # the live region tells screen readers the week changed
    chosen = page.locator("main input[name=starts_at]").first
    chosen_value = chosen.get_attribute("value")
    page.check(f"main input[name=starts_at][value='{chosen_value}']")
    submit(visitor)

    page.fill("main input[name=name]", "Gert Gast")
    page.fill("main input[name=email]", "gert@example.org")
    submit(visitor)
    assert "1-ABC-123" in page.locator("main").inner_text()
    submit(visitor, "main button[name=book]")

    page.wait_for_url(DETAIL)
    appointment = booked_appointment(page)
    assert appointment.status == AppointmentStatus.UNCONFIRMED
    assert appointment.starts_at == datetime.datetime.fromisoformat(chosen_value)
    assert "gert@example.org" in page.locator("main").inner_text()

    body = OutboundMessage.objects.get(template="appointments/confirm_email").body_text
    link = re.search(r"https?://\S+/afspraak/link/bevestigen/\S+/", body).group(0)
    page.goto(link)
    page.wait_for_url(re.compile(r"/afspraak/\d+/bevestigen/$"))
    visitor.check()
    submit(visitor)
    page.wait_for_url(DETAIL)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED

    with page.expect_download() as download:
        page.click(f"main a[href='/afspraak/{appointment.pk}/afspraak.ics']")
    path = tmp_path / "afspraak.ics"
    download.value.save_as(path)
    [event] = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert event.decoded("DTSTART") == appointment.starts_at
    assert b"TZID=Europe/Brussels" in path.read_bytes()


def test_alice_books_moves_and_cancels_from_mijn_loket(visitor, counter, alice):
    page = visitor.page
    log_in(visitor, alice)
    page.click("main a[href='/afspraak/']")
    page.wait_for_url(re.compile(r"/afspraak/$"))
    choose_topic_and_answer(visitor, counter)
    page.click("#slots-later")  # next week: far enough ahead to change it online (a day before at the latest)
    page.wait_for_url(re.compile(r"\?vanaf="))
    first_value = page.locator("main input[name=starts_at]").first.get_attribute("value")
    page.check(f"main input[name=starts_at][value='{first_value}']")
    submit(visitor)
    assert page.locator("main input[name=name]").input_value() == "Alice Peeters"  # from her profile
    submit(visitor)
    submit(visitor, "main button[name=book]")
    page.wait_for_url(DETAIL)
    appointment = booked_appointment(page)
    assert appointment.citizen == alice and appointment.status == AppointmentStatus.BOOKED

    visitor.visit("/mijn-loket/")
    page.click(f"main a[href='/afspraak/{appointment.pk}/']")
    page.wait_for_url(DETAIL)
    visitor.check()
    page.click(f"main a[href='/afspraak/{appointment.pk}/verplaatsen/']")
    page.wait_for_url(re.compile(r"/verplaatsen/$"))
    visitor.check()
    page.click("#slots-later")
    page.wait_for_url(re.compile(r"\?vanaf="))
    page.wait_for_selector("#slots-earlier")
    visitor.check()
    assert page.locator(f"main input[name=starts_at][value='{first_value}']").count() == 0  # not her own time
    second_value = page.locator("main input[name=starts_at]").first.get_attribute("value")
    page.check(f"main input[name=starts_at][value='{second_value}']")
    submit(visitor)
    page.wait_for_url(DETAIL)
    appointment.refresh_from_db()
    assert appointment.starts_at == datetime.datetime.fromisoformat(second_value)

    page.click(f"main a[href='/afspraak/{appointment.pk}/annuleren/']")
    page.wait_for_url(re.compile(r"/annuleren/$"))
    visitor.check()
    submit(visitor)
    page.wait_for_url(DETAIL)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert page.locator(f"main a[href='/afspraak/{appointment.pk}/annuleren/']").count() == 0


def test_the_journey_fits_a_phone(phone, counter):
    page = phone.page
    phone.visit("/afspraak/")
    assert phone.fits_width()
    choose_topic_and_answer(phone, counter)
    assert phone.fits_width()
    page.check("main input[name=starts_at] >> nth=0")
    submit(phone)
    assert phone.fits_width()
    page.fill("main input[name=name]", "Gert Gast")
    page.fill("main input[name=email]", "gert@example.org")
    page.fill("main input[name=phone]", "0470 12 34 56")
    page.check("main input[name=remind_by_sms]")
    submit(phone)
    assert phone.fits_width()
    submit(phone, "main button[name=book]")
    page.wait_for_url(DETAIL)
    assert phone.fits_width()
    assert booked_appointment(page).remind_by_sms


def test_booking_works_without_javascript(no_js, counter, alice):
    page = no_js.page
    page.goto(no_js.base_url + "/account/login/")
    page.fill("input[name=login]", alice.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/mijn-loket/$"))

    page.goto(no_js.base_url + "/afspraak/")
    page.check(f"main input[name=topic][value='{counter.pk}']")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.fill(f"main input[name=q{Question.objects.get(topic=counter).pk}]", "1ABC123")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    with page.expect_navigation():
        page.click("#slots-later")  # a plain link without JavaScript
    assert "vanaf=" in page.url
    later = timezone.localdate() + datetime.timedelta(days=1)
    value = page.locator("main input[name=starts_at]").first.get_attribute("value")
    assert timezone.localdate(datetime.datetime.fromisoformat(value)) > later
    page.check(f"main input[name=starts_at][value='{value}']")
    for _step in ("slot", "contact"):
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    with page.expect_navigation():
        page.click("main button[name=book]")
    page.wait_for_url(DETAIL)
    appointment = booked_appointment(page)
    assert appointment.citizen == alice and appointment.status == AppointmentStatus.BOOKED
    assert appointment.answers[str(Question.objects.get(topic=counter).pk)]["value"] == "1ABC123"
