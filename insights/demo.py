"""A realistic year of parking for the demo city, at a chosen scale: `manage.py generate_demo_year`.

Sessions come from every channel (the website, SMS and four parking-app operators) with the rhythm of a shopping town:
busier on Friday and Saturday, quiet on Sunday and public holidays, a dip in the summer holidays and a December peak,
and peaks late in the morning and the afternoon. Paid-zone sessions are priced by parking_sessions.pricing with the
zone's real tariff (the free first hour once per plate, zone and day); blue-zone sessions are digital discs. Scan cars
and wardens check plates on enforcement days. demo_cases.py adds retributions and GAS fines with their outcomes, and
permit applications with their handling. Everything comes from one seeded random generator, so the same --seed gives
the same data. Rows are written with COPY on PostgreSQL (bulk.py): a million sessions take a few minutes at most.
"""

import datetime
import random
import string
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from eloket.city.demo import belgian_public_holidays
from eloket.city.models import PublicHoliday, Tariff, Zone, ZoneKind
from parking_sessions import devices, operators, pricing
from parking_sessions.models import Channel, Check, Device, Operator, ParkingSession, SessionStatus
from parking_sessions.sessions import disc_time

from . import bulk
from .selection import local_zone

WEEKDAY_FACTOR = [0.95, 0.95, 1.0, 1.0, 1.15, 1.35, 0.2]  # Monday first
MONTH_FACTOR = [0.85, 0.9, 0.95, 1.0, 1.0, 1.0, 0.8, 0.75, 1.0, 1.0, 1.05, 1.25]
HOLIDAY_FACTOR = 0.3
ZONE_WEIGHTS = {"C1": 40, "C2": 35, "B1": 15, "R1": 5, "R2": 5}
# Arrivals per hour of the day: a morning and an afternoon peak on weekdays, a long midday on Saturday.
WEEKDAY_HOURS = {7: 2, 8: 6, 9: 9, 10: 12, 11: 13, 12: 9, 13: 10, 14: 12, 15: 12, 16: 11, 17: 9, 18: 5, 19: 4, 20: 3,
                 21: 2}
SATURDAY_HOURS = {8: 3, 9: 7, 10: 12, 11: 15, 12: 13, 13: 12, 14: 14, 15: 14, 16: 11, 17: 7, 18: 4, 19: 3, 20: 2}
OPERATORS = [("4411", "4411", 35), ("easypark", "EasyPark", 30), ("yellowbrick", "Yellowbrick", 20),
             ("flowbird", "Flowbird", 15)]
PAID_CHANNELS = {Channel.WEB: 20, Channel.SMS: 25, Channel.APP: 55}
DISC_CHANNELS = {Channel.WEB: 45, Channel.APP: 55}
PAID_MINUTES = {15: 6, 30: 14, 45: 10, 60: 18, 90: 14, 120: 14, 180: 10, 240: 6, 300: 4, 480: 4}
DISC_MINUTES = {30: 15, 45: 15, 60: 25, 90: 20, 120: 25}
# Enforcement: checks per session on days with paid hours, and the share a right covers, per zone.
CHECKS_PER_SESSION = 0.35
COMPLIANCE = {"C1": 0.86, "C2": 0.89, "B1": 0.9, "R1": 0.94, "R2": 0.94}
PAID_RIGHTS = {"session": 86, "disability": 4, "care_provider": 2, "resident": 3, "free": 5}
BLUE_RIGHTS = {"disc": 80, "resident": 10, "disability": 6, "visitor": 4}
DEVICES = ("Demo scan car", "Demo handheld")


class CannotGenerate(Exception):
    """The database is not ready for a demo year (no demo city) or already has one for this year."""


@dataclass
class World:
    """What the generator reads once: zones, tariffs, holidays, operators, devices and its random generator."""

    rng: random.Random
    year: int
    days: list[datetime.date]
    zones: dict[str, Zone]
    tariffs: dict[int, list[Tariff]]
    holidays: frozenset
    operators: list[tuple[Operator, int]]
    devices: list[Device]
    plates: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    day_sessions: dict[datetime.date, int] = field(default_factory=dict)


def plate(rng: random.Random) -> str:
    return f"{rng.randint(1, 2)}{''.join(rng.choices(string.ascii_uppercase, k=3))}{rng.randint(0, 999):03d}"


def _weighted(options: dict) -> tuple[list, list[int]]:
    keys, cumulative, total = list(options), [], 0
    for key in keys:
        total += options[key]
        cumulative.append(total)
    return keys, cumulative


def ensure_holidays(year: int) -> frozenset:
    for date, name_nl, name_en in belgian_public_holidays(year):
        PublicHoliday.objects.get_or_create(date=date, defaults={"name_nl": name_nl, "name_en": name_en})
    return frozenset(PublicHoliday.objects.filter(date__year=year).values_list("date", flat=True))


def ensure_operators() -> list[tuple[Operator, int]]:
    """The demo's parking-app operators (their API keys are made and never shown: nothing calls their API)."""
    found = []
    for code, name, weight in OPERATORS:
        operator = Operator.objects.filter(code=code).first()
        if operator is None:
            operator = Operator(code=code, name=name)
            operators.make_key(operator)
        found.append((operator, weight))
    return found


def ensure_devices() -> list[Device]:
    return [Device.objects.filter(name=name).first() or devices.create_device(name)[0] for name in DEVICES]


def year_days(year: int, now: datetime.datetime) -> list[datetime.date]:
    """The days of the year that are over: a demo year never holds parking still to come."""
    last = min(datetime.date(year, 12, 31), timezone.localtime(now, local_zone()).date() - datetime.timedelta(days=1))
    first = datetime.date(year, 1, 1)
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def prepare(*, sessions: int, year: int, seed: int, now: datetime.datetime) -> World:
    zones = {zone.code: zone for zone in Zone.objects.filter(code__in=ZONE_WEIGHTS)}
    if set(zones) != set(ZONE_WEIGHTS):
        raise CannotGenerate("The demo city's zones are missing: run `manage.py seed_demo_city` first.")
    days = year_days(year, now)
    if not days:
        raise CannotGenerate(f"No day of {year} is over yet: choose an earlier year.")
    existing = ParkingSession.objects.filter(starts_at__gte=_at(days[0], 0), starts_at__lt=_at(days[-1], 24)).count()
    if existing > 100:  # the demo seed's own few sessions are no year
        raise CannotGenerate(f"{year} already has {existing:,} parking sessions: generate another year, or use a fresh "
                             "database.")
    tariffs: dict[int, list[Tariff]] = {}
    for tariff in Tariff.objects.filter(zone__in=zones.values()).prefetch_related("hours").order_by("-valid_from"):
        tariffs.setdefault(tariff.zone_id, []).append(tariff)
    rng = random.Random(seed)
    pool = sorted({plate(rng) for _ in range(max(2_000, sessions // 12))})
    return World(rng=rng, year=year, days=days, zones=zones, tariffs=tariffs, holidays=ensure_holidays(year),
                 operators=ensure_operators(), devices=ensure_devices(), plates=pool)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=local_zone()) + datetime.timedelta(
        hours=hour, minutes=minute)


def spread(total: int, world: World) -> dict[datetime.date, int]:
    """How many sessions start on each day: the total shared by weekday, month and public-holiday factors."""
    weights = {day: WEEKDAY_FACTOR[day.weekday()] * MONTH_FACTOR[day.month - 1]
               * (HOLIDAY_FACTOR if day in world.holidays else 1.0) for day in world.days}
    whole = sum(weights.values())
    counts = {day: int(total * weight / whole) for day, weight in weights.items()}
    short = total - sum(counts.values())
    for day in sorted(weights, key=weights.get, reverse=True)[:short]:
        counts[day] += 1
    return counts


# --- Sessions -------------------------------------------------------------------------------------------------------

class Prices:
    """Paid-zone prices from parking_sessions.pricing, remembered per tariff, weekday, holiday, start and length (a
    day's paid hours depend on nothing else), so a million sessions need a few thousand calculations."""

    def __init__(self, world: World):
        self.world = world
        self.known: dict[tuple, Decimal] = {}
        self.rules: dict[int, pricing.TariffRules] = {}

    def tariff(self, zone: Zone, day: datetime.date) -> Tariff | None:
        return next((t for t in self.world.tariffs.get(zone.pk, []) if t.is_in_force(day)), None)

    def price(self, zone: Zone, start: datetime.datetime, minutes: int, free: bool) -> Decimal:
        day = start.date()
        tariff = self.tariff(zone, day)
        if tariff is None:
            return pricing.ZERO
        key = (tariff.pk, day.weekday(), day in self.world.holidays, start.hour, start.minute, minutes, free)
        if key not in self.known:
            if tariff.pk not in self.rules:
                self.rules[tariff.pk] = pricing.rules_for(tariff)
            self.known[key] = pricing.price(self.rules[tariff.pk], start, start + datetime.timedelta(minutes=minutes),
                                            holidays=self.world.holidays, free_minutes_left=None if free else 0)
        return self.known[key]


def session_rows(world: World, counts: dict[datetime.date, int]) -> Iterator[dict]:
    rng, prices = world.rng, Prices(world)
    zone_codes, zone_cum = _weighted(ZONE_WEIGHTS)
    paid_channels, disc_channels = _weighted(PAID_CHANNELS), _weighted(DISC_CHANNELS)
    paid_minutes, disc_minutes = _weighted(PAID_MINUTES), _weighted(DISC_MINUTES)
    apps, app_cum = _weighted({operator.pk: weight for operator, weight in world.operators})
    used_free: set[tuple] = set()
    for day in world.days:
        hours, hour_cum = _weighted(SATURDAY_HOURS if day.weekday() >= 5 else WEEKDAY_HOURS)
        for _ in range(counts.get(day, 0)):
            zone = world.zones[rng.choices(zone_codes, cum_weights=zone_cum)[0]]
            arrival = _at(day, rng.choices(hours, cum_weights=hour_cum)[0], rng.randrange(60))
            number = rng.choice(world.plates)
            is_disc = zone.kind != ZoneKind.PAID
            if is_disc:
                channel = rng.choices(disc_channels[0], cum_weights=disc_channels[1])[0]
                minutes = rng.choices(disc_minutes[0], cum_weights=disc_minutes[1])[0]
                start = timezone.localtime(disc_time(arrival), local_zone())
                price = pricing.ZERO
            else:
                channel = rng.choices(paid_channels[0], cum_weights=paid_channels[1])[0]
                minutes = rng.choices(paid_minutes[0], cum_weights=paid_minutes[1])[0]
                start = arrival
                free = (number, zone.pk, day) not in used_free
                used_free.add((number, zone.pk, day))
                price = prices.price(zone, start, minutes, free)
            end = start + datetime.timedelta(minutes=minutes)
            yield {
                "uuid": uuid.UUID(int=rng.getrandbits(128), version=4), "plate": number, "country": "BE",
                "zone_id": zone.pk, "channel": channel,
                "operator_id": rng.choices(apps, cum_weights=app_cum)[0] if channel == Channel.APP else None,
                "citizen_id": None, "phone": f"+32470{rng.randrange(10 ** 6):06d}" if channel == Channel.SMS else "",
                "starts_at": start, "ends_at": end, "is_disc": is_disc, "status": SessionStatus.ENDED, "price": price,
                "inbox_id": None, "terminal_number": "", "created": start, "modified": end}


# --- Checks ---------------------------------------------------------------------------------------------------------

def check_rows(world: World, counts: dict[datetime.date, int]) -> Iterator[dict]:
    """Scan-car and warden checks on the days with paid hours (Monday to Saturday, not public holidays), 9:00-18:00."""
    rng = world.rng
    zone_codes, zone_cum = _weighted(ZONE_WEIGHTS)
    paid_rights, blue_rights = _weighted(PAID_RIGHTS), _weighted(BLUE_RIGHTS)
    for day in world.days:
        if day.weekday() == 6 or day in world.holidays:
            continue
        for _ in range(round(counts.get(day, 0) * CHECKS_PER_SESSION)):
            zone = world.zones[rng.choices(zone_codes, cum_weights=zone_cum)[0]]
            allowed = rng.random() < COMPLIANCE[zone.code]
            rights = paid_rights if zone.kind == ZoneKind.PAID else blue_rights
            at = _at(day, 9, rng.randrange(9 * 60)) + datetime.timedelta(seconds=rng.randrange(60))
            yield {"device_id": world.devices[0 if rng.random() < 0.8 else 1].pk, "plate": rng.choice(world.plates),
                   "zone_id": zone.pk, "checked_for": at, "allowed": allowed,
                   "right": rng.choices(rights[0], cum_weights=rights[1])[0] if allowed else "", "created": at}


def write_sessions_and_checks(world: World, sessions: int, log) -> None:
    counts = spread(sessions, world)
    world.day_sessions = counts
    log(f"  {sessions:,} parking sessions ...")
    world.counts["sessions"] = bulk.write(ParkingSession, session_rows(world, counts))
    log("  enforcement checks ...")
    world.counts["checks"] = bulk.write(Check, check_rows(world, counts))


def analyse() -> None:
    """Fresh statistics for PostgreSQL's planner after a bulk load (what autovacuum would do a little later)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
