"""The counter's day agenda: a location's appointments and blocked slots on one day, read in a fixed number of queries,
and what staff may still do with each appointment. The admin pages (admin_agenda.py) show this; booking.py changes it.
"""

import datetime
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import slots
from .booking import OPEN
from .models import Appointment, AppointmentStatus, Counter, Location, Slot, Topic
from .questions import answer_lines

# The admin page of what an appointment can be linked to; reversed by name so appointments imports neither app.
LINK_ADMIN_URLS = {Topic.Link.PERMIT: "admin:permits_permit_change", Topic.Link.CASE: "admin:fines_case_change"}


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """From midnight to midnight in Brussels (midnight always exists there: summer time changes at 02:00)."""
    return (slots.wall_clock(day, datetime.time.min),
            slots.wall_clock(day + datetime.timedelta(days=1), datetime.time.min))


def may_close(appointment: Appointment, now: datetime.datetime | None = None) -> bool:
    """Attended or no-show: a booked appointment, from its day on (booking.close checks the same)."""
    now = now or timezone.now()
    zone = slots.brussels()
    return (appointment.status == AppointmentStatus.BOOKED
            and timezone.localdate(now, zone) >= timezone.localdate(appointment.starts_at, zone))


def may_move(appointment: Appointment) -> bool:
    """The city can move an appointment that is still open, also one whose time has passed (a citizen running late)."""
    return appointment.status in OPEN


def may_cancel(appointment: Appointment, now: datetime.datetime | None = None) -> bool:
    """The city can cancel an open appointment until it ends; after that it is attended or a no-show."""
    return appointment.status in OPEN and appointment.ends_at > (now or timezone.now())


def linked_admin_url(appointment: Appointment) -> str | None:
    """The admin page of the permit or case the citizen linked, if any."""
    name = LINK_ADMIN_URLS.get(appointment.link_kind)
    if not name or not appointment.link_id:
        return None
    try:
        return reverse(name, args=[appointment.link_id])
    except NoReverseMatch:  # that app's admin is not installed
        return None


@dataclass(frozen=True)
class AgendaRow:
    appointment: Appointment
    answers: list[tuple[str, str]]
    link_url: str | None
    can_close: bool
    can_move: bool
    can_cancel: bool


@dataclass(frozen=True)
class DayAgenda:
    location: Location
    day: datetime.date
    counter: Counter | None
    rows: list[AgendaRow]
    cancelled: list[Appointment]
    blocked: list[Slot]

    @property
    def previous_day(self) -> datetime.date:
        return self.day - datetime.timedelta(days=1)

    @property
    def next_day(self) -> datetime.date:
        return self.day + datetime.timedelta(days=1)

    @property
    def is_open(self) -> bool:
        return slots.calendar(self.location, self.day, self.day).is_open(self.day)


def day_agenda(location: Location, day: datetime.date, counter: Counter | None = None,
               now: datetime.datetime | None = None) -> DayAgenda:
    """The day's appointments in time order (cancelled ones apart) and its blocked slots, in two queries."""
    now = now or timezone.now()
    first, last = day_bounds(day)
    appointments = (Appointment.objects.filter(location=location, starts_at__gte=first, starts_at__lt=last)
                    .select_related("topic", "counter", "citizen", "booked_by")
                    .order_by("starts_at", "counter__name", "pk"))
    if counter is not None:
        appointments = appointments.filter(counter=counter)
    rows, cancelled = [], []
    for appointment in appointments:
        if appointment.status == AppointmentStatus.CANCELLED:
            cancelled.append(appointment)
            continue
        rows.append(AgendaRow(appointment, answer_lines(appointment.answers), linked_admin_url(appointment),
                              may_close(appointment, now), may_move(appointment), may_cancel(appointment, now)))
    blocked = list(Slot.objects.filter(location=location, blocked=True, starts_at__gte=first, starts_at__lt=last)
                   .select_related("topic").order_by("starts_at", "topic__order", "pk"))
    return DayAgenda(location, day, counter, rows, cancelled, blocked)


@dataclass(frozen=True)
class SlotStart:
    """A start on a day's grid for a topic, with how many citizens are booked in it."""

    starts_at: datetime.datetime
    booked: int

    @property
    def local(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at, slots.brussels())


def blockable_starts(location: Location, topic: Topic, day: datetime.date,
                     now: datetime.datetime | None = None) -> list[SlotStart]:
    """The slot starts a clerk can still block on a day: on the topic's grid, not past, not blocked already."""
    now = now or timezone.now()
    calendar = slots.calendar(location, day, day)
    first, last = day_bounds(day)
    rows = slots.taken(location, topic, first, last)
    starts = []
    for start in slots.starts_on(day, calendar.stretches(day), topic.duration_minutes):
        row = rows.get(start)
        if start > now and not (row is not None and row.blocked):
            starts.append(SlotStart(start, row.booked if row is not None else 0))
    return starts


def to_be_cancelled(location: Location, topic: Topic, starts_at: datetime.datetime) -> list[Appointment]:
    """The appointments that blocking this slot cancels (what booking.block will cancel), for the confirmation page."""
    return list(Appointment.objects.filter(slot__location=location, slot__topic=topic, slot__starts_at=starts_at,
                                           status__in=OPEN).order_by("pk"))
