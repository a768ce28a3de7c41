"""What the citizen is told: each email in the appointment's language with the right links and .ics, and the SMS."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail

from appointments import booking
from eloket.notifications.models import OutboundMessage

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime.datetime(2026, 12, 1, 8, tzinfo=BRUSSELS)
NINE = datetime.datetime(2026, 12, 7, 9, tzinfo=BRUSSELS)

pytestmark = pytest.mark.django_db


def guest(language="en", **fields):
    return booking.Booker(name="Gert Gast", email="gert@example.org", language=language, **fields)


def only(template: str) -> OutboundMessage:
    [message] = OutboundMessage.objects.filter(template=f"appointments/{template}")
    return message


def calendar_of(message: OutboundMessage):
    attachment = message.attachments.get()
    assert attachment.mimetype.startswith("text/calendar; method=")
    return icalendar.Calendar.from_ical(bytes(attachment.content))


def test_a_guest_gets_the_confirmation_link_and_no_calendar_yet(location, topic, city_contact):
    booking.book(location, topic, NINE, guest(), needs_confirmation=True, now=NOW)
    message = only("confirm_email")
    assert message.recipient == "gert@example.org" and message.language == "en"
    assert message.subject == "Please confirm your appointment of 7 December 2026 at 09:00"
    assert "/en/afspraak/link/bevestigen/" in message.body_text and "within 30 minutes" in message.body_text
    assert "Dear Gert Gast," in message.body_text and "Monday 7 December 2026, 09:00–09:20" in message.body_text
    assert not message.attachments.exists()
    assert not OutboundMessage.objects.filter(template="appointments/booked").exists()


def test_the_booking_email_carries_the_invitation_and_the_manage_link(location, topic, city_contact,
                                                                      django_capture_on_commit_callbacks):
    topic.description_en = "Your registration certificate."
    topic.save()
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booking.book(location, topic, NINE, guest(), now=NOW)
    message = only("booked")
    assert message.subject == "Your appointment of 7 December 2026 at 09:00 is booked"
    assert "/en/afspraak/link/" in message.body_text and appointment.reference in message.body_text
    assert "Your registration certificate." in message.body_text and "City hall" in message.body_text
    assert "until Sunday 6 December 2026 at 09:00" in message.body_text  # the change limit: a day before
    assert "089 65 36 00" in message.body_text
    assert appointment.reference in message.body_html and "<table" in message.body_html
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "REQUEST"
    [email] = mail.outbox
    [(name, content, mimetype)] = email.attachments
    assert name == f"afspraak-{appointment.reference}.ics" and mimetype == "text/calendar; method=REQUEST"
    assert "BEGIN:VEVENT" in content


def test_a_dutch_booking_is_told_in_dutch(location, topic):
    booking.book(location, topic, NINE, guest(language="nl"), now=NOW)
    message = only("booked")
    assert message.language == "nl" and "Bewonerskaart" in message.body_text and "Stadhuis" in message.body_text
    assert "/afspraak/link/" in message.body_text and "/en/" not in message.body_text


def test_rescheduling_and_cancelling_send_the_same_event_updated(location, topic):
    appointment = booking.book(location, topic, NINE, guest(), now=NOW)
    booking.reschedule(appointment, NINE + datetime.timedelta(minutes=40), now=NOW)
    booking.cancel(appointment, now=NOW)
    booked, moved, cancelled = (calendar_of(only(name)) for name in ("booked", "rescheduled", "cancelled"))
    events = [calendar.walk("VEVENT")[0] for calendar in (booked, moved, cancelled)]
    assert len({str(event["UID"]) for event in events}) == 1
    assert [event["SEQUENCE"] for event in events] == sorted({event["SEQUENCE"] for event in events})
    assert cancelled["METHOD"] == "CANCEL"
    assert "moved to 7 December 2026 at 09:40" in only("rescheduled").subject


def test_when_the_city_cancels_the_citizen_reads_why_and_how_to_book_again(location, topic, carla, city_contact):
    booking.book(location, topic, NINE, guest(), now=NOW)
    booking.block(location, topic, NINE, reason="Power cut at the city hall", actor=carla)
    message = only("cancelled_by_city")
    assert "The reason: Power cut at the city hall" in message.body_text
    assert "/en/afspraak/" in message.body_text and "089 65 36 00" in message.body_text
    assert calendar_of(message)["METHOD"] == "CANCEL"


def test_an_unconfirmed_guest_who_cancels_is_not_told_of_a_booking_that_never_stood(location, topic):
    appointment = booking.book(location, topic, NINE, guest(), needs_confirmation=True, now=NOW)
    booking.cancel(appointment, now=NOW)
    assert not OutboundMessage.objects.filter(template="appointments/cancelled").exists()


def test_a_phone_booking_without_email_sends_nothing_and_fails_nothing(location, topic, carla):
    booker = booking.Booker(name="Jef", phone="0470 11 22 33")
    appointment = booking.book(location, topic, NINE, booker, staff=carla, channel="phone", now=NOW)
    booking.cancel(appointment, by_city=True, actor=carla, reason="Ziek")
    assert not OutboundMessage.objects.exists()


def test_the_reminder_goes_by_sms_only_when_asked_and_possible(location, topic, sms_outbox,
                                                               django_capture_on_commit_callbacks):
    from appointments import notices

    by_sms = booking.book(location, topic, NINE, guest(phone="0470 12 34 56", remind_by_sms=True), now=NOW)
    email_only = booking.book(location, topic, NINE + datetime.timedelta(minutes=20), guest(phone="0470 12 34 56"),
                              now=NOW)
    broken = booking.book(location, topic, NINE + datetime.timedelta(minutes=40),
                          guest(phone="not a number", remind_by_sms=True), now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        for appointment in (by_sms, email_only, broken):
            notices.reminder(appointment)
    reminders = OutboundMessage.objects.filter(template="appointments/reminder")
    assert sorted(reminders.values_list("channel", flat=True)) == ["email", "email", "email", "sms"]
    [sms] = sms_outbox
    assert sms.to == "+32470123456"
    assert "reminder of your appointment at the parking counter tomorrow 07/12 at 09:00, City hall" in sms.text
    assert by_sms.reference in sms.text
