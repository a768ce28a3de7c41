"""Realistic data for the benchmark database, through the ORM's bulk_create (after seed_demo_city --no-accounts).

A week of a Genk-sized city: parking sessions from the three channels in the paid and blue zones, resident cards,
disability registrations and care-provider permits with their plates, visitor periods, and the enforcement check log
of a few scan cars. Everything is drawn from one seeded random generator, so two runs fill the same data (relative to
the moment they run).
"""

import datetime
import random
import string
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from eloket.accounts.models import User
from eloket.city.models import PublicHoliday, Zone
from parking_sessions import devices, operators
from parking_sessions.models import Channel, Check, Operator, ParkingSession, SessionStatus
from parking_sessions.sessions import disc_time
from permits.models import Permit, PermitKind, PermitPlate, PermitStatus, VisitorPeriod

DAYS = 7
PAID_START, PAID_END = datetime.time(9, 0), datetime.time(18, 0)  # the demo city's paid hours, Monday to Saturday
PRICE_PER_HOUR = {"C1": Decimal("2.00"), "C2": Decimal("1.00")}


@dataclass
class Seeded:
    operator_key: str
    device_token: str
    reference_time: datetime.datetime  # a moment in paid hours, in the past, that the checks ask about
    checks: list[dict]  # 1,000 realistic questions of a scan car's round near reference_time
    counts: dict = field(default_factory=dict)


def belgian_plate(rng: random.Random) -> str:
    return f"{rng.randint(1, 9)}{''.join(rng.choices(string.ascii_uppercase, k=3))}{rng.randint(0, 999):03d}"


def plate_pool(rng: random.Random, size: int) -> list[str]:
    pool: set[str] = set()
    while len(pool) < size:
        pool.add(belgian_plate(rng))
    return sorted(pool)


def reference_time(now: datetime.datetime | None = None) -> datetime.datetime:
    """The latest past moment well inside paid hours (Monday to Saturday, not a public holiday): now when the run
    happens during the day, else 15:00 on the last paid day. Checks at night would all answer "free"."""
    local = timezone.localtime(now or timezone.now())
    holidays = set(PublicHoliday.objects.values_list("date", flat=True))
    for back in range(14):
        day = local.date() - datetime.timedelta(days=back)
        if day.weekday() == 6 or day in holidays:
            continue
        if back == 0:
            if datetime.time(10, 0) <= local.time() <= datetime.time(17, 45):
                return (local - datetime.timedelta(minutes=1)).replace(second=0, microsecond=0)
            if local.time() < datetime.time(10, 0):
                continue
        return datetime.datetime.combine(day, datetime.time(15, 0), local.tzinfo)
    raise RuntimeError("No paid day in the last two weeks")


def _local(day: datetime.date, minutes: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone()) + datetime.timedelta(
        minutes=minutes)


def seed(*, sessions: int = 100_000, residents: int = 3_000, checks_per_day: int = 25_000, rng_seed: int = 6,
         log=print) -> Seeded:
    rng = random.Random(rng_seed)
    now = timezone.now()
    ref = reference_time(now)
    ref_day = timezone.localtime(ref).date()
    days = [ref_day - datetime.timedelta(days=back) for back in range(DAYS)]
    zones = {zone.code: zone for zone in Zone.objects.all()}

    operator = Operator.objects.create(code="bench", name="Bench parking app")
    key = operators.make_key(operator)
    device, token = devices.create_device("Bench scan car")
    other_devices = [devices.create_device(f"Scan car {n}")[0] for n in (2, 3)]

    pool = plate_pool(rng, 40_000)
    regulars = pool[:8_000]  # commuters and shoppers who park often: 60% of the sessions

    # --- Parking sessions -------------------------------------------------------------------------
    log(f"  {sessions:,} parking sessions over {DAYS} days ...")
    rows, covering = [], []
    window_start = ref - datetime.timedelta(minutes=10)
    while len(rows) < sessions:
        day = rng.choice(days)
        if day.weekday() == 6:
            continue
        plate = rng.choice(regulars) if rng.random() < 0.6 else rng.choice(pool)
        code = rng.choices(["C1", "C2", "B1"], weights=[45, 40, 15])[0]
        start = _local(day, rng.randint(8 * 60, 17 * 60 + 30))
        if start >= now:
            continue
        minutes = rng.choice([30, 45, 60, 60, 90, 120, 120, 150, 180, 240])
        end = start + datetime.timedelta(minutes=minutes)
        is_disc = code == "B1"
        if is_disc:
            start = disc_time(start)
            channel = rng.choices([Channel.WEB, Channel.APP], weights=[40, 60])[0]
        else:
            channel = rng.choices([Channel.WEB, Channel.SMS, Channel.APP], weights=[30, 30, 40])[0]
        price = Decimal("0.00") if is_disc else (PRICE_PER_HOUR[code] * minutes / 60).quantize(Decimal("0.01"))
        rows.append(ParkingSession(
            plate=plate, zone=zones[code], channel=channel, operator=operator if channel == Channel.APP else None,
            phone=f"+3247{rng.randint(0, 9_999_999):07d}" if channel == Channel.SMS else "", starts_at=start,
            ends_at=end, is_disc=is_disc, status=SessionStatus.ACTIVE if end > now else SessionStatus.ENDED,
            price=price))
        if start <= window_start and end >= ref:
            covering.append((plate, code))
    ParkingSession.objects.bulk_create(rows, batch_size=5_000)
    with connection.cursor() as cursor:  # as if made when they started (created is auto_now_add)
        cursor.execute(f"UPDATE {ParkingSession._meta.db_table} SET created = starts_at, modified = starts_at")

    # --- Permits and their plates -------------------------------------------------------------------
    disability, care = residents // 10, residents // 30
    log(f"  {residents:,} resident cards, {disability:,} disability registrations, {care:,} care-provider permits ...")
    holders = User.objects.bulk_create([
        User(email=f"bench-{n}@example.invalid", password="!", first_name="Bench", last_name=str(n),
             street="Molenstraat", house_number=str(n % 140 + 1), postal_code="3600", municipality="Genk")
        for n in range(residents + disability + care)], batch_size=5_000)
    permit_rows, plate_rows = [], []
    today = timezone.localdate()
    for n, holder in enumerate(holders):
        kind = (PermitKind.RESIDENT if n < residents else
                PermitKind.DISABILITY if n < residents + disability else PermitKind.CARE_PROVIDER)
        zone = zones[rng.choice(["R1", "R2"])] if kind == PermitKind.RESIDENT else None
        valid_from = today - datetime.timedelta(days=rng.randint(10, 300))
        permit_rows.append(Permit(
            kind=kind, status=PermitStatus.ACTIVE, holder=holder, zone=zone, street=holder.street,
            house_number=holder.house_number, postal_code="3600", municipality="Genk",
            address_key=f"3600|molenstraat|{holder.house_number}|{n}", valid_from=valid_from,
            valid_to=None if kind == PermitKind.DISABILITY else valid_from + datetime.timedelta(days=365)))
    permits = Permit.objects.bulk_create(permit_rows, batch_size=5_000)
    spare = pool[::-1]  # plates from the other end of the pool, so few of them also park in paid zones
    for n, permit in enumerate(permits):
        for extra in range(1 + (n % 4 == 0)):  # a quarter of the cards hold two plates
            plate_rows.append(PermitPlate(permit=permit, plate=spare[2 * n + extra]))
    PermitPlate.objects.bulk_create(plate_rows, batch_size=5_000)
    resident_plates = [(row.plate, row.permit.zone.code) for row in plate_rows if row.permit.kind == PermitKind.RESIDENT]
    disability_plates = [row.plate for row in plate_rows if row.permit.kind == PermitKind.DISABILITY]

    # --- Visitor periods ----------------------------------------------------------------------------
    visits, visiting = [], []
    resident_permits = [permit for permit in permits if permit.kind == PermitKind.RESIDENT]
    for n in range(1_000):
        permit = rng.choice(resident_permits)
        if n < 40:  # guests parked right now
            start = ref - datetime.timedelta(minutes=rng.randint(20, 120))
        else:
            start = _local(rng.choice(days), rng.randint(8 * 60, 20 * 60))
        minutes = rng.choice([60, 120, 180, 240])
        plate = belgian_plate(rng)
        visits.append(VisitorPeriod(
            address_key=permit.address_key, permit=permit, started_by=permit.holder, zone=permit.zone, plate=plate,
            starts_at=start, ends_at=start + datetime.timedelta(minutes=minutes), minutes=minutes, year=start.year))
        if n < 40:
            visiting.append((plate, permit.zone.code))
    VisitorPeriod.objects.bulk_create(visits, batch_size=5_000)

    # --- The enforcement check log (kept a week) --------------------------------------------------
    log(f"  {checks_per_day:,} logged checks a day (Monday to Saturday) of three scan cars ...")
    scan_cars = [device, *other_devices]
    check_rows = []
    for day in days:
        if day.weekday() == 6:
            continue
        for _ in range(checks_per_day):
            at = _local(day, rng.randint(8 * 60, 18 * 60))
            if at >= now:
                continue
            allowed = rng.random() < 0.85
            check_rows.append(Check(
                device=rng.choice(scan_cars), plate=rng.choice(regulars) if rng.random() < 0.5 else rng.choice(pool),
                zone=zones[rng.choice(["C1", "C1", "C2", "C2", "B1", "R1", "R2"])], checked_for=at, allowed=allowed,
                right=rng.choice(["session", "session", "disc", "resident"]) if allowed else ""))
    Check.objects.bulk_create(check_rows, batch_size=10_000)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Check._meta.db_table} SET created = checked_for")
        # As a running database would have them: statistics for the planner, visibility map for index-only scans.
        for model in (ParkingSession, Check, Permit, PermitPlate, VisitorPeriod, User):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")

    # --- A scan car's round: 1,000 questions near the reference time ------------------------------------
    questions = []

    def ask(plate, code):
        at = ref - datetime.timedelta(seconds=rng.randint(0, 600))
        questions.append({"plate": plate, "zone": code, "time": at.isoformat()})

    for plate, code in rng.sample(covering, min(450, len(covering))):
        ask(plate, code)  # a session covers it
    for plate, code in rng.sample(resident_plates, 100):
        ask(plate, code)  # a resident card
    for plate in rng.sample(disability_plates, 20):
        ask(plate, rng.choice(["C1", "C2", "B1"]))  # a disability registration
    for plate, code in visiting[:30]:
        ask(plate, code)  # a visitor period
    while len(questions) < 1_000:  # mostly no right: grace period or a retribution
        ask(rng.choice(pool) if rng.random() < 0.5 else belgian_plate(rng), rng.choice(["C1", "C2", "B1", "R1", "R2"]))
    rng.shuffle(questions)

    counts = {"sessions": ParkingSession.objects.count(), "permits": Permit.objects.count(),
              "permit plates": PermitPlate.objects.count(), "visitor periods": VisitorPeriod.objects.count(),
              "logged checks": Check.objects.count(), "sessions covering the check time": len(covering)}
    return Seeded(operator_key=key, device_token=token, reference_time=ref, checks=questions, counts=counts)
