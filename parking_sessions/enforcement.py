"""The enforcement check: may this plate park in this zone at this time, on which right, until when.

A right is a session (ACTIVE, or ENDED but covering the time), a digital parking disc within the zone's maximum
stay, a resident card, a disability registration, a care-provider permit or a visitor period (permits.rights), or the
time itself when it falls outside the zone's paid or limited hours.

A scan car does not know when a car arrived, so the grace period (the tariff's time to register) runs from the first
sighting of the plate in the zone that day without a right since: the check answers "not covered, grace until T" and
the car may pass again later; only an observation after T becomes a retribution (observations.py).

Speed: zones, tariffs and holidays come from an in-process cache (`reference()`); sessions, permits, visitor periods
and that day's earlier sightings of the plates come in one UNION query for one plate or a thousand, written out in SQL
(each part goes through an index on the plate for a single check); the checks are logged with one (bulk) insert. So a
check costs 2 queries once the caches are warm.
"""

import bisect
import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.accounts import plates
from eloket.city.models import Zone
from permits import rights as permit_rights
from permits.models import Permit, PermitKind, PermitPlate, PermitStatus, VisitorPeriod

from . import pricing
from .models import Check, ParkingSession, SessionStatus
from .reference import Reference, reference
from .refusals import SessionRefused
from .sessions import DISC_STEP

SESSION, DISC, FREE, NO_ZONE = "session", "disc", "free", "no_zone"
# When several rights hold equally long, the one named first is given.
RIGHT_ORDER = [permit_rights.RESIDENT, permit_rights.DISABILITY, permit_rights.CARE_PROVIDER, permit_rights.VISITOR,
               SESSION, DISC, FREE, NO_ZONE]


@dataclass(frozen=True)
class Answer:
    allowed: bool
    right: str = ""  # one of RIGHT_ORDER, or "" when nothing covers the plate
    label: str = ""
    until: datetime.datetime | None = None  # when the right ends; None: no end known (running session, open permit)
    grace_until: datetime.datetime | None = None  # not covered, but still within the time to register
    zone: Zone | None = None  # the zone the answer is about (the right's zone, else the first zone asked)


@dataclass(frozen=True)
class Item:
    """One question: `plate` normalised, the zones where the car stands (one, or several where zones overlap)."""

    plate: str
    zones: tuple[Zone, ...]
    at: datetime.datetime


# --- Questions --------------------------------------------------------------------------------------------------

def item(plate: str, *, zone: str = "", lat: float | None = None, lon: float | None = None,
         at: datetime.datetime | None = None) -> Item:
    """Check and normalise one question; raises SessionRefused (invalid_plate, unknown_zone, invalid_time ...)."""
    normalised = plates.normalize(plate)
    error = plates.plate_error(normalised)
    if error:
        raise SessionRefused(error, "invalid_plate")
    ref = reference()
    if zone:
        found = ref.zone(zone)
        if found is None:
            raise SessionRefused(_("This zone does not exist or is no longer in use."), "unknown_zone")
        zones = (found,)
    elif lat is not None and lon is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise SessionRefused(_("The latitude or longitude is out of range."), "invalid_location")
        zones = tuple(ref.zones_at(lat, lon))
    else:
        raise SessionRefused(_("Give a zone, or a latitude and longitude."), "zone_required")
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise SessionRefused(_("The time of the check is in the future."), "invalid_time")
    return Item(normalised, zones, at)


def check(plate: str, zones: Zone | Iterable[Zone], at: datetime.datetime | None = None, *, device=None) -> Answer:
    """May `plate` park in (one of) `zones` at `at`? Logged as a Check of `device` when one is given."""
    zones = (zones,) if isinstance(zones, Zone) else tuple(zones)
    at = at or timezone.now()
    at = timezone.make_aware(at) if timezone.is_naive(at) else at
    return check_many([Item(plates.normalize(plate), zones, at)], device=device)[0]


def check_many(items: Sequence[Item], *, device=None) -> list[Answer]:
    """Answer every item with one query, and log them with one insert when a device asks."""
    if not items:
        return []
    ref = reference()
    found = _load([entry for entry in items if entry.zones])
    answers: list[Answer | None] = [None] * len(items)
    # In time order, so an earlier item of the same batch counts as an earlier sighting of a later one.
    for index in sorted(range(len(items)), key=lambda index: items[index].at):
        entry = items[index]
        rows = found[entry.plate]
        answer = _decide(entry, rows, ref)
        answers[index] = answer
        if answer.zone is not None:
            bisect.insort(rows.sightings, (entry.at, answer.zone.pk, answer.allowed))
    if device is not None:
        _log(device, items, answers)
    return answers


def _log(device, items: Sequence[Item], answers: Sequence[Answer]) -> None:
    """One INSERT of arrays for the whole batch: three times faster than bulk_create building a model per check."""
    if connection.vendor != "postgresql":  # the SQLite demo
        Check.objects.bulk_create([
            Check(device=device, plate=entry.plate, zone=answer.zone, checked_for=entry.at, allowed=answer.allowed,
                  right=answer.right) for entry, answer in zip(items, answers, strict=True)])
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Check._meta.get_field(name).column)
                        for name in ("device", "created", "plate", "zone", "checked_for", "allowed", "right"))
    # A check's own statement commits without waiting for the disk (synchronous_commit off for this transaction only):
    # that wait was a large part of a single check. A database crash may lose the last moment's log rows, which only
    # gives a car seen then a new time to register. Inside a caller's transaction (an observation) nothing changes.
    asynchronous = "" if connection.in_atomic_block else (
        ", (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous_commit")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Check._meta.db_table)} ({columns}) SELECT %s, %s, checks.* FROM UNNEST("
            f"%s::varchar[], %s::bigint[], %s::timestamptz[], %s::boolean[], %s::varchar[]) AS checks{asynchronous}",
            [device.pk, timezone.now(), [entry.plate for entry in items],
             [answer.zone.pk if answer.zone is not None else None for answer in answers],
             [entry.at for entry in items], [answer.allowed for answer in answers], [answer.right for answer in answers]])


# --- The one query ----------------------------------------------------------------------------------------------

@dataclass
class _Rows:
    sessions: list = field(default_factory=list)  # (zone_id, starts_at, ends_at, is_disc)
    permits: list = field(default_factory=list)  # (permit_id, kind, zone_id, valid_from, valid_to)
    visits: list = field(default_factory=list)  # (permit_id, zone_id, starts_at, ends_at)
    sightings: list = field(default_factory=list)  # (checked_for, zone_id, allowed), sorted


def local_time(moment: datetime.datetime) -> datetime.datetime:
    """Brussels time (TIME_ZONE). timezone.localtime asks asgiref's Local for the active zone each time, which a batch
    of a thousand checks felt (about 4,000 calls); nothing here activates another zone."""
    return moment.astimezone(timezone.get_default_timezone())


def _day_start(at: datetime.datetime) -> datetime.datetime:
    return datetime.datetime.combine(local_time(at).date(), datetime.time.min, timezone.get_default_timezone())


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.lru_cache(maxsize=64)
def _union_sql(vendor: str, plate_count: int, zone_count: int) -> str:
    """The one query, written out: built through the ORM for every check it cost more than running it (five
    querysets, annotations and their compilation, several milliseconds). Every part gives the same ten columns.
    PostgreSQL takes the plates and zones as one array each, SQLite as a list of placeholders. The plates are a
    semi-join on the unnested array: for a thousand of them `= ANY(array)` cost 20 ms of planning (each element
    estimated, in each part) and sequential scans, where the semi-join probes each part's index on the plate."""
    def among(column: str, count: int) -> str:
        return f"{column} = ANY(%s)" if vendor == "postgresql" else f"{column} IN ({', '.join(['%s'] * count)})"

    def plate_among(column: str, count: int) -> str:
        return f"{column} IN (SELECT unnest(%s::text[]))" if vendor == "postgresql" else among(column, count)

    session, plate, permit, visit, check = (_table(model) for model in (ParkingSession, PermitPlate, Permit, VisitorPeriod,
                                                                        Check))
    return f"""
        SELECT 's', s.plate, s.zone_id, s.starts_at, s.ends_at, CAST(NULL AS date), CAST(NULL AS date),
               CAST(NULL AS bigint), s.is_disc, ''
          FROM {session} s
         WHERE {plate_among("s.plate", plate_count)} AND {among("s.zone_id", zone_count)} AND s.status IN (%s, %s)
           AND s.starts_at <= %s AND (s.ends_at IS NULL OR s.ends_at >= %s)
        UNION ALL
        SELECT 'p', pp.plate, p.zone_id, CAST(NULL AS timestamptz), CAST(NULL AS timestamptz), p.valid_from, p.valid_to,
               pp.permit_id, false, p.kind
          FROM {plate} pp JOIN {permit} p ON p.id = pp.permit_id
         WHERE {plate_among("pp.plate", plate_count)} AND p.status = %s AND p.valid_from <= %s
           AND (p.valid_to IS NULL OR p.valid_to >= %s)
           AND ((p.kind = %s AND {among("p.zone_id", zone_count)}) OR p.kind IN (%s, %s))
        UNION ALL
        SELECT 'v', v.plate, v.zone_id, v.starts_at, v.ends_at, CAST(NULL AS date), CAST(NULL AS date), v.permit_id,
               false, ''
          FROM {visit} v JOIN {permit} p ON p.id = v.permit_id
         WHERE {plate_among("v.plate", plate_count)} AND {among("v.zone_id", zone_count)} AND v.starts_at <= %s
           AND v.ends_at > %s AND p.status = %s
        UNION ALL
        SELECT 'c', c.plate, c.zone_id, c.checked_for, CAST(NULL AS timestamptz), CAST(NULL AS date), CAST(NULL AS date),
               CAST(NULL AS bigint), c.allowed, ''
          FROM {check} c
         WHERE {plate_among("c.plate", plate_count)} AND {among("c.zone_id", zone_count)} AND c.checked_for >= %s
           AND c.checked_for <= %s AND c.created >= %s"""


def _union_params(plate_list: list[str], zone_ids: list[int], first, last, first_day, last_day, day_start) -> list:
    """The query's parameters in its order; a list is one array on PostgreSQL, its items on SQLite."""
    postgres = connection.vendor == "postgresql"
    moment = connection.ops.adapt_datetimefield_value
    day = connection.ops.adapt_datefield_value

    def many(values):
        return [values] if postgres else list(values)

    return [
        *many(plate_list), *many(zone_ids), SessionStatus.ACTIVE, SessionStatus.ENDED, moment(last + DISC_STEP),
        moment(first),
        *many(plate_list), PermitStatus.ACTIVE, day(last_day), day(first_day), PermitKind.RESIDENT, *many(zone_ids),
        PermitKind.DISABILITY, PermitKind.CARE_PROVIDER,
        *many(plate_list), *many(zone_ids), moment(last), moment(first), PermitStatus.ACTIVE,
        *many(plate_list), *many(zone_ids), moment(day_start), moment(last), moment(day_start),
    ]


def _typed(rows):
    """PostgreSQL gives Python types; SQLite gives text and integers, converted as its ORM backend does."""
    if connection.vendor == "postgresql":
        return rows
    ops = connection.ops

    def when(value):
        return ops.convert_datetimefield_value(value, None, connection) if value is not None else None

    def day(value):
        return ops.convert_datefield_value(value, None, connection) if value is not None else None

    return [(kind, plate, zone_id, when(t1), when(t2), day(d1), day(d2), ref, bool(flag), sub)
            for kind, plate, zone_id, t1, t2, d1, d2, ref, flag, sub in rows]


def _load(items: Sequence[Item]) -> dict[str, _Rows]:
    """Sessions, permits, visitor periods and that day's earlier sightings of the items' plates: one query."""
    found: dict[str, _Rows] = defaultdict(_Rows)
    if not items:
        return found
    plate_list = sorted({entry.plate for entry in items})
    zone_ids = sorted({zone.pk for entry in items for zone in entry.zones})
    first, last = min(entry.at for entry in items), max(entry.at for entry in items)
    first_day, last_day = local_time(first).date(), local_time(last).date()
    counts = (0, 0) if connection.vendor == "postgresql" else (len(plate_list), len(zone_ids))  # arrays on PostgreSQL
    sql = _union_sql(connection.vendor, *counts)
    with connection.cursor() as cursor:
        # created bounds the scan of the day's check log in the batch's plan; a single plate goes through its index.
        cursor.execute(sql, _union_params(plate_list, zone_ids, first, last, first_day, last_day, _day_start(first)))
        rows = _typed(cursor.fetchall())
    for kind, plate, zone_id, t1, t2, d1, d2, ref, flag, sub in rows:
        entry = found[plate]
        if kind == "s":
            entry.sessions.append((zone_id, t1, t2, flag))
        elif kind == "p":
            entry.permits.append((ref, sub, zone_id, d1, d2))
        elif kind == "v":
            entry.visits.append((ref, zone_id, t1, t2))
        else:
            entry.sightings.append((t1, zone_id, flag))
    for entry in found.values():
        entry.sightings.sort()
        entry.permits = sorted(set(entry.permits))  # a plate on one permit for two countries is one right
    return found


# --- Deciding one item ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Right:
    kind: str
    zone: Zone
    until: datetime.datetime | None
    label: str


def _time(moment: datetime.datetime) -> str:
    local = local_time(moment)
    return f"{local.day}/{local.month} {local:%H:%M}"  # "2/3 10:15", as a scan car's screen has room for


def _end_of_day(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, timezone.get_default_timezone())


def _next_paid_start(rules, at: datetime.datetime, holidays) -> datetime.datetime | None:
    local = local_time(at)
    for offset in range(8):
        day = local.date() + datetime.timedelta(days=offset)
        if rules.free_on_public_holidays and day in holidays:
            continue
        for start, _end in sorted(rules.hours.get(day.weekday(), ())):
            moment = datetime.datetime.combine(day, start, local.tzinfo)
            if moment > at:
                return moment
    return None


def _session_right(zone: Zone, starts_at, ends_at, is_disc: bool, at, rules, holidays) -> _Right | None:
    """A session covers its own span; the maximum stay (a disc's two hours) counts paid time only, as pricing does."""
    if is_disc:
        longest = pricing.disc_until(starts_at, rules, holidays=holidays)
    elif rules is not None and rules.max_duration_minutes:
        longest = pricing.max_end(rules, starts_at, holidays=holidays)
    else:
        longest = None
    until = ends_at if longest is None else longest if ends_at is None else min(ends_at, longest)
    # A disc shows the half hour after the arrival, so the car may stand there up to half an hour before it.
    since = starts_at - DISC_STEP if is_disc else starts_at
    if not (since <= at and (until is None or at <= until)):
        return None
    if is_disc:
        return _Right(DISC, zone, until, _("Digital parking disc set at %(time)s, valid until %(until)s") % {
            "time": _time(starts_at), "until": _time(until)})
    label = (_("Parking session until %(until)s") % {"until": _time(until)} if until is not None
             else _("Parking session running"))
    return _Right(SESSION, zone, until, label)


def _rights(entry: Item, rows: _Rows, ref: Reference) -> list[_Right]:
    day = local_time(entry.at).date()
    zones = {zone.pk: zone for zone in entry.zones}
    found = []
    for zone in entry.zones:
        rules = ref.rules(zone, day)
        if rules is not None and not pricing.is_paid_time(rules, entry.at, ref.holidays):
            found.append(_Right(FREE, zone, _next_paid_start(rules, entry.at, ref.holidays),
                                _("Free parking at this time")))
    for zone_id, starts_at, ends_at, is_disc in rows.sessions:
        if zone_id in zones:
            right = _session_right(zones[zone_id], starts_at, ends_at, is_disc, entry.at, ref.rules(zones[zone_id], day),
                                   ref.holidays)
            if right is not None:
                found.append(right)
    for permit_id, kind, zone_id, valid_from, valid_to in rows.permits:
        if valid_from is not None and valid_from <= day and (valid_to is None or day <= valid_to):
            for right in permit_rights.rights_of_permit(kind, permit_id, zone_id, valid_to, list(entry.zones)):
                found.append(_Right(right.kind, zones[right.zone_id], _end_of_day(valid_to), right.label))
    for _permit_id, zone_id, starts_at, ends_at in rows.visits:
        if zone_id in zones and starts_at <= entry.at < ends_at:
            found.append(_Right(permit_rights.VISITOR, zones[zone_id], ends_at,
                                _("Visitor period in zone %(zone)s") % {"zone": zones[zone_id].code}))
    return found


def _best(found: list[_Right]) -> _Right:
    """The right that lasts longest (no end beats any end); equal ones in RIGHT_ORDER."""
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return min(found, key=lambda right: (-(right.until or far).timestamp(), RIGHT_ORDER.index(right.kind)))


def _uncovered_since(entry: Item, rows: _Rows) -> datetime.datetime:
    """The first sighting today, in these zones, with no covered sighting after it; this check itself otherwise."""
    zone_ids = {zone.pk for zone in entry.zones}
    day_start = _day_start(entry.at)
    since = entry.at
    for seen_at, zone_id, allowed in reversed(rows.sightings):
        if seen_at > entry.at or zone_id not in zone_ids:
            continue
        if seen_at < day_start or allowed:
            break
        since = seen_at
    return since


def _decide(entry: Item, rows: _Rows, ref: Reference) -> Answer:
    if not entry.zones:
        return Answer(True, NO_ZONE, _("Not in a regulated zone"))
    found = _rights(entry, rows, ref)
    if found:
        right = _best(found)
        return Answer(True, right.kind, right.label, right.until, None, right.zone)
    day = local_time(entry.at).date()
    grace = max(((rules.grace_minutes or 0) if (rules := ref.rules(zone, day)) is not None else 0)
                for zone in entry.zones)
    grace_until = _uncovered_since(entry, rows) + datetime.timedelta(minutes=grace)
    zone = entry.zones[0]
    if grace and entry.at <= grace_until:
        return Answer(False, "", _("No parking right yet: time to register until %(time)s") % {
            "time": _time(grace_until)}, None, grace_until, zone)
    return Answer(False, "", _("No parking right"), None, None, zone)
