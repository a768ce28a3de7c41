"""When staff answer live: the city's office hours per weekday, closed on its public holidays, in Europe/Brussels.

Every moment is compared as an aware datetime built for its own calendar day, so a day on which the clocks change
keeps its opening times on the wall clock (09:00 is 09:00 in March and in October).
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from eloket.city.models import PublicHoliday, Weekday

from .models import OfficeHours

# How far ahead the next opening is looked for; a city closed longer than this shows no date.
HORIZON_DAYS = 21


@dataclass(frozen=True)
class ChatHours:
    """Whether staff answer live now, until when, and (when closed) when they answer again."""

    is_open: bool
    closes_at: datetime.datetime | None
    next_opening: datetime.datetime | None


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _periods(day: datetime.date, week: dict[int, list[tuple[datetime.time, datetime.time]]]):
    zone = _zone()
    for opens, closes in week.get(day.weekday(), []):
        yield datetime.datetime.combine(day, opens, tzinfo=zone), datetime.datetime.combine(day, closes, tzinfo=zone)


def chat_hours(at: datetime.datetime | None = None) -> ChatHours:
    """Open now or not, and the next opening; two queries (office hours and the holidays ahead)."""
    at = at or timezone.now()
    today = at.astimezone(_zone()).date()
    week: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for row in OfficeHours.objects.order_by("weekday", "opens"):
        week.setdefault(row.weekday, []).append((row.opens, row.closes))
    holidays = set(PublicHoliday.objects.filter(date__gte=today, date__lte=today + datetime.timedelta(days=HORIZON_DAYS))
                   .values_list("date", flat=True))
    for offset in range(HORIZON_DAYS + 1):
        day = today + datetime.timedelta(days=offset)
        if day in holidays:
            continue
        for opens, closes in _periods(day, week):
            if opens <= at < closes:
                return ChatHours(True, closes, None)
            if opens > at:
                return ChatHours(False, None, opens)
    return ChatHours(False, None, None)


def is_open(at: datetime.datetime | None = None) -> bool:
    return chat_hours(at).is_open


def next_opening(at: datetime.datetime | None = None) -> datetime.datetime | None:
    """The next moment staff answer live, after `at`; None when open now or nothing is planned within three weeks."""
    return chat_hours(at).next_opening


def week_schedule() -> list[tuple[str, list[tuple[datetime.time, datetime.time]]]]:
    """The office hours as (weekday name, [(opens, closes)]) for the days with any, Monday first; one query."""
    days: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for row in OfficeHours.objects.order_by("weekday", "opens"):
        days.setdefault(row.weekday, []).append((row.opens, row.closes))
    return [(Weekday(weekday).label, days[weekday]) for weekday in sorted(days)]
