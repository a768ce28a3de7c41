"""The enforcement check: may this plate park in this zone at this time, on which right, until when.

A right is a session (ACTIVE, or ENDED but covering the time), a digital parking disc within the zone's maximum
stay, a resident card, a disability registration, a care-provider permit or a visitor period (permits.rights), or the
time itself when it falls outside the zone's paid or limited hours.

A scan car does not know when a car arrived, so the grace period (the tariff's time to register) runs from the first
sighting of the plate in the zone that day without a right since: the check answers "not covered, grace until T" and
the car may pass again later; only an observation after T becomes a retribution (observations.py).

Speed: zones, tariffs and holidays come from an in-process cache (`reference()`); sessions, permits, visitor periods
and that day's earlier sightings of the plates come in one UNION query for one plate or a thousand; the checks are
logged with one (bulk) insert. So a check costs 2 queries once the caches are warm.
"""

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BigIntegerField, BooleanField, CharField, DateField, DateTimeField, F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.accounts import plates
from eloket.city.models import Zone
from permits import rights as permit_rights
from permits.models import PermitKind, PermitPlate, PermitStatus, VisitorPeriod

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
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Check._meta.db_table)} ({columns}) SELECT %s, %s, checks.* FROM UNNEST("
            "%s::varchar[], %s::bigint[], %s::timestamptz[], %s::boolean[], %s::varchar[]) AS checks",
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


def _day_start(at: datetime.datetime) -> datetime.datetime:
    return datetime.datetime.combine(timezone.localtime(at).date(), datetime.time.min, timezone.get_current_timezone())


def _plate_in(model, plate_list: list[str]) -> Q | RawSQL:
    if connection.vendor != "postgresql":  # the SQLite demo
        return Q(plate__in=plate_list)
    # plate = ANY(%s): one array parameter where a thousand plates would make a thousand placeholders to parse.
    return RawSQL(f'"{model._meta.db_table}"."plate" = ANY(%s)', (plate_list,), output_field=BooleanField())


def _null(output_field):
    return Cast(Value(None), output_field)


def _columns(queryset, **columns):
    # Every part of the UNION gives the same columns in the same order, all as annotations.
    names = ["k", "p", "z", "t1", "t2", "d1", "d2", "ref", "flag", "sub"]
    defaults = {"t1": _null(DateTimeField()), "t2": _null(DateTimeField()), "d1": _null(DateField()),
                "d2": _null(DateField()), "ref": _null(BigIntegerField()), "flag": Value(False, BooleanField()),
                "sub": Value("", CharField())}
    return queryset.order_by().annotate(**{name: columns.get(name, defaults.get(name)) for name in names}).values_list(
        *names)


def _load(items: Sequence[Item]) -> dict[str, _Rows]:
    found: dict[str, _Rows] = defaultdict(_Rows)
    if not items:
        return found
    plate_list = sorted({entry.plate for entry in items})
    zone_ids = sorted({zone.pk for entry in items for zone in entry.zones})
    first, last = min(entry.at for entry in items), max(entry.at for entry in items)
    first_day, last_day = timezone.localtime(first).date(), timezone.localtime(last).date()
    day_start = _day_start(first)
    sessions = _columns(
        ParkingSession.objects.filter(_plate_in(ParkingSession, plate_list), zone_id__in=zone_ids,
                                      status__in=[SessionStatus.ACTIVE, SessionStatus.ENDED],
                                      starts_at__lte=last + DISC_STEP)  # a disc shows the half hour after arrival
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gte=first)),
        k=Value("s"), p=F("plate"), z=F("zone_id"), t1=F("starts_at"), t2=F("ends_at"), flag=F("is_disc"))
    permits = _columns(
        PermitPlate.objects.filter(_plate_in(PermitPlate, plate_list), permit__status=PermitStatus.ACTIVE,
                                   permit__valid_from__lte=last_day)
        .filter(Q(permit__valid_to__isnull=True) | Q(permit__valid_to__gte=first_day))
        .filter(Q(permit__kind=PermitKind.RESIDENT, permit__zone_id__in=zone_ids)
                | Q(permit__kind__in=[PermitKind.DISABILITY, PermitKind.CARE_PROVIDER])),
        k=Value("p"), p=F("plate"), z=F("permit__zone_id"), d1=F("permit__valid_from"), d2=F("permit__valid_to"),
        ref=F("permit_id"), sub=F("permit__kind"))
    visits = _columns(
        VisitorPeriod.objects.filter(_plate_in(VisitorPeriod, plate_list), zone_id__in=zone_ids, starts_at__lte=last,
                                     ends_at__gt=first,
                                     permit__status=PermitStatus.ACTIVE),
        k=Value("v"), p=F("plate"), z=F("zone_id"), t1=F("starts_at"), t2=F("ends_at"), ref=F("permit_id"))
    # created bounds the scan through its index; Check has none on the plate.
    sightings = _columns(
        Check.objects.filter(_plate_in(Check, plate_list), zone_id__in=zone_ids, checked_for__gte=day_start,
                             checked_for__lte=last, created__gte=day_start),
        k=Value("c"), p=F("plate"), z=F("zone_id"), t1=F("checked_for"), flag=F("allowed"))
    for kind, plate, zone_id, t1, t2, d1, d2, ref, flag, sub in sessions.union(permits, visits, sightings, all=True):
        rows = found[plate]
        if kind == "s":
            rows.sessions.append((zone_id, t1, t2, flag))
        elif kind == "p":
            rows.permits.append((ref, sub, zone_id, d1, d2))
        elif kind == "v":
            rows.visits.append((ref, zone_id, t1, t2))
        else:
            rows.sightings.append((t1, zone_id, flag))
    for rows in found.values():
        rows.sightings.sort()
        rows.permits = sorted(set(rows.permits))  # a plate on one permit for two countries is one right
    return found


# --- Deciding one item ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Right:
    kind: str
    zone: Zone
    until: datetime.datetime | None
    label: str


def _time(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day}/{local.month} {local:%H:%M}"  # "2/3 10:15", as a scan car's screen has room for


def _end_of_day(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, timezone.get_current_timezone())


def _next_paid_start(rules, at: datetime.datetime, holidays) -> datetime.datetime | None:
    local = timezone.localtime(at)
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
    day = timezone.localtime(entry.at).date()
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
            for right in permit_rights._permit_rights(kind, permit_id, zone_id, valid_to, list(entry.zones)):
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
    day = timezone.localtime(entry.at).date()
    grace = max(((rules.grace_minutes or 0) if (rules := ref.rules(zone, day)) is not None else 0)
                for zone in entry.zones)
    grace_until = _uncovered_since(entry, rows) + datetime.timedelta(minutes=grace)
    zone = entry.zones[0]
    if grace and entry.at <= grace_until:
        return Answer(False, "", _("No parking right yet: time to register until %(time)s") % {
            "time": _time(grace_until)}, None, grace_until, zone)
    return Answer(False, "", _("No parking right"), None, None, zone)
