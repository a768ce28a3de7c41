"""Visitor hours: a resident address's yearly balance, spent by starting a parking period for a guest's plate.

The balance belongs to the address (all resident-card holders there share it) and to the calendar year in Brussels
time; a period counts in the year it starts. Starting a period reserves its whole planned duration at once, under
the address's lock, so two residents starting at the same moment never overdraw. Stopping early gives back the
unused time, rounded up to the next quarter hour.
"""

import datetime
import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from eloket.accounts import plates as plate_rules
from eloket.accounts.models import COUNTRIES
from eloket.city.models import CapCode
from eloket.city.reference import cap

from . import rules
from .models import Permit, PermitKind, PermitStatus, VisitorPeriod

STEP_MINUTES = 30
MIN_MINUTES, MAX_MINUTES = 30, 24 * 60
MAX_DAYS_AHEAD = 7
QUARTER = 15
# A start time picked in a form a moment ago is "now", not a refusal.
START_GRACE = datetime.timedelta(minutes=5)
COUNTRY_CODES = frozenset(code for code, _label in COUNTRIES)


class VisitorError(Exception):
    """A visitor period cannot be started or stopped; the message says why in plain words."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def duration_in_words(minutes: int) -> str:
    """150 -> '2 hours 30 minutes'."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if rest or not hours:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest})
    return " ".join(parts)


def duration_choices() -> list[tuple[int, str]]:
    """The durations a resident can choose: half an hour up to a whole day, in half hours."""
    return [(minutes, duration_in_words(minutes)) for minutes in range(MIN_MINUTES, MAX_MINUTES + 1, STEP_MINUTES)]


def quota_minutes(on: datetime.date | None = None) -> int:
    """The yearly visitor balance of one address, in minutes (the city's cap in hours)."""
    return cap(CapCode.VISITOR_HOURS_PER_YEAR, on) * 60


def _quota_day(year: int, today: datetime.date) -> datetime.date:
    """The day whose cap applies to a year's balance: today for this year, otherwise the year's first day."""
    return today if today.year == year else datetime.date(year, 1, 1)


def balance_minutes(address_key: str, year: int) -> int:
    """Minutes left for the address in that year: the quota minus every period of the year (one aggregate query)."""
    used = VisitorPeriod.objects.filter(address_key=address_key, year=year).aggregate(total=Sum("minutes"))["total"]
    return quota_minutes(_quota_day(year, timezone.localdate())) - (used or 0)


def visitor_card(user, on: datetime.date | None = None) -> Permit | None:
    """The user's active resident card that gives visitor hours: its address and zone are the visits' address and zone."""
    on = on or timezone.localdate()
    return (Permit.objects.filter(holder=user, kind=PermitKind.RESIDENT, status=PermitStatus.ACTIVE, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .select_related("zone").order_by("-valid_from", "-pk").first())


def _guest_plate(plate: str, country: str) -> str:
    try:
        normalised = plate_rules.validate(plate)
    except ValidationError as error:
        raise VisitorError(" ".join(error.messages)) from error
    if country not in COUNTRY_CODES:
        raise VisitorError(_("Choose the country of the number plate from the list."))
    return normalised


def _check_minutes(minutes: int) -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES or minutes % STEP_MINUTES:
        raise VisitorError(_("Choose a duration between half an hour and 24 hours, in steps of half an hour."))


def _start_moment(starts_at: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    if starts_at is None:
        return now
    starts_at = starts_at.astimezone(datetime.UTC)
    if starts_at < now - START_GRACE:
        raise VisitorError(_("The start time has already passed. Choose a moment from now on."))
    if starts_at > now + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise VisitorError(_("A visit can be planned at most %(days)d days ahead.") % {"days": MAX_DAYS_AHEAD})
    return max(starts_at, now)


def _check_plate_free(key: str, plate: str, country: str, start: datetime.datetime, end: datetime.datetime) -> None:
    overlapping = (VisitorPeriod.objects.filter(address_key=key, plate=plate, country=country, starts_at__lt=end,
                                                ends_at__gt=start).order_by("ends_at").last())
    if overlapping is not None:
        raise VisitorError(_("This car already has a visitor period at your address until %(end)s.") % {
            "end": timezone.localtime(overlapping.ends_at).strftime("%d/%m/%Y %H:%M")})


def start_visit(user, *, plate: str, country: str = "BE", minutes: int, starts_at: datetime.datetime | None = None,
                now: datetime.datetime | None = None) -> VisitorPeriod:
    """Start (or plan) a visitor period for a guest's plate; its whole duration is taken from the balance at once."""
    now = (now or timezone.now()).astimezone(datetime.UTC)
    card = visitor_card(user, timezone.localtime(now).date())
    if card is None:
        raise VisitorError(_("Visitor hours come with an active resident card. Once your resident card is active, you "
                             "can start visitor periods here."))
    guest_plate = _guest_plate(plate, country)
    _check_minutes(minutes)
    start = _start_moment(starts_at, now)
    end = start + datetime.timedelta(minutes=minutes)  # in UTC, so a period across a clock change lasts what it says
    year = timezone.localtime(start).year
    with transaction.atomic():
        rules.lock_address(card.address_key)
        _check_plate_free(card.address_key, guest_plate, country, start, end)
        left = balance_minutes(card.address_key, year)
        if minutes > left:
            raise VisitorError(_("Not enough visitor hours left: your address has %(left)s left in %(year)d.") % {
                "left": duration_in_words(max(left, 0)), "year": year})
        return VisitorPeriod.objects.create(
            address_key=card.address_key, permit=card, started_by=user, zone=card.zone, plate=guest_plate,
            country=country, starts_at=start, ends_at=end, minutes=minutes, year=year)


def _minutes_used(start: datetime.datetime, stop: datetime.datetime) -> int:
    """Time parked, rounded up to the next quarter hour."""
    seconds = max((stop - start).total_seconds(), 0)
    return math.ceil(seconds / (QUARTER * 60)) * QUARTER


def stop_visit(period: VisitorPeriod, user, now: datetime.datetime | None = None) -> VisitorPeriod:
    """Stop a running period (or cancel a planned one); the unused time returns to the address's balance."""
    now = (now or timezone.now()).astimezone(datetime.UTC)
    with transaction.atomic():
        locked = VisitorPeriod.objects.select_for_update().select_related("permit").get(pk=period.pk)
        if user.pk not in (locked.started_by_id, locked.permit.holder_id):
            raise VisitorError(_("Only the resident who started this visitor period can stop it."))
        if locked.ends_at <= now:
            raise VisitorError(_("This visitor period has already ended."))
        stop = max(now, locked.starts_at)  # a planned period that has not begun is cancelled whole
        locked.minutes = min(locked.minutes, _minutes_used(locked.starts_at, stop))
        locked.ends_at = stop
        locked.stopped_early = True
        locked.save(update_fields=["minutes", "ends_at", "stopped_early"])
    period.refresh_from_db()
    return period
