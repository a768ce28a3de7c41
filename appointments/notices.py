"""What citizens are told about their appointment: by email (with an .ics file) and, for reminders, by SMS.

Each function queues its messages with eloket.notifications.dispatch.notify in the caller's transaction (booking.py
calls them inside its own), in the appointment's language, to the email address and phone number the appointment
holds. An appointment booked by phone without an email address gets no email; nothing fails because of it.
The links in the emails are signed (links.py): they work without logging in.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from eloket.accounts import phone as phones
from eloket.notifications import notify

from . import booking, ics, links, slots
from .models import Appointment
from .questions import answer_lines

logger = logging.getLogger(__name__)

EMAIL, SMS = "email", "sms"


def _book_url(language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse("appointments:book")


def _context(appointment: Appointment, **extra) -> dict:
    zone = slots.brussels()
    language = appointment.language or settings.LANGUAGE_CODE
    change_until = appointment.starts_at - datetime.timedelta(minutes=appointment.location.change_until_minutes)
    return {"appointment": appointment, "name": appointment.name, "reference": appointment.reference,
            "starts": timezone.localtime(appointment.starts_at, zone), "ends": timezone.localtime(appointment.ends_at, zone),
            "change_until": timezone.localtime(change_until, zone), "answers": answer_lines(appointment.answers),
            "book_url": _book_url(language), **extra}


def _calendar(appointment: Appointment, method: str) -> list[tuple[str, bytes, str]]:
    return [(ics.filename(appointment), ics.calendar(appointment, method), f"{ics.MIMETYPE}; method={method}")]


def _sms_number(appointment: Appointment) -> str:
    """The appointment's phone number when it can receive an SMS, else "" (never raises, never logs the number)."""
    if not appointment.phone:
        return ""
    try:
        return phones.validate(appointment.phone)
    except ValidationError:
        logger.warning("Appointment %s has a phone number that cannot receive an SMS", appointment.pk)
        return ""


def _send(appointment: Appointment, template: str, *, context: dict, channels=(EMAIL,), attachments=()) -> None:
    phone = _sms_number(appointment) if SMS in channels else ""
    channels = [channel for channel in channels if channel != SMS or phone]
    if not appointment.email:
        channels = [channel for channel in channels if channel != EMAIL]
    if not channels:
        return
    notify(appointment.citizen, template=f"appointments/{template}", context=context, channels=channels,
           email=appointment.email, phone=phone, language=appointment.language or settings.LANGUAGE_CODE,
           related=appointment, attachments=attachments)


def confirm_email(appointment) -> None:
    """A guest booked online: the email with the link that confirms the booking."""
    deadline = timezone.localtime(appointment.created + booking.confirm_within(), slots.brussels())
    _send(appointment, "confirm_email", context=_context(
        appointment, confirm_url=links.url(appointment, links.CONFIRM), confirm_before=deadline,
        confirm_minutes=int(booking.confirm_within().total_seconds() // 60)))


def booked(appointment) -> None:
    """The booking stands: confirmation email with the .ics attachment and the links to change or cancel."""
    _send(appointment, "booked", context=_context(appointment, manage_url=links.url(appointment, links.MANAGE)),
          attachments=_calendar(appointment, ics.REQUEST))


def rescheduled(appointment) -> None:
    """The appointment moved: the new time, with a new .ics (same UID, higher SEQUENCE)."""
    _send(appointment, "rescheduled", context=_context(appointment, manage_url=links.url(appointment, links.MANAGE)),
          attachments=_calendar(appointment, ics.REQUEST))


def cancelled(appointment) -> None:
    """The citizen cancelled: a short confirmation (with a cancelling .ics)."""
    _send(appointment, "cancelled", context=_context(appointment), attachments=_calendar(appointment, ics.CANCEL))


def cancelled_by_city(appointment) -> None:
    """The city cancelled (a blocked slot, a closure): the reason and how to book again."""
    _send(appointment, "cancelled_by_city", context=_context(appointment, reason=appointment.cancel_reason),
          attachments=_calendar(appointment, ics.CANCEL))


def reminder(appointment) -> None:
    """The day before: by email, and by SMS when the citizen asked for it."""
    channels = (EMAIL, SMS) if appointment.remind_by_sms else (EMAIL,)
    _send(appointment, "reminder", channels=channels,
          context=_context(appointment, manage_url=links.url(appointment, links.MANAGE)))
