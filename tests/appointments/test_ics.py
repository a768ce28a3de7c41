"""The .ics file parses, names Europe/Brussels with its VTIMEZONE, and keeps the wall-clock time across summer time."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from appointments import booking, ics
from appointments.models import OpeningHours, SpecialDay

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime.datetime(2026, 3, 2, 8, tzinfo=BRUSSELS)

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def event_of(content: bytes):
    calendar = icalendar.Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def booked(location, topic, settings):
    settings.SITE_URL = "https://eloket.genk.example"
    return booking.book(location, topic, at(2026, 3, 27, 9), booking.Booker(name="Gert", email="gert@example.org"),
                        now=NOW)


def test_it_parses_and_holds_the_brussels_time_zone(booked):
    content = ics.calendar(booked)
    calendar, event = event_of(content)
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Brussels"
    assert b"DTSTART;TZID=Europe/Brussels:20260327T090000" in content
    assert b"DTEND;TZID=Europe/Brussels:20260327T092000" in content
    start = event.decoded("DTSTART")
    assert start == at(2026, 3, 27, 9) and start.utcoffset() == datetime.timedelta(hours=1)
    assert str(event["UID"]) == f"{booked.reference}@eloket.genk.example"
    assert event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
    assert "Bewonerskaart" in str(event["SUMMARY"])  # in the appointment's language (Dutch)
    assert "Stadsplein 1" in str(event["LOCATION"]) and booked.reference in str(event["DESCRIPTION"])
    assert str(event["ATTENDEE"]) == "mailto:gert@example.org"


def test_the_local_time_is_right_on_both_sides_of_the_summer_time_switch(location, topic):
    # Friday 27 March 2026 is winter time (UTC+1); Monday 30 March summer time (UTC+2); Monday 26 October winter again.
    guest = booking.Booker(name="Gert", email="gert@example.org")
    before = booking.book(location, topic, at(2026, 3, 27, 9), guest, now=NOW)
    after = booking.book(location, topic, at(2026, 3, 30, 9), guest, now=NOW)
    autumn = booking.book(location, topic, at(2026, 10, 26, 9), guest, now=at(2026, 10, 20, 8))
    for appointment, offset in ((before, 1), (after, 2), (autumn, 1)):
        content = ics.calendar(appointment)
        _calendar, event = event_of(content)
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (9, 0)
        assert start.utcoffset() == datetime.timedelta(hours=offset)
        assert start == appointment.starts_at
        assert b"TZID=Europe/Brussels:" in content


def test_a_slot_in_the_night_of_the_switch_keeps_its_real_moment(location, topic):
    # Sunday 25 October 2026: 02:00-03:00 happens twice; an extra stretch from 03:00 is after the change.
    SpecialDay.objects.create(location=location, date=datetime.date(2026, 10, 25), kind=SpecialDay.Kind.EXTRA,
                              opens=datetime.time(3), closes=datetime.time(4))
    appointment = booking.book(location, topic, at(2026, 10, 25, 3), booking.Booker(name="N", email="n@example.org"),
                               now=at(2026, 10, 20, 8))
    _calendar, event = event_of(ics.calendar(appointment))
    assert event.decoded("DTSTART").astimezone(datetime.UTC) == datetime.datetime(2026, 10, 25, 2, tzinfo=datetime.UTC)


def test_sequence_grows_and_a_cancellation_cancels_the_same_event(booked):
    first = event_of(ics.calendar(booked))[1]
    moved = booking.reschedule(booked, at(2026, 3, 27, 9, 40), now=NOW)
    second = event_of(ics.calendar(moved))[1]
    cancelled = booking.cancel(moved, now=NOW)
    calendar, third = event_of(ics.calendar(cancelled, ics.CANCEL))
    assert first["UID"] == second["UID"] == third["UID"]
    assert first["SEQUENCE"] < second["SEQUENCE"] < third["SEQUENCE"]
    assert calendar["METHOD"] == "CANCEL" and third["STATUS"] == "CANCELLED"
    assert second.decoded("DTSTART") == at(2026, 3, 27, 9, 40)


def test_the_download_is_a_plain_publication(booked):
    calendar, event = event_of(ics.calendar(booked, ics.PUBLISH))
    assert calendar["METHOD"] == "PUBLISH" and "ORGANIZER" not in event and "ATTENDEE" not in event


def test_what_to_bring_and_directions_are_in_the_description(location, topic):
    topic.description_nl = "Je identiteitskaart en het inschrijvingsbewijs."
    topic.save()
    location.directions_nl = "Ingang aan de achterkant, eerste verdieping."
    location.save()
    OpeningHours.objects.filter(location=location).update(valid_from=datetime.date(2026, 1, 1))
    appointment = booking.book(location, topic, at(2026, 3, 27, 9),
                               booking.Booker(name="Gert", email="g@example.org", language="nl"), now=NOW)
    description = str(event_of(ics.calendar(appointment))[1]["DESCRIPTION"])
    assert "inschrijvingsbewijs" in description and "achterkant" in description
