"""Summaries for the data report: parking sessions per local day and zone (and per hour), checks per day and zone.

Why: a year of a mid-size city is about a million sessions, and one pass over them takes about two seconds on this
two-core server (bench/report.py), several passes (heat map, durations, revenue, occupancy) far more. The report reads
these summaries instead: per day, zone and channel (about 10,000 rows a year) and per hour and zone (about 30,000).

How fresh: the beat task `insights.refresh_recent` summarises today and the two days before it every hour, so the
report is at most an hour behind and late changes (an SMS session stopped the next morning, an operator correcting a
parking) are taken in. Staff can summarise any period again from the report page (the task `insights.refresh_days`),
and `generate_demo_year` summarises the year it makes.

Refreshing a day is idempotent: in one transaction its `SummaryDay` row is locked, its summary rows are deleted and
written again. Sessions are summarised in one pass in Python, since occupancy splits each session over the hours it
spans to count only its minutes in paid hours (PostgreSQL's generate_series would do that, SQLite's demo database
cannot), and the same pass gives the start counts and durations. Checks are counted in SQL. The enforcement log is
deleted after its retention period (ENFORCEMENT_CHECK_RETENTION_DAYS), so a day's checks are summarised only while the
log still holds the whole day; an older day keeps the counts it had: they hold no plate, so they may be kept as long as
the report needs them.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from eloket.city.models import PublicHoliday, Tariff, Zone
from parking_sessions import pricing
from parking_sessions.models import Check, ParkingSession, SessionStatus

from . import bulk
from .models import CheckDay, SessionDay, SessionHour, SummaryDay, ZoneDay
from .selection import local_zone, midnight

DAY = datetime.timedelta(days=1)
HOUR = 3600
# A session is followed this long at most: an older one that never got an end is not parked for days in the report.
LONGEST = datetime.timedelta(days=7)
CHUNK_DAYS = 31  # days summarised in one transaction
# Sessions that are no right to park (a web session never paid, a cancelled one) are left out.
LEFT_OUT = (SessionStatus.CANCELLED, SessionStatus.AWAITING_PAYMENT)
BUCKETS = (30, 60, 120, 240)  # the upper bounds of SessionHour.up_to_30 ... up_to_240, in minutes


@dataclass
class Summarised:
    days: int = 0
    sessions: int = 0
    session_rows: int = 0
    check_days: int = 0
    checks: int = 0


def _days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def checks_kept_since(now: datetime.datetime) -> datetime.date:
    """The first local day of which the enforcement log still holds every check."""
    oldest = now - datetime.timedelta(days=max(1, settings.ENFORCEMENT_CHECK_RETENTION_DAYS))
    return timezone.localtime(oldest, local_zone()).date() + DAY


# --- Paid hours -----------------------------------------------------------------------------------------------------

def paid_hours(zones: list[Zone], first: datetime.date, last: datetime.date) -> dict[tuple[int, datetime.date], frozenset]:
    """{(zone id, day): the local hours whose middle falls in the zone's paid (or time-limited) hours that day}.

    Two queries (tariffs with their hours, holidays); the hours of a tariff depend only on the weekday and on whether
    the day is a public holiday, so each combination is worked out once with parking_sessions.pricing's own rules.
    """
    tariffs: dict[int, list[Tariff]] = {}
    for tariff in (Tariff.objects.filter(zone__in=zones, valid_from__lte=last)
                   .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
                   .prefetch_related("hours").order_by("-valid_from")):
        tariffs.setdefault(tariff.zone_id, []).append(tariff)
    holidays = frozenset(PublicHoliday.objects.filter(date__gte=first, date__lte=last).values_list("date", flat=True))
    known: dict[tuple[int, int, bool], frozenset] = {}
    result = {}
    for zone in zones:
        for day in _days(first, last):
            tariff = next((t for t in tariffs.get(zone.pk, []) if t.is_in_force(day)), None)
            if tariff is None:
                result[(zone.pk, day)] = frozenset()
                continue
            key = (tariff.pk, day.weekday(), day in holidays)
            if key not in known:
                rules = pricing.rules_for(tariff)
                known[key] = frozenset(
                    hour for hour in range(24)
                    if pricing.is_paid_time(rules, midnight(day) + datetime.timedelta(hours=hour, minutes=30), holidays))
            result[(zone.pk, day)] = known[key]
    return result


# --- Sessions -------------------------------------------------------------------------------------------------------

def _hour_map(start: datetime.datetime, end: datetime.datetime) -> dict[int, tuple[datetime.date, int]]:
    """{UTC hour as a timestamp: (local day, local hour)}; Brussels' offsets are whole hours, so they line up."""
    zone = local_zone()
    first = int(start.timestamp()) // HOUR * HOUR
    mapping = {}
    for stamp in range(first, int(end.timestamp()), HOUR):
        local = datetime.datetime.fromtimestamp(stamp, zone)
        mapping[stamp] = (local.date(), local.hour)
    return mapping


def _session_rows(first: datetime.date, last: datetime.date, now: datetime.datetime, paid: dict, hours: dict,
                  ) -> tuple[dict, dict, int]:
    """({(day, zone id, channel, operator id): counters}, {(UTC hour, zone id): sessions started}, sessions started)
    of the sessions started or parked in the days; `paid` from paid_hours, `hours` from _hour_map, both of the days."""
    start_at, end_before = midnight(first), midnight(last + DAY)
    start_ts, end_ts, now_ts = start_at.timestamp(), end_before.timestamp(), now.timestamp()
    rows = (ParkingSession.objects.filter(starts_at__gte=start_at - LONGEST, starts_at__lt=end_before)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=start_at)).exclude(status__in=LEFT_OUT)
            .values_list("zone_id", "channel", "operator_id", "starts_at", "ends_at", "price").order_by())
    days: dict[tuple, list] = {}
    started_in: dict[tuple[int, int], int] = {}
    started = 0
    for zone_id, channel, operator_id, starts_at, ends_at, price in rows.iterator(chunk_size=20_000):
        begin = starts_at.timestamp()
        if start_ts <= begin < end_ts:
            started += 1
            stamp = int(begin) // HOUR * HOUR
            started_in[(stamp, zone_id)] = started_in.get((stamp, zone_id), 0) + 1
            row = days.setdefault((hours[stamp][0], zone_id, channel, operator_id), _empty())
            row[0] += 1
            row[1] += price
            if ends_at is None:
                row[9] += 1
            else:
                minutes = round((ends_at - starts_at).total_seconds() / 60)
                row[2] += 1
                row[3] += minutes
                row[4 + next((n for n, bound in enumerate(BUCKETS) if minutes <= bound), len(BUCKETS))] += 1
        # A running session is parked until now, at most until the end of the day it started.
        finish = ends_at.timestamp() if ends_at else min(now_ts, midnight(timezone.localdate(starts_at) + DAY).timestamp())
        finish = min(finish, begin + LONGEST.total_seconds(), end_ts)
        moment = max(begin, start_ts)
        while moment < finish:
            stamp = int(moment) // HOUR * HOUR
            upto = min(finish, stamp + HOUR)
            day, hour = hours[stamp]
            if hour in paid.get((zone_id, day), ()):
                days.setdefault((day, zone_id, channel, operator_id), _empty())[10] += upto - moment
            moment = upto
    return days, started_in, started


def _empty() -> list:
    # sessions, revenue, ended, minutes, up_to_30, up_to_60, up_to_120, up_to_240, longer, running, paid seconds
    return [0, Decimal("0.00"), 0, 0, 0, 0, 0, 0, 0, 0, 0.0]


def _summarise_sessions(first, last, zones, now) -> tuple[int, int]:
    paid = paid_hours(zones, first, last)
    hours = _hour_map(midnight(first), midnight(last + DAY))
    days, started_in, started = _session_rows(first, last, now, paid, hours)
    day_rows = [{"day": day, "zone_id": zone_id, "channel": channel, "operator_id": operator_id, "sessions": row[0],
                 "revenue": row[1], "ended": row[2], "minutes": row[3], "up_to_30": row[4], "up_to_60": row[5],
                 "up_to_120": row[6], "up_to_240": row[7], "longer": row[8], "running": row[9],
                 "paid_minutes": round(row[10] / 60)}
                for (day, zone_id, channel, operator_id), row in days.items()]
    hour_rows = [{"day": hours[stamp][0], "hour": hours[stamp][1], "weekday": hours[stamp][0].weekday(),
                  "zone_id": zone_id, "sessions": count} for (stamp, zone_id), count in started_in.items()]
    for model, rows in ((SessionDay, day_rows), (SessionHour, hour_rows)):
        model.objects.filter(day__gte=first, day__lte=last).delete()
        bulk.write(model, rows)
    ZoneDay.objects.filter(day__gte=first, day__lte=last).delete()
    bulk.write(ZoneDay, ({"day": day, "zone_id": zone_id, "paid_hours": len(hours_paid)}
                         for (zone_id, day), hours_paid in paid.items()))
    return started, len(day_rows) + len(hour_rows)


# --- Checks ---------------------------------------------------------------------------------------------------------

def _summarise_checks(first: datetime.date, last: datetime.date) -> int:
    start_at, end_before = midnight(first), midnight(last + DAY)
    # `created` is indexed and lies within moments of `checked_for`; the day around it finds a batch sent late.
    rows = (Check.objects.filter(created__gte=start_at - DAY, created__lt=end_before + DAY,
                                 checked_for__gte=start_at, checked_for__lt=end_before)
            .annotate(local_day=TruncDate("checked_for", tzinfo=local_zone()))
            .values("local_day", "zone_id", "allowed", "right").annotate(n=Count("pk")).order_by())
    summary = [{"day": row["local_day"], "zone_id": row["zone_id"], "allowed": row["allowed"], "right": row["right"],
                "checks": row["n"]} for row in rows]
    CheckDay.objects.filter(day__gte=first, day__lte=last).delete()
    bulk.write(CheckDay, summary)
    return sum(row["checks"] for row in summary)


# --- Refreshing -----------------------------------------------------------------------------------------------------

def _lock(first: datetime.date, last: datetime.date) -> None:
    """Make the days' SummaryDay rows and lock them: a second refresh of the same days waits for this one."""
    SummaryDay.objects.bulk_create([SummaryDay(day=day) for day in _days(first, last)], ignore_conflicts=True)
    list(SummaryDay.objects.select_for_update().filter(day__gte=first, day__lte=last).order_by("day")
         .values_list("pk", flat=True))


def refresh(first: datetime.date, last: datetime.date, *, checks: bool | None = None,
            now: datetime.datetime | None = None) -> Summarised:
    """Summarise the local days first..last again, CHUNK_DAYS per transaction.

    `checks`: None summarises the checks of the days the log still holds whole; True those of every day (the demo
    generator, which writes a year of checks at once); False none.
    """
    if last < first:
        raise ValueError("The last day is before the first.")
    now = now or timezone.now()
    zones = list(Zone.objects.all())
    kept_since = checks_kept_since(now)
    done = Summarised()
    chunk_first = first
    while chunk_first <= last:
        chunk_last = min(last, chunk_first + datetime.timedelta(days=CHUNK_DAYS - 1))
        with transaction.atomic():
            _lock(chunk_first, chunk_last)
            started, session_rows = _summarise_sessions(chunk_first, chunk_last, zones, now)
            SummaryDay.objects.filter(day__gte=chunk_first, day__lte=chunk_last).update(sessions_at=now)
            check_first = chunk_first if checks else max(chunk_first, kept_since)
            if checks is not False and check_first <= chunk_last:
                done.checks += _summarise_checks(check_first, chunk_last)
                SummaryDay.objects.filter(day__gte=check_first, day__lte=chunk_last).update(checks_at=now)
                done.check_days += (chunk_last - check_first).days + 1
        done.days += (chunk_last - chunk_first).days + 1
        done.sessions += started
        done.session_rows += session_rows
        chunk_first = chunk_last + DAY
    return done


def refresh_recent(now: datetime.datetime | None = None, days: int = 3) -> Summarised:
    """Today and the days before it: what the hourly beat task keeps fresh."""
    now = now or timezone.now()
    today = timezone.localtime(now, local_zone()).date()
    return refresh(today - datetime.timedelta(days=days - 1), today, now=now)
