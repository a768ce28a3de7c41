"""Reminders the day before an appointment, by email (and SMS when the citizen asked for it), each sent once.

Beat runs `send_reminders` every quarter of an hour; from remind_from() on the day before, every booked appointment of
the next day that has not been reminded is claimed with a conditional UPDATE on `reminded_at` and its messages are
queued in that same transaction: two runs at once (or a run repeated) never remind anybody twice. Rescheduling clears
`reminded_at` (booking.reschedule), so a moved appointment is reminded of its new day.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import notices, slots
from .models import Appointment, AppointmentStatus


def remind_from() -> datetime.time:
    """The local time from which tomorrow's reminders go out (APPOINTMENT_REMINDER_FROM, HH:MM)."""
    return datetime.time.fromisoformat(settings.APPOINTMENT_REMINDER_FROM)


def due(now: datetime.datetime):
    """Booked appointments of tomorrow (Brussels) not reminded yet; nothing before remind_from()."""
    local = timezone.localtime(now, slots.brussels())
    if local.time() < remind_from():
        return Appointment.objects.none()
    tomorrow = local.date() + datetime.timedelta(days=1)
    first = slots.wall_clock(tomorrow, datetime.time.min)
    last = slots.wall_clock(tomorrow + datetime.timedelta(days=1), datetime.time.min)
    return Appointment.objects.filter(status=AppointmentStatus.BOOKED, reminded_at__isnull=True,
                                      starts_at__gte=first, starts_at__lt=last)


def send_reminders(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    for pk in due(now).order_by("starts_at", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Appointment.objects.filter(pk=pk, status=AppointmentStatus.BOOKED,
                                                 reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:
                continue  # another run reminded it a moment ago, or it was cancelled meanwhile
            notices.reminder(Appointment.objects.select_related("location", "topic", "citizen").get(pk=pk))
        sent += 1
    return sent
