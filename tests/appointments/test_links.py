"""The signed links in the emails: confirm a guest's booking, manage (reschedule, cancel) without logging in.

A link opens the appointment for that browser only and redirects to a clean URL; a tampered, expired, reused-for-
another-purpose or revoked link (the appointment's secret rotated) is refused with a clear page, never a 500.
"""

import time

import pytest
from django.core import signing
from django.urls import reverse

from appointments import booking, links
from appointments.models import AppointmentStatus, Slot
from eloket.notifications.models import OutboundMessage

from .helpers import book_as_guest, free_times, link_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def guest_booking(client, location, topic):
    return book_as_guest(client, topic, free_times(location, topic)[0].starts_at)


def test_the_confirmation_link_opens_a_page_whose_button_confirms(client, guest_booking):
    path = link_in(OutboundMessage.objects.get(template="appointments/confirm_email"), "confirm")
    fresh = type(client)()  # another browser: the guest reads the email on the phone

    opened = fresh.get(path)

    assert opened.status_code == 302 and opened["Location"] == reverse("appointments:verify", args=[guest_booking.pk])
    assert opened["Referrer-Policy"] == "no-referrer"
    page = fresh.get(opened["Location"])
    assert page.status_code == 200 and "Confirm my appointment" in page.content.decode()
    assert booking.Appointment.objects.get().status == AppointmentStatus.UNCONFIRMED  # opening confirms nothing

    done = fresh.post(opened["Location"], follow=True)

    assert "your appointment is confirmed" in done.content.decode()
    appointment = booking.Appointment.objects.get()
    assert appointment.status == AppointmentStatus.BOOKED and appointment.confirmed_at
    booked = OutboundMessage.objects.get(template="appointments/booked")
    assert booked.recipient == "gert@example.org" and booked.attachments.count() == 1
    assert "Confirm my appointment" not in fresh.get(opened["Location"], follow=True).content.decode()


def test_the_manage_link_lets_a_guest_cancel_without_an_account(client, guest_booking):
    booking.confirm(guest_booking)
    path = link_in(OutboundMessage.objects.get(template="appointments/booked"), "manage")
    browser = type(client)()
    opened = browser.get(path)
    assert opened["Location"] == reverse("appointments:detail", args=[guest_booking.pk])
    page = browser.get(opened["Location"]).content.decode()
    assert reverse("appointments:cancel", args=[guest_booking.pk]) in page

    browser.post(reverse("appointments:cancel", args=[guest_booking.pk]))

    assert booking.Appointment.objects.get().status == AppointmentStatus.CANCELLED
    assert Slot.objects.get().booked == 0
    assert type(client)().get(reverse("appointments:detail", args=[guest_booking.pk])).status_code == 404


def test_a_tampered_link_is_refused_with_a_clear_page(client, guest_booking):
    token = links.token(guest_booking, links.MANAGE)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", token.replace(":", "", 1)):
        response = client.get(reverse("appointments:manage_link", args=[bad]))
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    forged = signing.dumps({"a": guest_booking.pk, "k": "0" * 20}, salt=links.salt(links.MANAGE))
    assert client.get(reverse("appointments:manage_link", args=[forged])).status_code == 400


def test_a_link_for_one_purpose_does_not_serve_another(client, guest_booking):
    confirm = links.token(guest_booking, links.CONFIRM)
    assert client.get(reverse("appointments:manage_link", args=[confirm])).status_code == 400
    assert type(client)().post(reverse("appointments:cancel", args=[guest_booking.pk])).status_code == 404


def test_an_expired_link_says_so(client, guest_booking, monkeypatch):
    token = links.token(guest_booking, links.CONFIRM)
    later = time.time() + links.MAX_AGE[links.CONFIRM].total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)  # the clock Django's signer reads, a day on
    response = client.get(reverse("appointments:confirm_link", args=[token]))
    assert response.status_code == 400 and "This link has expired" in response.content.decode()


def test_rotating_the_secret_revokes_every_link_sent_before(client, guest_booking):
    token = links.token(guest_booking, links.MANAGE)
    guest_booking.secret = "rotated-" + guest_booking.secret
    guest_booking.save(update_fields=["secret"])
    assert client.get(reverse("appointments:manage_link", args=[token])).status_code == 400
    fresh = links.token(guest_booking, links.MANAGE)
    assert client.get(reverse("appointments:manage_link", args=[fresh])).status_code == 302


def test_a_link_to_an_appointment_that_no_longer_exists_is_refused(client, location, topic, alice):
    appointment = booking.book(location, topic, free_times(location, topic)[0].starts_at,
                               booking.Booker(citizen=alice, name="Alice", email=alice.email))
    token = links.token(appointment, links.MANAGE)
    appointment.events.all().delete()
    booking.Appointment.objects.filter(pk=appointment.pk).delete()
    assert client.get(reverse("appointments:manage_link", args=[token])).status_code == 400


def test_a_confirmation_too_late_says_the_time_was_given_away(client, guest_booking):
    token = links.token(guest_booking, links.CONFIRM)
    booking.Appointment.objects.filter(pk=guest_booking.pk).update(
        created=guest_booking.created - booking.confirm_within() * 2)
    assert booking.expire_unconfirmed() == 1
    browser = type(client)()
    page = browser.get(reverse("appointments:confirm_link", args=[token]), follow=True).content.decode()
    assert "not confirmed in time" in page and reverse("appointments:book") in page
    assert booking.Appointment.objects.get().status == AppointmentStatus.CANCELLED


def test_the_link_is_not_kept_in_the_address(client, guest_booking):
    token = links.token(guest_booking, links.CONFIRM)
    response = client.get(reverse("appointments:confirm_link", args=[token]), follow=True)
    final_url, _status = response.redirect_chain[-1]
    assert token not in final_url and "link" not in final_url
