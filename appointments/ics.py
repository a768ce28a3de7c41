"""The .ics file of an appointment (RFC 5545), for the emails and the download.

One UID per appointment (reference@site host), so a calendar updates the same event when it moves or is cancelled;
SEQUENCE grows with every change (the number of history events). Times are written as Europe/Brussels wall-clock
times with their VTIMEZONE, so a calendar shows 09:00 also across the switch to and from summer time.
"""

import datetime
import functools
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from . import slots
from .models import Appointment, AppointmentStatus

REQUEST = "REQUEST"
CANCEL = "CANCEL"
# A download is no invitation (iTIP): PUBLISH lets any calendar import it.
PUBLISH = "PUBLISH"
MIMETYPE = "text/calendar"
PRODID = "-//eloket//appointments//NL"


def uid(appointment: Appointment) -> str:
    return f"{appointment.reference}@{urlsplit(settings.SITE_URL).hostname or 'eloket'}"


def filename(appointment: Appointment) -> str:
    return f"afspraak-{appointment.reference}.ics"


def sequence(appointment: Appointment) -> int:
    return max(appointment.events.count() - 1, 0)


@functools.lru_cache(maxsize=8)
def _vtimezone(year: int) -> bytes:
    # Building a VTIMEZONE walks the zone's transitions: once per year is enough, and three years cover any booking.
    zone = Timezone.from_tzid(settings.TIME_ZONE, first_date=datetime.date(year - 1, 1, 1),
                              last_date=datetime.date(year + 1, 12, 31))
    return zone.to_ical()


def _organizer():
    from eloket.city.reference import city_profile

    city = city_profile()
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    address = (city.email if city and city.email else address) or "noreply@eloket.example"
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(city.name if city else (name or "eloket"))
    return organizer


def _description(appointment: Appointment) -> str:
    lines = [_("Reference: %(reference)s") % {"reference": appointment.reference}, appointment.topic.name]
    if appointment.topic.description:
        lines += ["", _("What to bring:"), appointment.topic.description]
    if appointment.location.directions:
        lines += ["", _("How to find us:"), appointment.location.directions]
    return "\n".join(lines)


def calendar(appointment: Appointment, method: str = REQUEST) -> bytes:
    """The appointment as an iCalendar file; CANCEL (or a cancelled appointment) cancels the event."""
    with translation.override(appointment.language or settings.LANGUAGE_CODE):
        cancelled = method == CANCEL or appointment.status == AppointmentStatus.CANCELLED
        zone = slots.brussels()
        starts, ends = timezone.localtime(appointment.starts_at, zone), timezone.localtime(appointment.ends_at, zone)
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", method)
        cal.add_component(Timezone.from_ical(_vtimezone(starts.year)))
        event = Event()
        event.add("uid", uid(appointment))
        event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
        event.add("dtstart", starts)
        event.add("dtend", ends)
        event.add("sequence", sequence(appointment))
        event.add("summary", _("Appointment at the parking counter: %(topic)s") % {"topic": appointment.topic.name})
        event.add("location", f"{appointment.location.name}, {appointment.location.address}")
        event.add("description", _description(appointment))
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("transp", "OPAQUE")
        if method != PUBLISH:
            event.add("organizer", _organizer())
            if appointment.email:
                attendee = vCalAddress(f"mailto:{appointment.email}")
                attendee.params.update({"cn": vText(appointment.name), "role": "REQ-PARTICIPANT",
                                        "partstat": "ACCEPTED", "rsvp": "FALSE"})
                event.add("attendee", attendee)
        cal.add_component(event)
        return cal.to_ical()
