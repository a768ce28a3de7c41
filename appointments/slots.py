"""Which slots a location offers for a topic: computed from its opening hours, never stored until booked.

A day's hours are the weekly hours in force that day, unless the day is a public holiday or a closure, plus any
extra hours. Slots follow each stretch of hours from its opening time, one topic duration after another, and
must end by closing time. Times are wall-clock times in Europe/Brussels: a slot at 09:00 stays at 09:00 on the
days summer time starts and ends, and a wall-clock time that does not exist that night is skipped.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.city.models import PublicHoliday

from .models import Location, OpeningHours, Slot, SpecialDay, Topic

Stretch = tuple[datetime.time, datetime.time]


def brussels() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class FreeSlot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    free: int

    @property
    def local_start(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at, brussels())


@dataclass(frozen=True)
class Calendar:
    """A location's hours for a range of days, read in three queries."""

    hours: list[OpeningHours]
    special: dict[datetime.date, list[SpecialDay]]
    holidays: set[datetime.date]

    def stretches(self, day: datetime.date) -> list[Stretch]:
        special = self.special.get(day, [])
        closed = day in self.holidays or any(row.kind == SpecialDay.Kind.CLOSED for row in special)
        weekly = [] if closed else [
            (row.opens, row.closes) for row in self.hours
            if row.weekday == day.weekday() and row.valid_from <= day and (row.valid_to is None or day <= row.valid_to)]
        extra = [(row.opens, row.closes) for row in special if row.kind == SpecialDay.Kind.EXTRA]
        return sorted(set(weekly + extra))

    def is_open(self, day: datetime.date) -> bool:
        return bool(self.stretches(day))


def calendar(location: Location, first: datetime.date, last: datetime.date) -> Calendar:
    hours = list(location.hours.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first), valid_from__lte=last))
    special: dict[datetime.date, list[SpecialDay]] = {}
    for row in location.special_days.filter(date__range=(first, last)):
        special.setdefault(row.date, []).append(row)
    holidays = set(PublicHoliday.objects.filter(date__range=(first, last)).values_list("date", flat=True))
    return Calendar(hours, special, holidays)


def wall_clock(day: datetime.date, at: datetime.time) -> datetime.datetime | None:
    """The aware moment of a Brussels wall-clock time, or None when that time does not exist (spring forward)."""
    zone = brussels()
    moment = datetime.datetime.combine(day, at).replace(tzinfo=zone)
    if moment.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


def starts_on(day: datetime.date, stretches: Iterable[Stretch], minutes: int) -> list[datetime.datetime]:
    """Slot starts on one day: from each opening time, one duration after another, ending by closing time."""
    step = datetime.timedelta(minutes=minutes)
    starts = []
    for opens, closes in stretches:
        at = datetime.datetime.combine(day, opens)
        end_of_stretch = datetime.datetime.combine(day, closes)
        while at + step <= end_of_stretch:
            moment = wall_clock(day, at.time())
            if moment is not None:
                starts.append(moment)
            at += step
    return sorted(set(starts))


def window(location: Location, now: datetime.datetime) -> tuple[datetime.datetime, datetime.date]:
    """The earliest bookable moment and the last bookable day."""
    earliest = now + datetime.timedelta(minutes=location.min_notice_minutes)
    last_day = timezone.localdate(now, brussels()) + datetime.timedelta(days=location.book_ahead_days)
    return earliest, last_day


def taken(location: Location, topic: Topic, first: datetime.datetime, last: datetime.datetime) -> dict:
    """Booked and blocked slot rows in a range, by start."""
    rows = Slot.objects.filter(location=location, topic=topic, starts_at__gte=first, starts_at__lt=last)
    return {row.starts_at: row for row in rows}


def free_slots(location: Location, topic: Topic, first: datetime.date, days: int,
               now: datetime.datetime | None = None, *, ignore_window: bool = False) -> list[FreeSlot]:
    """The free slots from `first` for `days` days, in four queries whatever the number of days or bookings.

    `ignore_window` is for staff booking a walk-in or phone call: the minimum notice and the days ahead do not apply.
    """
    now = now or timezone.now()
    last = first + datetime.timedelta(days=days - 1)
    earliest, last_day = window(location, now)
    if ignore_window:
        earliest = now
    else:
        last = min(last, last_day)
    if last < first:
        return []
    cal = calendar(location, first, last)
    duration = datetime.timedelta(minutes=topic.duration_minutes)
    # Midnight exists every day in Brussels: summer time changes at 02:00 and 03:00.
    rows = taken(location, topic, wall_clock(first, datetime.time.min),
                 wall_clock(last + datetime.timedelta(days=1), datetime.time.min))
    result = []
    day = first
    while day <= last:
        for start in starts_on(day, cal.stretches(day), topic.duration_minutes):
            if start < earliest:
                continue
            row = rows.get(start)
            if row is not None and row.blocked:
                continue
            free = (row.capacity - row.booked) if row is not None else topic.capacity
            if free > 0:
                result.append(FreeSlot(start, start + duration, free))
        day += datetime.timedelta(days=1)
    return result


class NotBookable(Exception):
    """A chosen time that is not a slot one can book; the message says why in the user's language."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def check_start(location: Location, topic: Topic, starts_at: datetime.datetime,
                now: datetime.datetime | None = None, *, ignore_window: bool = False) -> None:
    """Raise NotBookable unless `starts_at` is a slot this location offers for this topic (capacity aside)."""
    now = now or timezone.now()
    if not (location.active and topic.active and topic.locations.filter(pk=location.pk).exists()):
        raise NotBookable(_("This topic cannot be booked at this location."), "topic")
    if starts_at <= now:
        raise NotBookable(_("This time has already passed. Choose a later time."), "past")
    earliest, last_day = window(location, now)
    day = timezone.localdate(starts_at, brussels())
    if not ignore_window:
        if starts_at < earliest:
            raise NotBookable(_("This time is too soon to book online. Choose a later time or call us."), "too_soon")
        if day > last_day:
            raise NotBookable(_("You cannot book that far ahead yet. Choose an earlier day."), "too_far")
    cal = calendar(location, day, day)
    if not cal.is_open(day):
        raise NotBookable(_("The counter is closed on that day. Choose another day."), "closed")
    if starts_at not in starts_on(day, cal.stretches(day), topic.duration_minutes):
        raise NotBookable(_("There is no appointment at that time. Choose one of the times shown."), "not_a_slot")
