"""The price of a parking stay from the zone's tariff: paid hours, billing units, the free first period, the maximum
stay and public holidays.

`price()` is pure. Paid hours are wall-clock hours in Brussels (also on the nights of the daylight-saving switches),
while what is charged is the real time parked, in whole minutes: a started minute counts, and so does a started
billing unit. `quote()` reads the tariff, the holidays and the free period the plate already used from the database,
refuses a stay longer than the maximum and calls the same rules.

The free first period (Genk: one free hour per zone per day) covers the first paid minutes of a stay. When it is
granted once per day, every local day of the stay has its own period, less what the plate used that day in that zone;
otherwise every stay has one. The grace time to register is an enforcement matter, not a price: it is only carried.
"""

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.accounts import plates
from eloket.city.models import Tariff, Zone

from .models import ParkingSession, SessionStatus
from .refusals import SessionRefused

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MINUTE = datetime.timedelta(minutes=1)
ONE_DAY = datetime.timedelta(days=1)
MIDNIGHT = datetime.time(0, 0)
# How far max_end looks ahead for paid time before it concludes the maximum is never reached.
HORIZON_DAYS = 400
DEFAULT_DISC_MINUTES = 120  # Wegcode art. 27.1.2: two hours unless the signs say otherwise

FreeLeft = int | Mapping[datetime.date, int] | None


class Stay(Protocol):
    """A session as the free period counts it: a ParkingSession, or one about to be written."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime | None


@dataclass(frozen=True)
class TariffRules:
    """A tariff as pricing needs it. `hours` maps a weekday (Monday 0) to its paid (start, end) stretches in local
    time; an end of 00:00 means midnight at the end of that day. Outside these stretches parking is free."""

    price_per_hour: Decimal
    billing_unit_minutes: int
    max_duration_minutes: int | None
    free_minutes: int
    free_once_per_day: bool
    grace_minutes: int
    free_on_public_holidays: bool
    hours: Mapping[int, Sequence[tuple[datetime.time, datetime.time]]]


@dataclass(frozen=True)
class Breakdown:
    """How a price was computed: paid and free minutes (per local day too), units charged and the amount."""

    paid_minutes: int
    free_minutes: int
    units: int
    amount: Decimal
    paid_by_day: dict[datetime.date, int] = field(default_factory=dict)
    free_by_day: dict[datetime.date, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Quote:
    amount: Decimal
    paid_minutes: int
    free_minutes: int
    # The latest end the maximum stay allows (None without a maximum); after it the stay is refused.
    max_end: datetime.datetime | None


# --- Time ----------------------------------------------------------------------------------------

def _aware(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Pricing needs aware datetimes.")
    return moment.astimezone(datetime.UTC)


def _floor_minute(moment: datetime.datetime) -> datetime.datetime:
    return _aware(moment).replace(second=0, microsecond=0)


def _ceil_minute(moment: datetime.datetime) -> datetime.datetime:
    floored = _floor_minute(moment)
    return floored if floored == moment else floored + MINUTE


def _local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(timezone.get_default_timezone()).date()


def _days(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _wall(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """A local wall-clock moment as UTC; a time the spring switch skips counts as the moment after the switch."""
    local = datetime.datetime.combine(day, time.replace(second=0, microsecond=0), tzinfo=timezone.get_default_timezone())
    return local.astimezone(datetime.UTC)


def _stretches(rules: TariffRules, day: datetime.date, holidays) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The paid stretches of one local day as UTC moments, overlaps merged; none on a free public holiday."""
    if rules.free_on_public_holidays and day in holidays:
        return []
    merged: list[tuple[datetime.datetime, datetime.datetime]] = []
    for start, end in sorted(rules.hours.get(day.weekday(), ())):
        begin = _wall(day, start)
        finish = _wall(day + ONE_DAY, MIDNIGHT) if end == MIDNIGHT else _wall(day, end)
        if finish <= begin:
            continue
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


def is_paid_time(rules: TariffRules, at: datetime.datetime, holidays=frozenset()) -> bool:
    """Whether `at` falls in the tariff's paid hours (not on a public holiday the tariff leaves free)."""
    moment = _aware(at)
    return any(begin <= moment < finish for begin, finish in _stretches(rules, _local_day(moment), holidays))


# --- Price ---------------------------------------------------------------------------------------

def _free_left_on(rules: TariffRules, free_minutes_left: FreeLeft, day: datetime.date, first_day: datetime.date) -> int:
    if free_minutes_left is None:
        left = rules.free_minutes
    elif isinstance(free_minutes_left, Mapping):
        left = free_minutes_left.get(day, rules.free_minutes)
    else:
        left = free_minutes_left if day == first_day else rules.free_minutes
    return max(0, min(int(left), rules.free_minutes))


def _amount(rules: TariffRules, charged_minutes: int) -> tuple[int, Decimal]:
    unit = rules.billing_unit_minutes
    units = -(-charged_minutes // unit)  # a started unit is charged
    amount = (Decimal(units * unit) * Decimal(rules.price_per_hour) / 60).quantize(CENT, rounding=ROUND_HALF_UP)
    return units, amount


def breakdown(rules: TariffRules, start: datetime.datetime, end: datetime.datetime, *, holidays=frozenset(),
              free_minutes_left: FreeLeft = None) -> Breakdown:
    """The price of the stay [start, end) and how it was reached; see price()."""
    start, end = _floor_minute(start), _ceil_minute(end)
    if end <= start:
        return Breakdown(0, 0, 0, ZERO)
    paid: dict[datetime.date, int] = {}
    for day in _days(_local_day(start), _local_day(end)):
        minutes = sum((min(finish, end) - max(begin, start)) // MINUTE
                      for begin, finish in _stretches(rules, day, holidays) if begin < end and finish > start)
        if minutes:
            paid[day] = minutes
    first_day = _local_day(start)
    free: dict[datetime.date, int] = {}
    stay_left = _free_left_on(rules, free_minutes_left, first_day, first_day)
    for day, minutes in paid.items():
        if rules.free_once_per_day:
            free[day] = min(minutes, _free_left_on(rules, free_minutes_left, day, first_day))
        else:
            free[day] = min(minutes, stay_left)
            stay_left -= free[day]
    paid_minutes, free_minutes = sum(paid.values()), sum(free.values())
    units, amount = _amount(rules, paid_minutes - free_minutes)
    return Breakdown(paid_minutes, free_minutes, units, amount, paid, {day: n for day, n in free.items() if n})


def price(rules: TariffRules, start: datetime.datetime, end: datetime.datetime, *, holidays=frozenset(),
          free_minutes_left: FreeLeft = None) -> Decimal:
    """What the stay [start, end) costs: its paid minutes less the free period, in started billing units, rounded
    half up to the cent once per stay.

    `holidays` are local dates. `free_minutes_left` is what is left of the free period: None for all of it; a number
    for the stay's first local day (a stay over midnight has a new period on the next day when it is once per day,
    and for a stay when it is not); a mapping for each local day (days it lacks have all of it).
    """
    return breakdown(rules, start, end, holidays=holidays, free_minutes_left=free_minutes_left).amount


def max_end(rules: TariffRules, start: datetime.datetime, *, holidays=frozenset()) -> datetime.datetime | None:
    """The latest end of a stay from `start` whose paid time stays within the maximum stay, or None without one.

    The maximum counts paid (regulated) time only: reached at the end of the paid hours, it lasts until they begin
    again, since parking in between is free and unlimited.
    """
    if rules.max_duration_minutes is None:
        return None
    start = _floor_minute(start)
    left = rules.max_duration_minutes
    first_day = _local_day(start)
    for day in _days(first_day, first_day + datetime.timedelta(days=HORIZON_DAYS)):
        for begin, finish in _stretches(rules, day, holidays):
            if finish <= start:
                continue
            begin = max(begin, start)
            length = (finish - begin) // MINUTE
            if left < length:
                return timezone.localtime(begin + left * MINUTE)
            left -= length
    return None


def disc_until(disc_time: datetime.datetime, rules: "TariffRules | None", *, holidays=frozenset()) -> datetime.datetime:
    """Until when a parking disc set at `disc_time` is valid: the zone's maximum stay (two hours unless the signs say
    otherwise), counted in its regulated hours only; a blue zone without a tariff row keeps two plain hours."""
    if rules is None:
        return disc_time + datetime.timedelta(minutes=DEFAULT_DISC_MINUTES)
    if not rules.max_duration_minutes:
        rules = replace(rules, max_duration_minutes=DEFAULT_DISC_MINUTES)
    return (max_end(rules, disc_time, holidays=holidays)
            or disc_time + datetime.timedelta(minutes=rules.max_duration_minutes))


# --- From the database ---------------------------------------------------------------------------

def tariff_in_force(zone: Zone, at: datetime.datetime) -> Tariff:
    """The zone's tariff on the local day of `at`, with its paid hours; refuses a zone that has none."""
    tariff = (Tariff.objects.in_force(_local_day(at)).filter(zone=zone).order_by("-valid_from")
              .prefetch_related("hours").first())
    if tariff is None:
        raise SessionRefused(_("This zone has no tariff for that day, so no session can be started there."), "no_tariff")
    return tariff


def rules_for(tariff: Tariff) -> TariffRules:
    hours: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for row in tariff.hours.all():
        hours.setdefault(int(row.weekday), []).append((row.start, row.end))
    return TariffRules(
        price_per_hour=tariff.price_per_hour, billing_unit_minutes=tariff.billing_unit_minutes,
        max_duration_minutes=tariff.max_duration_minutes, free_minutes=tariff.free_minutes,
        free_once_per_day=tariff.free_once_per_day, grace_minutes=tariff.grace_minutes,
        free_on_public_holidays=tariff.free_on_public_holidays,
        hours={weekday: tuple(sorted(stretches)) for weekday, stretches in hours.items()})


def _free_left(rules: TariffRules, zone: Zone, start: datetime.datetime, end: datetime.datetime, plate: str,
               country: str, exclude_session, holidays, stays: Iterable[Stay] | None = None,
               ) -> dict[datetime.date, int] | None:
    """What is left of each day's free period for the plate in the zone after its sessions that started earlier,
    replayed in order (a running one counts until `start`); None when every stay has the whole period. `stays`, when
    given, are the plate's sessions in the zone read beforehand (none cancelled): then there is no query."""
    plate = plates.normalize(plate)
    if not (rules.free_once_per_day and rules.free_minutes and plate):
        return None
    first_day = _local_day(start)
    left = {day: rules.free_minutes for day in _days(first_day, _local_day(end))}
    first_midnight = datetime.datetime.combine(first_day, MIDNIGHT, tzinfo=timezone.get_default_timezone())
    if stays is None:
        earlier = (ParkingSession.objects
                   .filter(zone=zone, plate=plate, country=(country or "BE").upper(), starts_at__lt=start)
                   .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=first_midnight))
                   .exclude(status=SessionStatus.CANCELLED))
        if exclude_session is not None:
            earlier = earlier.exclude(pk=getattr(exclude_session, "pk", exclude_session))
        replayed = earlier.order_by("starts_at", "pk").values_list("starts_at", "ends_at")
    else:  # the same filter as the query above, on stays read for many sessions at once
        excluded = getattr(exclude_session, "pk", exclude_session)
        replayed = sorted(((stay.starts_at, stay.ends_at) for stay in stays
                           if stay.starts_at < start and (stay.ends_at is None or stay.ends_at > first_midnight)
                           and (excluded is None or getattr(stay, "pk", None) != excluded)), key=lambda stay: stay[0])
    for session_start, session_end in replayed:
        used = breakdown(rules, session_start, session_end or max(session_start, start), holidays=holidays,
                         free_minutes_left=left).free_by_day
        for day, minutes in used.items():
            if day in left:
                left[day] -= minutes
    return left


def _cached():
    from .reference import reference  # the cache reads tariffs through rules_for, so it imports this module

    return reference()


def rules_at(zone: Zone, at: datetime.datetime) -> TariffRules:
    """The zone's tariff rules in force at `at`, from the in-process cache (no query once warm); refuses like
    tariff_in_force when the zone has no tariff then."""
    rules = _cached().rules(zone, _local_day(at))
    return rules if rules is not None else rules_for(tariff_in_force(zone, at))


def quote(zone: Zone, start: datetime.datetime, end: datetime.datetime | None, *, plate: str = "", country: str = "BE",
          exclude_session=None, check_max: bool = True, stays: Iterable[Stay] | None = None) -> Quote:
    """The price of a stay in `zone` from the tariff in force at `start`, less the free period this plate already
    used there that day (sessions other than `exclude_session`; cancelled ones do not count).

    Refuses with code "max_duration" a stay whose paid time exceeds the tariff's maximum; `check_max=False` prices
    it anyway (stopping a session that ran too long must still give it a price). No end prices an empty stay.
    `stays`: the plate's other sessions in the zone, read beforehand for many quotes at once (see _free_left).
    """
    rules = rules_at(zone, start)
    end = start if end is None or end < start else end
    holidays = _cached().holidays
    free_left = _free_left(rules, zone, start, end, plate, country, exclude_session, holidays, stays)
    result = breakdown(rules, start, end, holidays=holidays, free_minutes_left=free_left)
    if check_max and rules.max_duration_minutes is not None and result.paid_minutes > rules.max_duration_minutes:
        raise SessionRefused(_("In this zone you may park at most %(minutes)d minutes during the paid hours.")
                             % {"minutes": rules.max_duration_minutes}, "max_duration")
    return Quote(amount=result.amount, paid_minutes=result.paid_minutes, free_minutes=result.free_minutes,
                 max_end=max_end(rules, start, holidays=holidays))
