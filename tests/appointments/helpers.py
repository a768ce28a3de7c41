"""Steps the appointment tests share: free times from now on (the pages use the real clock), and the journey."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from appointments import slots
from appointments.models import Appointment
from eloket.notifications.models import OutboundMessage


def free_times(location, topic, *, from_days: int = 3, days: int = 14) -> list[slots.FreeSlot]:
    """Free slots from a few days ahead, well inside the booking window and outside the change limit."""
    first = timezone.localdate() + datetime.timedelta(days=from_days)
    return slots.free_slots(location, topic, first, days)


def value(moment: datetime.datetime) -> str:
    """A time as the slot picker posts it."""
    return moment.astimezone(datetime.UTC).isoformat()


def go_to_slot(client, topic, **answers):
    """Choose the topic (and answer its questions): the slot picker is next."""
    response = client.post(reverse("appointments:book"), {"topic": topic.pk})
    if response["Location"] == reverse("appointments:questions"):
        response = client.post(reverse("appointments:questions"), answers)
    assert response.status_code == 302 and response["Location"] == reverse("appointments:slot"), response
    return response


def choose(client, moment):
    return client.post(reverse("appointments:slot"), {"starts_at": value(moment)})


GUEST = {"name": "Gert Gast", "email": "gert@example.org", "phone": "", "remind_by_sms": ""}


def book_as_guest(client, topic, moment, contact=None, **answers) -> Appointment:
    go_to_slot(client, topic, **answers)
    assert choose(client, moment)["Location"] == reverse("appointments:contact")
    assert client.post(reverse("appointments:contact"), contact or GUEST)["Location"] == reverse("appointments:confirm")
    response = client.post(reverse("appointments:confirm"), {"book": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Appointment.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def book_logged_in(client, topic, moment, contact=None, **answers) -> Appointment:
    go_to_slot(client, topic, **answers)
    assert choose(client, moment)["Location"] == reverse("appointments:contact")
    contact = contact or {"name": "Alice Peeters", "phone": "", "remind_by_sms": ""}
    assert client.post(reverse("appointments:contact"), contact)["Location"] == reverse("appointments:confirm")
    response = client.post(reverse("appointments:confirm"), {"book": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Appointment.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def link_in(message: OutboundMessage, name: str) -> str:
    """The path of the signed link in an email (confirm_link or manage_link), without the site."""
    pattern = r"https?://[^/\s]+(/(?:en/)?afspraak/link/" + ("bevestigen/" if name == "confirm" else "") + r"[^/\s]+/)"
    match = re.search(pattern, message.body_text)
    assert match, message.body_text
    return match.group(1)
