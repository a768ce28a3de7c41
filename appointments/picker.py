"""The slot picker: the free times of a topic at a location, a week at a time, grouped by day.

The whole booking window is read at once (slots.free_slots: four queries whatever its length), so the picker knows
where the first free time is and where the next week with free times starts without asking again.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from . import slots
from .models import Location, Topic

DAYS_SHOWN = 7


@dataclass(frozen=True)
class Time:
    starts_at: datetime.datetime
    local: datetime.datetime
    free: int

    @property
    def value(self) -> str:
        return self.starts_at.astimezone(datetime.UTC).isoformat()

    @property
    def html_id(self) -> str:
        return f"slot-{int(self.starts_at.timestamp())}"


@dataclass(frozen=True)
class Day:
    date: datetime.date
    times: list[Time]

    @property
    def html_id(self) -> str:
        return f"day-{self.date:%Y%m%d}"


@dataclass(frozen=True)
class Picker:
    days: list[Day]
    first: datetime.date
    last: datetime.date
    earlier: datetime.date | None
    later: datetime.date | None
    capacity: int

    @property
    def empty(self) -> bool:
        return not self.days


def swap_only(request) -> bool:
    """htmx asks for another week: answer with the week alone (a history restore needs the whole page)."""
    return bool(request.htmx) and request.method == "GET" and not request.htmx.history_restore_request


def parse_day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def build(location: Location, topic: Topic, *, start: datetime.date | None = None,
          now: datetime.datetime | None = None, exclude: datetime.datetime | None = None) -> Picker:
    """The week from `start` (or from the first free day), with links to the week before and the next free times.

    `exclude` leaves out one time (the current one, when rescheduling).
    """
    now = now or timezone.now()
    zone = slots.brussels()
    today = timezone.localdate(now, zone)
    _, last_day = slots.window(location, now)
    free = [slot for slot in slots.free_slots(location, topic, today, (last_day - today).days + 1, now)
            if slot.starts_at != exclude]
    days_with_times = sorted({slot.local_start.date() for slot in free})
    if start is None or start < today:
        start = days_with_times[0] if days_with_times and start is None else today
    start = min(start, last_day)
    end = start + datetime.timedelta(days=DAYS_SHOWN - 1)
    by_day: dict[datetime.date, list[Time]] = {}
    for slot in free:
        local = slot.local_start
        if start <= local.date() <= end:
            by_day.setdefault(local.date(), []).append(Time(slot.starts_at, local, slot.free))
    later = next((day for day in days_with_times if day > end), None)
    earlier = max(today, start - datetime.timedelta(days=DAYS_SHOWN)) if start > today else None
    return Picker([Day(day, times) for day, times in sorted(by_day.items())], start, end, earlier, later,
                  topic.capacity)
