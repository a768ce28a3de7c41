"""What a report is about: a period of local days (Europe/Brussels, both ends included) and a choice of zones."""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from eloket.city.models import Zone

# The longest period one report covers: three years of summaries still aggregate well under a second.
MAX_DAYS = 3 * 366


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def midnight(day: datetime.date) -> datetime.datetime:
    """The aware start of a local day (also on the days of the daylight-saving switches)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=local_zone())


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last complete calendar year: what a council compares, and what `generate_demo_year` makes by default."""
    year = (today or timezone.localdate()).year - 1
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


@dataclass(frozen=True)
class Selection:
    start: datetime.date
    end: datetime.date  # the last day, included
    zones: tuple[Zone, ...] = ()  # empty: all zones, and what has no zone (GAS 5 cases, city-wide permits)
    all_zones: tuple[Zone, ...] = field(default=(), compare=False)  # every zone, for labels and the form

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_all_zones(self) -> bool:
        return not self.zones

    @property
    def zone_ids(self) -> list[int]:
        return [zone.pk for zone in self.zones]

    @property
    def start_at(self) -> datetime.datetime:
        return midnight(self.start)

    @property
    def end_before(self) -> datetime.datetime:
        """The moment after the period: midnight at the end of its last day."""
        return midnight(self.end + datetime.timedelta(days=1))

    def on_days(self, field_name: str = "day") -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lte": self.end})

    def in_zones(self, field_name: str = "zone") -> Q:
        """Rows in the chosen zones; with all zones, also the rows without one."""
        return Q() if self.is_all_zones else Q(**{f"{field_name}__in": self.zone_ids})
