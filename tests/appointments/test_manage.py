"""One appointment on the citizen side: its page, the .ics, rescheduling and cancelling, and who may do so."""

import pytest
from django.urls import reverse

from appointments import booking, ics
from appointments.models import AppointmentStatus, Slot
from eloket.notifications.models import OutboundMessage

from .helpers import free_times, value

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def times(location, topic):
    return [slot.starts_at for slot in free_times(location, topic, days=10)]


@pytest.fixture
def mine(alice, location, topic, times):
    """Alice's booked appointment, a few days ahead."""
    return booking.book(location, topic, times[0], booking.Booker(citizen=alice, name="Alice Peeters",
                                                                   email=alice.email, language="en"))


def pages(appointment) -> dict:
    return {name: reverse(f"appointments:{name}", args=[appointment.pk])
            for name in ("detail", "reschedule", "cancel", "ics", "verify")}


def test_the_owner_sees_her_appointment_and_its_calendar_file(client, alice, mine):
    client.force_login(alice)
    page = client.get(pages(mine)["detail"])
    assert page.status_code == 200
    text = page.content.decode()
    assert mine.reference in text and "Resident card" in text and "City hall" in text
    download = client.get(pages(mine)["ics"])
    assert download.status_code == 200 and download["Content-Type"].startswith("text/calendar")
    assert f'filename="afspraak-{mine.reference}.ics"' in download["Content-Disposition"]
    assert {"private", "no-store"} <= {part.strip() for part in download["Cache-Control"].split(",")}
    assert b"BEGIN:VEVENT" in download.content and b"METHOD:PUBLISH" in download.content


@pytest.mark.parametrize("page", ["detail", "reschedule", "cancel", "ics", "verify"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_citizen_gets_404_whatever_the_method(client, bob, mine, page, method):
    client.force_login(bob)
    assert getattr(client, method)(pages(mine)[page]).status_code == 404
    assert Slot.objects.get().booked == 1 and mine.events.count() == 1


@pytest.mark.parametrize("page", ["detail", "reschedule", "cancel", "ics"])
def test_an_anonymous_visitor_gets_404(client, mine, page):
    assert client.get(pages(mine)[page]).status_code == 404


def test_a_guest_who_just_booked_sees_the_page_but_changes_nothing_without_the_email(client, location, topic, times):
    from .helpers import book_as_guest

    appointment = book_as_guest(client, topic, times[0])
    assert client.get(pages(appointment)["detail"]).status_code == 200
    assert client.get(pages(appointment)["ics"]).status_code == 200
    for name in ("reschedule", "cancel", "verify"):
        assert client.post(pages(appointment)[name]).status_code == 404
    assert booking.Appointment.objects.get().status == AppointmentStatus.UNCONFIRMED


def test_rescheduling_moves_the_appointment_and_tells_the_citizen(client, alice, mine, times):
    client.force_login(alice)
    picker = client.get(pages(mine)["reschedule"]).content.decode()
    assert value(times[1]) in picker and value(times[0]) not in picker  # the current time is not offered

    response = client.post(pages(mine)["reschedule"], {"starts_at": value(times[1])}, follow=True)

    mine.refresh_from_db()
    assert mine.starts_at == times[1] and mine.status == AppointmentStatus.BOOKED
    assert "Your appointment has moved" in response.content.decode()
    assert dict(Slot.objects.values_list("starts_at", "booked")) == {times[0]: 0, times[1]: 1}
    moved = OutboundMessage.objects.get(template="appointments/rescheduled")
    assert b"SEQUENCE:1" in bytes(moved.attachments.get().content)


def test_rescheduling_to_a_taken_time_keeps_the_old_one(client, alice, mine, times, location, topic):
    booking.book(location, topic, times[1], booking.Booker(name="Bob", email="b@example.org"))
    client.force_login(alice)
    response = client.post(pages(mine)["reschedule"], {"starts_at": value(times[1])})
    assert response.status_code == 409 and "just been taken" in response.content.decode()
    mine.refresh_from_db()
    assert mine.starts_at == times[0]
    bad = client.post(pages(mine)["reschedule"], {"starts_at": "2020-01-01T08:00:00+00:00"})
    assert bad.status_code == 200 and "already passed" in bad.content.decode()


def test_cancelling_asks_first_then_gives_the_place_back(client, alice, mine):
    client.force_login(alice)
    question = client.get(pages(mine)["cancel"])
    assert question.status_code == 200 and "Yes, cancel the appointment" in question.content.decode()
    assert booking.Appointment.objects.get().status == AppointmentStatus.BOOKED

    response = client.post(pages(mine)["cancel"], follow=True)

    assert "Your appointment is cancelled" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.CANCELLED and Slot.objects.get().booked == 0
    assert mine.events.last().actor == alice
    cancelled = OutboundMessage.objects.get(template="appointments/cancelled")
    assert b"METHOD:CANCEL" in bytes(cancelled.attachments.get().content)
    again = client.post(pages(mine)["cancel"], follow=True)
    assert "can no longer be changed" in again.content.decode()


def test_after_the_change_limit_the_page_says_to_call(client, alice, mine, location, city_contact):
    location.change_until_minutes = 60 * 24 * 30
    location.save()
    client.force_login(alice)
    page = client.get(pages(mine)["detail"]).content.decode()
    assert "too late to change or cancel this appointment online" in page
    assert "089 65 36 00" in page and "parkeren@stad.example" in page
    assert pages(mine)["cancel"] not in page
    response = client.post(pages(mine)["cancel"], follow=True)
    assert "too late" in response.content.decode()
    assert booking.Appointment.objects.get().status == AppointmentStatus.BOOKED


def test_the_calendar_file_is_the_appointments_own(client, alice, mine):
    client.force_login(alice)
    content = client.get(pages(mine)["ics"]).content
    assert ics.uid(mine).encode() in content
